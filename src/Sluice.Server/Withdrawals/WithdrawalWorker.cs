using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Server.Hosting;
using Sluice.Server.Requery;
using Sluice.Server.Webhooks;
using Sluice.Withdrawals;

namespace Sluice.Server.Withdrawals;

/// <summary>
/// The leased pass over open withdrawals, on every node: claims due rows of the withdrawals table itself (its
/// <c>next_query_at</c> and lease columns), so two nodes never work on the same withdrawal at once and one that dies
/// lets its lease expire. A held withdrawal is re-routed (sent as soon as a channel is available, failed past its hold
/// time); one the channel holds or may hold is queried on its channel's protocol schedule (<see cref="RequerySchedules"/>,
/// configured with the other supplementary queries), until it is final.
/// </summary>
public sealed partial class WithdrawalWorker(
    IServiceScopeFactory scopes,
    RequerySchedules schedules,
    NodeIdentity node,
    IOptions<WithdrawalOptions> options,
    TimeProvider clock,
    ILogger<WithdrawalWorker> logger)
{
    private const int BatchSize = 16;

    /// <summary>The withdrawals table as leased work: open withdrawals whose next look is due.</summary>
    public static readonly WorkLeases.WorkTable Work = new("withdrawals", "id", "next_query_at", "status IN ('Created', 'Held', 'Pending')");

    /// <summary>Runs one pass: claims due withdrawals and works on each once. Returns how many were claimed.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        IReadOnlyList<string> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
            claimed = await WorkLeases.ClaimAsync(db, Work, node.Id, clock.GetUtcNow(), options.Value.LeaseDuration, BatchSize, ct);
        }

        foreach (var id in claimed)
        {
            try
            {
                await WorkOnAsync(id, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The lease runs out and the next pass (on any node) tries again.
                LogFailed(logger, ex, id);
            }
        }

        return claimed.Count;
    }

    private async Task WorkOnAsync(string id, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
        var lease = options.Value.LeaseDuration;

        // Renewed just before acting: a lease that ran out while earlier rows of the batch were worked on may be
        // another node's by now, and then the row is left to it.
        if (!await WorkLeases.RenewAsync(db, Work, id, node.Id, clock.GetUtcNow(), lease, ct))
        {
            return;
        }

        var order = await db.Withdrawals.FirstAsync(w => w.Id == id, ct);
        var effect = await scope.ServiceProvider.GetRequiredService<WithdrawalService>().WorkOnAsync(order, ct);
        var current = await db.Withdrawals.AsNoTracking().Where(w => w.Id == id)
            .Select(w => new
            {
                w.Status, w.QueryCount,
                Protocol = db.ChannelAccounts.Where(a => a.Id == w.ChannelAccountId).Select(a => a.Protocol).FirstOrDefault(),
            })
            .FirstAsync(ct);
        var now = clock.GetUtcNow();
        var queried = effect == "sent" || current.Status == WithdrawalStatus.Held ? 0 : 1;
        var next = current.Status switch
        {
            WithdrawalStatus.Held => now + options.Value.HoldRetryInterval,
            _ when WithdrawalStateMachine.IsTerminal(current.Status) => (DateTimeOffset?)null,

            // Just sent: the first interval; after a query, the interval for the number of queries made so far.
            _ => schedules.NextAt(current.Protocol ?? "", effect == "sent" ? 0 : current.QueryCount + queried, now, null),
        };
        await db.Withdrawals.Where(w => w.Id == id && w.LeaseOwner == node.Id).ExecuteUpdateAsync(s => s
            .SetProperty(w => w.NextQueryAt, next)
            .SetProperty(w => w.QueryCount, w => w.QueryCount + queried)
            .SetProperty(w => w.LeaseOwner, (string?)null)
            .SetProperty(w => w.LeaseExpiresAt, (DateTimeOffset?)null), ct);
        LogWorked(logger, id, effect);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Withdrawal {WithdrawalId}: {Effect}")]
    private static partial void LogWorked(ILogger logger, string withdrawalId, string effect);

    [LoggerMessage(Level = LogLevel.Error, Message = "Working on withdrawal {WithdrawalId} failed; its lease will expire and it is tried again")]
    private static partial void LogFailed(ILogger logger, Exception exception, string withdrawalId);
}

/// <summary>Runs the withdrawal pass on every node; the leases keep them apart.</summary>
public sealed class WithdrawalWorkerService(WithdrawalWorker worker, IOptions<SluiceOptions> options, TimeProvider clock, ILogger<WithdrawalWorkerService> logger)
    : PollingWorkerService("Withdrawal pass", worker.RunOnceAsync, options, clock, logger);
