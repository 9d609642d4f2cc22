using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Server.Orders;
using Sluice.Server.Webhooks;

namespace Sluice.Server.Refunds;

/// <summary>Refunds to the order kernel: their state machine, timeline table and <c>refund.*</c> webhooks.</summary>
public sealed class RefundKind : IOrderKind<RefundOrder, RefundStatus>
{
    public string Name => "refund";

    public ChannelQueryKind QueryKind => ChannelQueryKind.Refund;

    public bool CanTransition(RefundStatus from, RefundStatus to, bool exceptional) => RefundStateMachine.CanTransition(from, to, exceptional);

    public string WireName(RefundStatus status) => RefundStateMachine.WireName(status);

    public bool Announces(RefundStatus status) => true;

    // Nothing more to ask the channel about a final refund, nor about one in the exception queue (it waits for an operator).
    public bool EndsQueries(RefundStatus status) => RefundStateMachine.IsTerminal(status) || status == RefundStatus.Exception;

    public OrderEvent NewEvent(string orderId, string kind, string source, string? fromStatus, string? toStatus, string? detail, DateTimeOffset at) =>
        new RefundEvent { RefundId = orderId, Kind = kind, Source = source, FromStatus = fromStatus, ToStatus = toStatus, Detail = detail, CreatedAt = at };

    public object EventData(RefundOrder order) => RefundEventData.Of(order);
}

/// <summary>
/// A refund that fails gives its amount back to the payment's refundable amount, in the failure's transaction: only
/// the one compare-and-set to failed gets here, so the amount comes back exactly once.
/// </summary>
public sealed class RefundAmountGiveBack : IOrderTransitionHook<RefundOrder, RefundStatus>
{
    public bool AppliesTo(RefundOrder order, RefundStatus target) => target == RefundStatus.Failed;

    public async Task OnAppliedAsync(SluiceDbContext db, RefundOrder order, StateChange<RefundStatus> change, CancellationToken ct)
    {
        var amount = order.Amount;
        await db.Payments.Where(p => p.Id == order.PaymentId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.RefundedAmount, p => p.RefundedAmount - amount), ct);
    }
}
