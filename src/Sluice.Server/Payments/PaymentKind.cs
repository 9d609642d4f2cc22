using Sluice.Channels;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Orders;
using Sluice.Server.Webhooks;
using Sluice.Server.Routing;

namespace Sluice.Server.Payments;

/// <summary>Payments to the order kernel: their state machine, timeline table and <c>payment.*</c> webhooks.</summary>
public sealed class PaymentKind : IOrderKind<PaymentOrder, PaymentStatus>
{
    public string Name => "payment";

    public ChannelQueryKind QueryKind => ChannelQueryKind.Payment;

    public bool CanTransition(PaymentStatus from, PaymentStatus to, bool exceptional) => PaymentStateMachine.CanTransition(from, to);

    public string WireName(PaymentStatus status) => PaymentStateMachine.WireName(status);

    // Every state change is announced: payment.pending as well as the terminal ones.
    public bool Announces(PaymentStatus status) => true;

    public bool EndsQueries(PaymentStatus status) => PaymentStateMachine.IsTerminal(status);

    public OrderEvent NewEvent(string orderId, string kind, string source, string? fromStatus, string? toStatus, string? detail, DateTimeOffset at) =>
        new PaymentEvent { PaymentId = orderId, Kind = kind, Source = source, FromStatus = fromStatus, ToStatus = toStatus, Detail = detail, CreatedAt = at };

    public object EventData(PaymentOrder order) => PaymentEventData.Of(order);
}

/// <summary>A payment that will never be paid (failed, closed) gives its share of the channel's daily limit back, once.</summary>
public sealed class PaymentLimitRelease(DailyLimitLedger ledger) : IOrderTransitionHook<PaymentOrder, PaymentStatus>
{
    public bool AppliesTo(PaymentOrder order, PaymentStatus target) => target is PaymentStatus.Failed or PaymentStatus.Closed;

    public Task OnAppliedAsync(SluiceDbContext db, PaymentOrder order, StateChange<PaymentStatus> change, CancellationToken ct) =>
        ledger.ReleaseAsync(order.Id, ct);
}
