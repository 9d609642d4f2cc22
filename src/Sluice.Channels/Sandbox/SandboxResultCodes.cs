using Sluice.Channels.Contracts;
using static Sluice.Channels.Sandbox.SandboxProtocol;

namespace Sluice.Channels.Sandbox;

/// <summary>
/// The sandbox channel's codes (raw code) and order statuses (raw sub-code) as unified codes. A <c>SUCCESS</c> answer
/// with a status not listed here has no rule on purpose: it is unknown to the gateway and counted as unmapped.
/// </summary>
public static class SandboxResultCodes
{
    private const string Confirming = "The payment result is being confirmed.";
    private const string ConfirmingZh = "支付结果确认中。";

    public static readonly IReadOnlyList<ResultCodeRule> Rules =
    [
        .. ChannelTransport.Rules,
        new(null, Codes.Success, Statuses.WaitPay, "payment_pending", ChannelOutcome.Pending, false, "Waiting for the payer.", "等待付款。"),
        new(null, Codes.Success, Statuses.Processing, "processing", ChannelOutcome.Pending, false, "Processing.", "处理中。"),
        new(null, Codes.Success, Statuses.Success, "succeeded", ChannelOutcome.Succeeded, false, "Succeeded.", "成功。"),
        new(null, Codes.Success, Statuses.Closed, "order_closed", ChannelOutcome.Failed, false, "The order was closed.", "订单已关闭。"),
        new(null, Codes.Success, Statuses.Failed, "channel_rejected", ChannelOutcome.Failed, false, "The payment channel declined this payment.", "支付渠道拒绝了该笔支付。"),
        new(ChannelFlow.Close, Codes.Success, null, "order_closed", ChannelOutcome.Succeeded, false, "The order was closed.", "订单已关闭。"),
        new(ChannelFlow.Close, Codes.OrderClosed, null, "order_closed", ChannelOutcome.Succeeded, false, "The order was closed.", "订单已关闭。"),
        new(ChannelFlow.Close, Codes.OrderNotExist, null, "order_closed", ChannelOutcome.Succeeded, false, "The order was closed.", "订单已关闭。"),
        new(ChannelFlow.Close, Codes.OrderPaid, null, "order_paid", ChannelOutcome.Failed, false, "The order is already paid.", "订单已支付。"),
        new(ChannelFlow.Pay, Codes.SystemBusy, null, "channel_unavailable", ChannelOutcome.Failed, true, "The payment channel is busy. Please try again.", "支付通道繁忙，请稍后重试。"),
        new(null, Codes.SystemBusy, null, "channel_result_unknown", ChannelOutcome.Unknown, true, Confirming, ConfirmingZh),
        new(ChannelFlow.Pay, Codes.DuplicateOrder, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh),
        new(null, Codes.SignError, null, "channel_configuration_error", ChannelOutcome.Failed, false, "The payment channel is misconfigured.", "支付通道配置错误。"),
        new(null, Codes.MerchantUnknown, null, "channel_configuration_error", ChannelOutcome.Failed, false, "The payment channel is misconfigured.", "支付通道配置错误。"),
        new(ChannelFlow.Pay, Codes.PaymentDeclined, null, "channel_rejected", ChannelOutcome.Failed, false, "The payment channel declined this payment.", "支付渠道拒绝了该笔支付。"),
        new(null, Codes.InvalidRequest, null, "channel_rejected", ChannelOutcome.Failed, false, "The channel rejected the request.", "渠道拒绝了该请求。"),
        new(null, Codes.OrderNotExist, null, "order_not_found", ChannelOutcome.Failed, false, "The channel has no such order.", "渠道无此订单。"),
        new(null, Codes.OrderPaid, null, "order_paid", ChannelOutcome.Failed, false, "The order is already paid.", "订单已支付。"),
        new(null, Codes.OrderClosed, null, "order_closed", ChannelOutcome.Failed, false, "The order was closed.", "订单已关闭。"),
        new(null, Codes.RefundExceeds, null, "refund_amount_exceeds", ChannelOutcome.Failed, false, "The refund exceeds the refundable amount.", "退款金额超过可退金额。"),
    ];
}
