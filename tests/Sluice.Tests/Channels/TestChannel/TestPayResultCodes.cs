using static Sluice.Tests.Channels.TestChannel.TestPayProtocol;

namespace Sluice.Tests.Channels.TestChannel;

/// <summary>testpay's raw codes (its order states) per flow, as unified codes and order effects.</summary>
public static class TestPayResultCodes
{
    public static readonly IReadOnlyList<ResultCodeRule> Rules =
    [
        new(ChannelFlow.Pay, Accepted, null, "payment_pending", ChannelOutcome.Pending, false, "Waiting for the payer.", "等待付款。"),
        new(null, Waiting, null, "payment_pending", ChannelOutcome.Pending, false, "Waiting for the payer.", "等待付款。"),
        new(ChannelFlow.Close, Paid, null, "order_paid", ChannelOutcome.Failed, false, "The order is already paid.", "订单已支付。"),
        new(null, Paid, null, "succeeded", ChannelOutcome.Succeeded, false, "The payment succeeded.", "支付成功。"),
        new(ChannelFlow.Close, Closed, null, "order_closed", ChannelOutcome.Succeeded, false, "The order was closed.", "订单已关闭。"),
        new(null, Closed, null, "order_closed", ChannelOutcome.Failed, false, "The order is closed.", "订单已关闭。"),
        new(null, RefundAccepted, null, "refund_processing", ChannelOutcome.Pending, false, "The refund is processing.", "退款处理中。"),
        new(null, Refunded, null, "succeeded", ChannelOutcome.Succeeded, false, "The refund succeeded.", "退款成功。"),
    ];

    public static readonly ResultCodeTable Table = new(Rules);
}
