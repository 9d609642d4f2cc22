using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Server.Hosting;
using Sluice.Server.Webhooks;

namespace Sluice.Server.Ledger;

/// <summary>
/// Settles succeeded payments when their T+N day has come: claims due <c>payment_settlements</c> rows with a lease
/// (every node may run it), and settles each in its own transaction by a conditional update on the row and an entry
/// whose key is the payment's settlement, so each payment settles exactly once whichever nodes race for it.
/// </summary>
public sealed class SettlementWorker(
    IServiceScopeFactory scopes, NodeIdentity node, IOptions<SluiceOptions> options, TimeProvider clock, ILogger<SettlementWorker> logger)
{
    private const int BatchSize = 100;

    /// <summary>One round; returns how many payments this node settled.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
        var postings = scope.ServiceProvider.GetRequiredService<LedgerPostings>();
        var claimed = await WorkLeases.ClaimAsync(db, WorkLeases.PaymentSettlements, node.Id, clock.GetUtcNow(), options.Value.Workers.LeaseDuration, BatchSize, ct);
        var settled = 0;
        foreach (var paymentId in claimed)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (await postings.SettleAsync(db, paymentId, node.Id, ct))
            {
                await transaction.CommitAsync(ct);
                settled++;
                logger.PaymentSettled(paymentId);
            }
        }

        return settled;
    }
}

/// <summary>Runs settlement rounds on a node with the <c>settlement</c> role.</summary>
public sealed class SettlementWorkerService(
    SettlementWorker worker, IOptions<SluiceOptions> options, TimeProvider clock, ILogger<SettlementWorkerService> logger)
    : PollingWorkerService("Settlement", worker.RunOnceAsync, options, clock, logger);
