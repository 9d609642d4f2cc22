using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Server.Payments;
using Sluice.Server.Refunds;
using Sluice.Server.Routing;
using Sluice.Server.Webhooks;
using Sluice.Webhooks;
using Sluice.Withdrawals;

namespace Sluice.Server.Withdrawals;

/// <summary>
/// Every withdrawal state change goes through here: a compare-and-set on the order's version, its timeline event and
/// its merchant webhook (<c>withdrawal.held|pending|succeeded|failed</c>) committed together. A lost race reloads and
/// decides again, so duplicate, late and out-of-order notices are harmless. A withdrawal that pays a refund back moves
/// that refund in the same transaction when it succeeds or fails (<see cref="RefundPayBackFollower"/>), so the refund
/// follows it exactly once.
/// </summary>
public sealed partial class WithdrawalTransitions(
    WebhookOutbox outbox, DailyLimitLedger ledger, RefundPayBackFollower payBacks, TimeProvider clock, ILogger<WithdrawalTransitions> logger)
{
    private const int MaxRaces = 5;

    /// <param name="bounce">Allows succeeded → failed: the payee's bank returned a payout it had credited.</param>
    /// <param name="onlyFrom">A move the state machine allows from several states that this caller means from one only
    /// (an operator cancels a held withdrawal, never one a worker has just sent to a channel).</param>
    public async Task<TransitionResult> ApplyAsync(
        SluiceDbContext db,
        WithdrawalOrder order,
        WithdrawalStatus target,
        string source,
        string? detail,
        Action<WithdrawalOrder>? mutate,
        CancellationToken ct,
        bool bounce = false,
        WithdrawalStatus? onlyFrom = null)
    {
        var followed = order.RefundId is not null && target is WithdrawalStatus.Succeeded or WithdrawalStatus.Failed;
        await using var own = followed && db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        for (var race = 0; ; race++)
        {
            if (order.Status == target)
            {
                return TransitionResult.AlreadyThere;
            }

            if (!WithdrawalStateMachine.CanTransition(order.Status, target, bounce) || (onlyFrom is { } required && order.Status != required))
            {
                return TransitionResult.Refused;
            }

            var from = order.Status;
            var now = clock.GetUtcNow();
            order.Status = target;
            order.Version++;
            order.UpdatedAt = now;
            mutate?.Invoke(order);
            db.WithdrawalEvents.Add(new WithdrawalEvent
            {
                WithdrawalId = order.Id,
                Kind = bounce ? "returned_by_bank" : "status_changed",
                Source = source,
                FromStatus = WithdrawalStateMachine.WireName(from),
                ToStatus = WithdrawalStateMachine.WireName(target),
                Detail = detail,
                CreatedAt = now,
            });

            // "created" is internal (routed, not yet confirmed by the channel); every other state is the merchant's news.
            if (target != WithdrawalStatus.Created)
            {
                await outbox.StageAsync(db, order.AppId, order.NotifyUrl, "withdrawal." + WithdrawalStateMachine.WireName(target), WithdrawalView.From(order), ct);
            }

            try
            {
                await db.SaveChangesAsync(ct);
                if (followed)
                {
                    await payBacks.FollowAsync(db, order, bounce, ct);
                }

                if (own is not null)
                {
                    await own.CommitAsync(ct);
                }

                LogTransition(logger, order.Id, from, target, source);
                if (target is WithdrawalStatus.Failed or WithdrawalStatus.Held)
                {
                    // Money that will not go out through that channel today gives its share of the daily limit back (once).
                    await ledger.ReleaseAsync(db, order.Id, ct);
                }

                return TransitionResult.Applied;
            }
            catch (DbUpdateConcurrencyException) when (race < MaxRaces)
            {
                foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is WithdrawalEvent or WebhookDelivery && e.State == EntityState.Added).ToList())
                {
                    entry.State = EntityState.Detached;
                }

                await db.Entry(order).ReloadAsync(ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Withdrawal {WithdrawalId} moved {From} -> {To} ({Source})")]
    private static partial void LogTransition(ILogger logger, string withdrawalId, WithdrawalStatus from, WithdrawalStatus to, string source);
}
