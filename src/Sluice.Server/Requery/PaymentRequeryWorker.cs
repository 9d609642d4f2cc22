using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Hosting;
using Sluice.Server.Payments;
using Sluice.Server.Webhooks;

namespace Sluice.Server.Requery;

/// <summary>
/// Supplementary queries (补单) for payments. Each round claims due rows of <c>channel_queries</c> with a lease (so two
/// nodes never ask the channel about the same order at once, and a node that dies leaves its rows to whoever claims
/// them once the lease has expired), renews each lease just before acting, then: an order found terminal is done; an
/// order past its expiry is closed at the channel first, then locally; any other order is queried and the answer
/// applied through the same compare-and-set and webhook path as a notice. Until the order is terminal the row is
/// rescheduled by its protocol's schedule.
/// </summary>
public sealed partial class PaymentRequeryWorker(
    IServiceScopeFactory scopes,
    RequerySchedules schedules,
    ChannelQueryBook queries,
    TimeProvider clock,
    NodeIdentity node,
    IOptions<SluiceOptions> options,
    IMeterFactory meters,
    ILogger<PaymentRequeryWorker> logger)
{
    private const int BatchSize = 16;
    private const int Parallelism = 4;

    /// <summary>
    /// A payment still <c>created</c> this long after it was stored lost its channel answer with the node that asked
    /// (the channel may hold it): it is adopted for a query.
    /// </summary>
    public static readonly TimeSpan OrphanAfter = TimeSpan.FromMinutes(2);

    private long _nextOrphanSweep = long.MinValue;

    private readonly Counter<long> _handled = meters.Create(ServiceDefaults.MeterName).CreateCounter<long>("sluice.requery.orders");

    /// <summary>Runs one round: claims due rows and handles each once. Returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        IReadOnlyList<string> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
            await AdoptOrphansAsync(db, ct);
            claimed = await WorkLeases.ClaimAsync(db, WorkLeases.PaymentQueries, node.Id, clock.GetUtcNow(), options.Value.Workers.LeaseDuration, BatchSize, ct);
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
                LogRowFailed(logger, ex, id);
            }
        });

        return claimed.Count;
    }

    /// <summary>
    /// At most once a minute: schedules a query for every payment a node stored and then died before the channel's
    /// answer was recorded (still <c>created</c>, no query row). Two nodes adopting one payment collide on the unique
    /// (kind, order) index, and the loser leaves it to the winner.
    /// </summary>
    private async Task AdoptOrphansAsync(SluiceDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _nextOrphanSweep))
        {
            return;
        }

        Interlocked.Exchange(ref _nextOrphanSweep, (now + TimeSpan.FromMinutes(1)).UtcTicks);
        var before = now - OrphanAfter;
        var orphans = await db.Payments.AsNoTracking()
            .Where(p => p.Status == PaymentStatus.Created && p.CreatedAt < before
                && !db.ChannelQueries.Any(q => q.Kind == ChannelQueryKind.Payment && q.OrderId == p.Id))
            .OrderBy(p => p.CreatedAt).Take(100)
            .Select(p => new { p.Id, p.ChannelAccountId, p.ExpiresAt })
            .ToListAsync(ct);
        foreach (var orphan in orphans)
        {
            var account = await db.ChannelAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == orphan.ChannelAccountId, ct);
            if (account is null)
            {
                continue;
            }

            queries.Schedule(db, ChannelQueryKind.Payment, orphan.Id, account, orphan.ExpiresAt);
            try
            {
                await db.SaveChangesAsync(ct);
                LogAdopted(logger, orphan.Id);
            }
            catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task HandleAsync(string rowId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();

        // The batch was claimed when the round began; earlier rows' channel calls may have outlasted that lease. Renew it,
        // or leave the row to whichever node has claimed it since.
        if (!await WorkLeases.RenewAsync(db, WorkLeases.PaymentQueries, rowId, node.Id, clock.GetUtcNow(), options.Value.Workers.LeaseDuration, ct))
        {
            LogLeaseExpired(logger, rowId);
            return;
        }

        var row = await db.ChannelQueries.AsNoTracking().FirstOrDefaultAsync(q => q.Id == rowId, ct);
        if (row is null)
        {
            return;
        }

        var order = await db.Payments.FirstOrDefaultAsync(p => p.Id == row.OrderId, ct);
        string result;
        if (order is null || PaymentStateMachine.IsTerminal(order.Status))
        {
            result = "found " + (order is null ? "missing" : PaymentStateMachine.WireName(order.Status));
        }
        else
        {
            var payments = scope.ServiceProvider.GetRequiredService<PaymentService>();
            var expired = clock.GetUtcNow() >= order.ExpiresAt;
            result = expired
                ? await payments.CloseAtChannelAsync(order, "expiry_close", ct)
                : await payments.QueryAtChannelAsync(order, "channel_query", ct, ct);
            LogHandled(logger, order.Id, expired ? "close" : "query", row.AttemptCount + 1, result, PaymentStateMachine.WireName(order.Status));
        }

        var done = order is null || PaymentStateMachine.IsTerminal(order.Status);
        await RecordAsync(db, row, done, result, order?.ExpiresAt, ct);
        _handled.Add(1, new KeyValuePair<string, object?>("protocol", row.Protocol), new KeyValuePair<string, object?>("done", done));
    }

    /// <summary>
    /// Writes the round's outcome while this node still holds the lease. A row a notice has settled meanwhile stays
    /// done; a rescheduled row is written only while it is still pending.
    /// </summary>
    private async Task RecordAsync(SluiceDbContext db, ChannelQuery row, bool done, string result, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var attempts = row.AttemptCount + 1;
        var lastResult = result.Length <= 512 ? result : result[..512];
        var mine = db.ChannelQueries.Where(q => q.Id == row.Id && q.LeaseOwner == node.Id);
        if (done)
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

        var next = schedules.NextAt(row.Protocol, attempts, now, expiresAt);
        await mine.Where(q => q.Status == ChannelQueryStatus.Pending).ExecuteUpdateAsync(s => s
            .SetProperty(q => q.AttemptCount, attempts)
            .SetProperty(q => q.NextQueryAt, next)
            .SetProperty(q => q.LastResult, lastResult)
            .SetProperty(q => q.LeaseOwner, (string?)null)
            .SetProperty(q => q.LeaseExpiresAt, (DateTimeOffset?)null)
            .SetProperty(q => q.UpdatedAt, now), CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Lease on channel query {RowId} expired before it was handled; leaving it to the node that claims it")]
    private static partial void LogLeaseExpired(ILogger logger, string rowId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} was left created without the channel's answer; a query is scheduled")]
    private static partial void LogAdopted(ILogger logger, string paymentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel query {RowId} failed; it is taken up again when its lease expires")]
    private static partial void LogRowFailed(ILogger logger, Exception exception, string rowId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Supplementary {Operation} of payment {PaymentId} (attempt {Attempt}): {Result}; payment is {Status}")]
    private static partial void LogHandled(ILogger logger, string paymentId, string operation, int attempt, string result, string status);
}

/// <summary>Runs the re-query worker on every node; the leases keep them apart.</summary>
public sealed class PaymentRequeryService(PaymentRequeryWorker worker, IOptions<SluiceOptions> options, TimeProvider clock, ILogger<PaymentRequeryService> logger)
    : PollingWorkerService("Supplementary query", worker.RunOnceAsync, options, clock, logger);
