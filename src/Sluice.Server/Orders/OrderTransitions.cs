using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Server.Hosting;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;
using Sluice.Server.Webhooks;
using Sluice.Webhooks;

namespace Sluice.Server.Orders;

/// <summary>
/// The one way an order of any kind changes state: a compare-and-set on the order's version (which the state is part
/// of) and its expected state, with its timeline row, its merchant webhook (a transactional outbox), the end of its
/// supplementary queries, any rows the caller staged on the same unit of work, and the kind's hooks (limit release,
/// refund give-back, pay-back follow, later ledger postings), all in one transaction. A lost race drops only what this
/// attempt staged, reloads the order and decides again, so duplicate, late and out-of-order reports are harmless.
/// </summary>
public sealed class OrderTransitions<TOrder, TStatus>(
    SluiceDbContext db,
    IOrderKind<TOrder, TStatus> kind,
    IEnumerable<IOrderTransitionHook<TOrder, TStatus>> hooks,
    WebhookOutbox outbox,
    ChannelQueryBook queries,
    TimeProvider clock,
    SluiceMetrics metrics,
    ILogger<OrderTransitions<TOrder, TStatus>> logger)
    where TOrder : ChannelOrder<TStatus>
    where TStatus : struct, Enum
{
    private const int MaxRaces = 5;

    private readonly IOrderTransitionHook<TOrder, TStatus>[] _hooks = [.. hooks];

    public IOrderKind<TOrder, TStatus> Kind => kind;

    /// <summary>Applies <paramref name="transition"/> to <paramref name="order"/> (tracked by this scope's context); <paramref name="mutate"/> sets the fields that change with it.</summary>
    public async Task<TransitionResult> ApplyAsync(TOrder order, Transition<TStatus> transition, Action<TOrder>? mutate, CancellationToken ct)
    {
        var target = transition.Target;
        var hooks = Array.FindAll(_hooks, h => h.AppliesTo(order, target));
        await using var own = hooks.Length > 0 && db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        for (var race = 0; ; race++)
        {
            var from = order.Status;
            if (EqualityComparer<TStatus>.Default.Equals(from, target))
            {
                return TransitionResult.AlreadyThere;
            }

            if (!kind.CanTransition(from, target, transition.Exceptional)
                || (transition.OnlyFrom is { } required && !EqualityComparer<TStatus>.Default.Equals(from, required)))
            {
                return TransitionResult.Refused;
            }

            var now = clock.GetUtcNow();
            order.Status = target;
            order.Version++;
            order.UpdatedAt = now;
            mutate?.Invoke(order);
            db.Add(kind.NewEvent(order.Id, transition.EventKind, transition.Source, kind.WireName(from), kind.WireName(target), transition.Detail, now));
            if (kind.Announces(target))
            {
                await outbox.StageAsync(order.AppId, order.Id, order.NotifyUrl, kind.Name + "." + kind.WireName(target), kind.EventData(order), ct);
            }

            if (kind.EndsQueries(target))
            {
                await queries.SettleAsync(kind.QueryKind, order.Id, now, ct);
            }

            try
            {
                await db.SaveChangesAsync(ct);
                var change = new StateChange<TStatus>(from, target, transition.Exceptional);
                foreach (var hook in hooks)
                {
                    await hook.OnAppliedAsync(db, order, change, ct);
                }

                if (own is not null)
                {
                    await own.CommitAsync(ct);
                }

                metrics.OrderTransitions.Add(1, new KeyValuePair<string, object?>("kind", kind.Name), new KeyValuePair<string, object?>("to", kind.WireName(target)));
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    logger.OrderTransitioned(kind.Name, order.Id, kind.WireName(from), kind.WireName(target), transition.Source);
                }

                return TransitionResult.Applied;
            }
            catch (DbUpdateConcurrencyException) when (race < MaxRaces)
            {
                // Another node or report changed the order first: forget what this attempt staged (its timeline row
                // and webhook; other pending rows of the caller's unit of work stay for the next attempt) and decide again.
                DropStaged();
                await db.Entry(order).ReloadAsync(ct);
            }
        }
    }

    /// <summary>Applies a change a channel reported (an answer, a query, a verified notice) and says what it did.</summary>
    public async Task<ReportOutcome> ReportAsync(TOrder order, Transition<TStatus> transition, Action<TOrder>? mutate, CancellationToken ct)
    {
        var result = await ApplyAsync(order, transition, mutate, ct);
        var effect = result switch
        {
            TransitionResult.Applied => ReportEffect.Applied,
            TransitionResult.AlreadyThere => ReportEffect.Duplicate,
            _ => ReportEffect.Ignored,
        };
        return new ReportOutcome(effect, kind.WireName(order.Status));
    }

    /// <summary>A report that moves nothing: pending or unknown (<see cref="ReportEffect.NoChange"/>), or a code no rule maps.</summary>
    public ReportOutcome Unchanged(TOrder order, ResultResolution resolution) =>
        new(resolution.Mapped ? ReportEffect.NoChange : ReportEffect.UnmappedResultCode, kind.WireName(order.Status));

    /// <summary>
    /// A reported success is believed only for the order's amount and currency: one that differs changes nothing, and
    /// neither does one without a readable amount when <paramref name="amountRequired"/> (every protocol's payment
    /// query and notice carry one, so a missing amount there is a broken or forged answer). The order stays as it is,
    /// open for its re-query, with an <c>amount_mismatch</c> row on the timeline that operators see. Null when the
    /// report agrees with the order.
    /// </summary>
    public async Task<ReportOutcome?> RefuseMismatchedAmountAsync(TOrder order, ChannelReport report, string source, bool amountRequired, CancellationToken ct)
    {
        if (AmountDisagreement(order, report, amountRequired) is not { } why)
        {
            return null;
        }

        Note(order, AmountMismatchEvent, source, why);
        await db.SaveChangesAsync(ct);
        metrics.AmountMismatches.Add(1, new KeyValuePair<string, object?>("kind", kind.Name));
        logger.SuccessAmountRefused(kind.Name, order.Id, source, why);
        return new ReportOutcome(ReportEffect.AmountMismatch, kind.WireName(order.Status));
    }

    /// <summary>The timeline row's kind of a success that was not believed for its amount.</summary>
    public const string AmountMismatchEvent = "amount_mismatch";

    /// <summary>Why a reported success does not prove the order's amount, or null when it does.</summary>
    public string? AmountDisagreement(TOrder order, ChannelReport report, bool amountRequired)
    {
        if (report.Amount is not { } amount)
        {
            return amountRequired ? $"channel reported success without a readable amount, {kind.Name} is {order.Amount} {order.Currency}" : null;
        }

        return amount == order.Amount && string.Equals(report.Currency ?? order.Currency, order.Currency, StringComparison.Ordinal)
            ? null
            : $"channel reported {amount} {report.Currency}, {kind.Name} is {order.Amount} {order.Currency}";
    }

    /// <summary>Stages the timeline row of an answer whose outcome is unknown (timeout, 5xx) or whose code no rule maps.</summary>
    public void NoteUnknown(TOrder order, string source, ChannelResult result, ResultResolution resolution) =>
        Note(order, resolution.Mapped ? "channel_outcome_unknown" : "unmapped_result_code", source,
            $"{result.RawCode}/{result.RawSubCode}: {ChannelAnswers.Truncate(result.RawMessage, 512)}");

    /// <summary>Stages a timeline row that changes no state (an unknown outcome, an operator's note, a failover).</summary>
    public void Note(TOrder order, string eventKind, string source, string? detail) =>
        db.Add(kind.NewEvent(order.Id, eventKind, source, null, null, detail, clock.GetUtcNow()));

    /// <summary>
    /// Saves a change of an order that is not a state change (the raw codes of an unknown answer, a failover, a hold
    /// reason) under the same compare-and-set on its version. False when another report moved the order first: what
    /// this call staged is dropped and the order is reloaded with what is stored.
    /// </summary>
    public async Task<bool> SaveAsync(TOrder order, CancellationToken ct)
    {
        try
        {
            order.Version++;
            order.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateConcurrencyException)
        {
            DropStaged();
            await db.Entry(order).ReloadAsync(ct);
            return false;
        }
    }

    private void DropStaged()
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is OrderEvent or WebhookDelivery && e.State == EntityState.Added).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }
}
