using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Hosting;
using Sluice.Server.Webhooks;

namespace Sluice.Server.Requery;

/// <summary>An order a node stored and then died before the channel's answer was recorded: it gets a query row.</summary>
public sealed record OrphanOrder(string OrderId, string ChannelAccountId, DateTimeOffset? ExpiresAt);

/// <summary>What one supplementary query (or close) of an order did, for the row and the log.</summary>
public sealed record ChannelQueryRound(string Operation, string Result, string Status, bool Done, DateTimeOffset? ExpiresAt)
{
    /// <summary>
    /// Set when the order's row must follow it elsewhere: a withdrawal held (no channel has it: looked at again at
    /// <see cref="QueryRowMove.NextAt"/>) or routed to another channel account (whose schedule starts over).
    /// </summary>
    public QueryRowMove? Move { get; init; }
}

/// <summary>Where an order's query row goes next: its channel account (none while held) and when it is due, its schedule started over.</summary>
public sealed record QueryRowMove(string? ChannelAccountId, string? Protocol, DateTimeOffset NextAt);

/// <summary>
/// What the re-query worker does for one kind of order: find the orders left without a query row, and ask the channel
/// about one order (applying the answer through the order's own compare-and-set and webhook path).
/// </summary>
public interface IChannelQueryHandler
{
    ChannelQueryKind Kind { get; }

    /// <summary>Orders of this kind left open without a pending query row since before <paramref name="before"/>, read on <paramref name="scope"/>'s unit of work.</summary>
    Task<IReadOnlyList<OrphanOrder>> OrphansAsync(IServiceProvider scope, DateTimeOffset before, CancellationToken ct);

    /// <summary>
    /// Asks the channel about the row's order with the services (and the unit of work) of <paramref name="scope"/>. An
    /// order found terminal (or missing) is done without asking.
    /// </summary>
    Task<ChannelQueryRound> QueryAsync(IServiceProvider scope, ChannelQuery row, CancellationToken ct);
}

/// <summary>
/// Supplementary queries (补单) of payments, refunds and withdrawals. Each round claims due rows of <c>channel_queries</c> with a lease
/// (so two nodes never ask the channel about the same order at once, and a node that dies leaves its rows to whoever
/// claims them once the lease has expired), renews each lease just before acting, then hands the row to its kind's
/// <see cref="IChannelQueryHandler"/>. Until the order is terminal the row is rescheduled by its protocol's schedule.
/// </summary>
public sealed class ChannelRequeryWorker(
    IServiceScopeFactory scopes,
    IEnumerable<IChannelQueryHandler> handlers,
    RequerySchedules schedules,
    TimeProvider clock,
    NodeIdentity node,
    IOptions<SluiceOptions> options,
    IMeterFactory meters,
    ILogger<ChannelRequeryWorker> logger)
{
    private const int BatchSize = 16;
    private const int Parallelism = 4;

    /// <summary>
    /// An order still open without a query row this long after it was stored (or last moved) lost its channel answer
    /// with the node that asked (the channel may hold it): it is adopted for a query.
    /// </summary>
    public static readonly TimeSpan OrphanAfter = TimeSpan.FromMinutes(2);

    private readonly Dictionary<ChannelQueryKind, IChannelQueryHandler> _handlers = handlers.ToDictionary(h => h.Kind);

    private long _nextOrphanSweep = long.MinValue;

    private readonly Counter<long> _handled = meters.Create(ServiceDefaults.MeterName).CreateCounter<long>("sluice.requery.orders");

    /// <summary>Runs one round: claims due rows and handles each once. Returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        IReadOnlyList<string> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
            await AdoptOrphansAsync(scope.ServiceProvider, db, ct);
            claimed = await WorkLeases.ClaimAsync(db, WorkLeases.ChannelQueries, node.Id, clock.GetUtcNow(), options.Value.Workers.LeaseDuration, BatchSize, ct);
        }

        // Rows are distinct orders (one row per order), each renewing its own lease in its own unit of work, so a slow
        // channel does not hold up the rest of the batch.
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (id, token) =>
        {
            try
            {
                await HandleAsync(id, token);
            }
            catch (Exception ex) when (!token.IsCancellationRequested)
            {
                // The row keeps its lease until it expires, then any node takes it up again.
                logger.ChannelQueryFailed(ex, id);
            }
        });

        return claimed.Count;
    }

    /// <summary>
    /// At most once a minute: schedules a query for every order a node stored and then died before the channel's answer
    /// was recorded. Two nodes adopting one order collide on the unique (kind, order) index, and the loser leaves it to
    /// the winner.
    /// </summary>
    private async Task AdoptOrphansAsync(IServiceProvider scope, SluiceDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _nextOrphanSweep))
        {
            return;
        }

        Interlocked.Exchange(ref _nextOrphanSweep, (now + TimeSpan.FromMinutes(1)).UtcTicks);
        foreach (var handler in _handlers.Values)
        {
            foreach (var orphan in await handler.OrphansAsync(scope, now - OrphanAfter, ct))
            {
                var account = await db.ChannelAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == orphan.ChannelAccountId, ct);
                if (account is null)
                {
                    continue;
                }

                await scope.GetRequiredService<ChannelQueryBook>().ScheduleAsync(handler.Kind, orphan.OrderId, account, orphan.ExpiresAt, ct);
                try
                {
                    await db.SaveChangesAsync(ct);
                    logger.ChannelQueryAdopted(handler.Kind, orphan.OrderId);
                }
                catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
                {
                    db.ChangeTracker.Clear();
                }
            }
        }
    }

    private async Task HandleAsync(string rowId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();

        // The batch was claimed when the round began; earlier rows' channel calls may have outlasted that lease. Renew it,
        // or leave the row to whichever node has claimed it since.
        if (!await WorkLeases.RenewAsync(db, WorkLeases.ChannelQueries, rowId, node.Id, clock.GetUtcNow(), options.Value.Workers.LeaseDuration, ct))
        {
            logger.ChannelQueryLeaseExpired(rowId);
            return;
        }

        var row = await db.ChannelQueries.AsNoTracking().FirstOrDefaultAsync(q => q.Id == rowId, ct);
        if (row is null || !_handlers.TryGetValue(row.Kind, out var handler))
        {
            return;
        }

        var round = await handler.QueryAsync(scope.ServiceProvider, row, ct);
        if (round.Operation.Length > 0)
        {
            logger.ChannelQueryHandled(round.Operation, row.Kind, row.OrderId, row.AttemptCount + 1, round.Result, round.Status);
        }

        await RecordAsync(scope.ServiceProvider, db, row, round, ct);
        _handled.Add(1, new KeyValuePair<string, object?>("protocol", row.Protocol), new KeyValuePair<string, object?>("kind", row.Kind.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("done", round.Done));
    }

    /// <summary>
    /// Writes the round's outcome while this node still holds the lease. A row a notice has settled meanwhile stays
    /// done; a rescheduled row is written only while it is still pending.
    /// </summary>
    private async Task RecordAsync(IServiceProvider scope, SluiceDbContext db, ChannelQuery row, ChannelQueryRound round, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var attempts = row.AttemptCount + 1;
        var lastResult = round.Result.Length <= 512 ? round.Result : round.Result[..512];
        var mine = db.ChannelQueries.Where(q => q.Id == row.Id && q.LeaseOwner == node.Id);
        if (round.Done)
        {
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(q => q.Status, ChannelQueryStatus.Done)
                .SetProperty(q => q.AttemptCount, attempts)
                .SetProperty(q => q.LastResult, lastResult)
                .SetProperty(q => q.LeaseOwner, (string?)null)
                .SetProperty(q => q.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(q => q.UpdatedAt, now), CancellationToken.None);
            return;
        }

        if (round.Move is { } move)
        {
            await scope.GetRequiredService<ChannelQueryBook>().MoveAsync(row.Kind, row.OrderId, node.Id, move, lastResult, CancellationToken.None);
            return;
        }

        var next = schedules.NextAt(row.Protocol ?? "", attempts, now, round.ExpiresAt);
        await mine.Where(q => q.Status == ChannelQueryStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(q => q.AttemptCount, attempts)
            .SetProperty(q => q.NextQueryAt, next)
            .SetProperty(q => q.LastResult, lastResult)
            .SetProperty(q => q.LeaseOwner, (string?)null)
            .SetProperty(q => q.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(q => q.UpdatedAt, now), CancellationToken.None);
    }
}

/// <summary>Runs the re-query worker on every node; the leases keep them apart.</summary>
public sealed class ChannelRequeryService(ChannelRequeryWorker worker, IOptions<SluiceOptions> options, TimeProvider clock, ILogger<ChannelRequeryService> logger)
    : PollingWorkerService("Supplementary query", worker.RunOnceAsync, options, clock, logger);
