using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Hosting;
using Sluice.Server.Requery;
using Sluice.Server.Routing;
using Sluice.Server.Webhooks;

namespace Sluice.Server.Payments;

public enum TransitionResult
{
    /// <summary>This call moved the order to the target state.</summary>
    Applied,

    /// <summary>The order was already in the target state (a duplicate or late notice).</summary>
    AlreadyThere,

    /// <summary>The state machine forbids it (e.g. the order is terminal in another state).</summary>
    Refused,
}

/// <summary>
/// Every payment state change goes through here: a compare-and-set on the order's version (which the state is part
/// of), the timeline event and the merchant webhook committed together. A lost race reloads and re-decides, so
/// duplicate, late and out-of-order notices are harmless.
/// </summary>
public sealed partial class PaymentTransitions(
    WebhookOutbox outbox, DailyLimitLedger ledger, TimeProvider clock, SluiceMetrics metrics, ILogger<PaymentTransitions> logger)
{
    private const int MaxRaces = 5;

    public async Task<TransitionResult> ApplyAsync(
        SluiceDbContext db,
        PaymentOrder order,
        PaymentStatus target,
        string source,
        string? detail,
        Action<PaymentOrder>? mutate,
        CancellationToken ct)
    {
        for (var race = 0; ; race++)
        {
            if (order.Status == target)
            {
                return TransitionResult.AlreadyThere;
            }

            if (!PaymentStateMachine.CanTransition(order.Status, target))
            {
                return TransitionResult.Refused;
            }

            var from = order.Status;
            var now = clock.GetUtcNow();
            order.Status = target;
            order.Version++;
            order.UpdatedAt = now;
            mutate?.Invoke(order);
            db.PaymentEvents.Add(new PaymentEvent
            {
                PaymentId = order.Id,
                Kind = "status_changed",
                Source = source,
                FromStatus = PaymentStateMachine.WireName(from),
                ToStatus = PaymentStateMachine.WireName(target),
                Detail = detail,
                CreatedAt = now,
            });

            // Every state change is announced (payment.pending as well as the terminal ones), in the same transaction.
            await outbox.StageAsync(db, order.AppId, order.NotifyUrl, "payment." + PaymentStateMachine.WireName(target), PaymentView.From(order), ct);
            if (PaymentStateMachine.IsTerminal(target))
            {
                await ChannelQueryBook.SettleAsync(db, ChannelQueryKind.Payment, order.Id, now, ct);
            }

            try
            {
                await db.SaveChangesAsync(ct);
                metrics.PaymentTransitions.Add(1, new KeyValuePair<string, object?>("to", PaymentStateMachine.WireName(target)));
                LogTransition(logger, order.Id, from, target, source);
                if (target is PaymentStatus.Failed or PaymentStatus.Closed)
                {
                    // An order that will never be paid gives its share of the channel's daily limit back (once).
                    await ledger.ReleaseAsync(db, order.Id, ct);
                }

                return TransitionResult.Applied;
            }
            catch (DbUpdateConcurrencyException) when (race < MaxRaces)
            {
                // Another node or notice changed the order first: forget our staged changes and decide again.
                // Only what this attempt staged (its timeline event and webhook) is dropped; other pending rows of
                // the caller's unit of work stay for the next attempt.
                foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is PaymentEvent or Sluice.Webhooks.WebhookDelivery && e.State == EntityState.Added).ToList())
                {
                    entry.State = EntityState.Detached;
                }

                await db.Entry(order).ReloadAsync(ct);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Payment {PaymentId} moved {From} -> {To} ({Source})")]
    private static partial void LogTransition(ILogger logger, string paymentId, PaymentStatus from, PaymentStatus to, string source);
}
