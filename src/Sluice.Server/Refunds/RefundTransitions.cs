using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Server.Payments;
using Sluice.Server.Requery;
using Sluice.Server.Webhooks;

namespace Sluice.Server.Refunds;

/// <summary>
/// Every refund state change goes through here: a compare-and-set on the refund's version, its timeline event and the
/// merchant's <c>refund.{status}</c> webhook committed together; a refund that fails gives its amount back to the
/// payment's refundable amount in the same transaction, so the amount comes back exactly once.
/// </summary>
public sealed partial class RefundTransitions(WebhookOutbox outbox, TimeProvider clock, ILogger<RefundTransitions> logger)
{
    private const int MaxRaces = 5;

    public async Task<TransitionResult> ApplyAsync(
        SluiceDbContext db, RefundOrder refund, RefundStatus target, string source, string? detail, Action<RefundOrder>? mutate, CancellationToken ct,
        RefundStatus? onlyFrom = null, bool payBackReturned = false)
    {
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        for (var race = 0; ; race++)
        {
            if (refund.Status == target)
            {
                return TransitionResult.AlreadyThere;
            }

            // onlyFrom: a move the state machine allows from several states but this caller means from one only (a
            // channel's "accepted" answer moves a created refund to pending, never one a notice already put elsewhere).
            if (!RefundStateMachine.CanTransition(refund.Status, target, payBackReturned) || (onlyFrom is { } required && refund.Status != required))
            {
                return TransitionResult.Refused;
            }

            var from = refund.Status;
            var now = clock.GetUtcNow();
            refund.Status = target;
            refund.Version++;
            refund.UpdatedAt = now;
            mutate?.Invoke(refund);
            db.RefundEvents.Add(new RefundEvent
            {
                RefundId = refund.Id,
                Kind = "status_changed",
                Source = source,
                FromStatus = RefundStateMachine.WireName(from),
                ToStatus = RefundStateMachine.WireName(target),
                Detail = detail,
                CreatedAt = now,
            });
            await outbox.StageAsync(db, refund.AppId, refund.NotifyUrl, "refund." + RefundStateMachine.WireName(target), RefundView.From(refund), ct);
            if (RefundStateMachine.IsTerminal(target) || target == RefundStatus.Exception)
            {
                // Nothing more to ask the channel (an exception refund waits for an operator): its query is done with it.
                await ChannelQueryBook.SettleAsync(db, ChannelQueryKind.Refund, refund.Id, now, ct);
            }

            try
            {
                await db.SaveChangesAsync(ct);
                if (target == RefundStatus.Failed)
                {
                    // Only the one transition to failed gets here (the compare-and-set above), so the amount is released once.
                    await db.Payments.Where(p => p.Id == refund.PaymentId)
                        .ExecuteUpdateAsync(s => s.SetProperty(p => p.RefundedAmount, p => p.RefundedAmount - refund.Amount), ct);
                }

                if (own is not null)
                {
                    await own.CommitAsync(ct);
                }

                LogTransition(logger, refund.Id, from, target, source);
                return TransitionResult.Applied;
            }
            catch (DbUpdateConcurrencyException) when (race < MaxRaces)
            {
                // Another node or notice changed the refund first: drop what this attempt staged and decide again.
                foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is RefundEvent or Sluice.Webhooks.WebhookDelivery && e.State == EntityState.Added).ToList())
                {
                    entry.State = EntityState.Detached;
                }

                await db.Entry(refund).ReloadAsync(ct);
            }
        }
    }

    /// <summary>Adds a timeline line that changes no state (an unknown outcome, an operator's attempt).</summary>
    public void Note(SluiceDbContext db, RefundOrder refund, string kind, string source, string? detail) =>
        db.RefundEvents.Add(new RefundEvent { RefundId = refund.Id, Kind = kind, Source = source, Detail = detail, CreatedAt = clock.GetUtcNow() });

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refund {RefundId} moved {From} -> {To} ({Source})")]
    private static partial void LogTransition(ILogger logger, string refundId, RefundStatus from, RefundStatus to, string source);
}
