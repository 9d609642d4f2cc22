using Sluice.Channels.Contracts;
using static Sluice.Channels.Alipay.AlipayProtocol;

namespace Sluice.Channels.Alipay;

/// <summary>
/// Alipay's public gateway codes (raw code) with their documented sub-codes for the trade and transfer APIs Sluice
/// calls, and, under <c>10000</c>, the trade / refund / transfer states (raw sub-code). Sources: Alipay open platform
/// "公共错误码" (10000, 20000, 20001, 40001, 40002, 40004, 40006) and the error-code tables of alipay.trade.precreate,
/// .query, .close, .refund, .fastpay.refund.query, alipay.fund.trans.uni.transfer and .common.query.
/// 20000 and every SYSTEM_ERROR are unknown: Alipay may have taken the request, so the order is re-queried.
/// </summary>
public static class AlipayResultCodes
{
    private const string Confirming = "The result is being confirmed.";
    private const string ConfirmingZh = "结果确认中。";
    private const string Misconfigured = "The payment channel is misconfigured.";
    private const string MisconfiguredZh = "支付通道配置错误。";
    private const string Rejected = "The channel rejected the request.";
    private const string RejectedZh = "渠道拒绝了该请求。";

    private static ResultCodeRule Unknown(ChannelFlow? flow, string code, string? sub) =>
        new(flow, code, sub, "channel_result_unknown", ChannelOutcome.Unknown, true, Confirming, ConfirmingZh);

    private static ResultCodeRule Failed(ChannelFlow? flow, string code, string? sub, string unified, string en, string zh, bool retryable = false) =>
        new(flow, code, sub, unified, ChannelOutcome.Failed, retryable, en, zh);

    public static readonly IReadOnlyList<ResultCodeRule> Rules =
    [
        .. ChannelTransport.Rules,

        // Nothing was sent: Sluice refused before calling Alipay.
        Failed(null, Codes.CurrencyNotSupported, null, "currency_not_supported", "Alipay takes CNY only.", "支付宝仅支持人民币。"),
        Failed(null, Codes.PayeeTypeNotSupported, null, "payee_not_supported", "Alipay pays out to Alipay accounts only.", "支付宝仅支持转账到支付宝账户。"),
        Failed(null, Codes.MethodNotSupported, null, "payment_method_not_supported", "This channel does not take this payment method.", "该通道不支持此支付方式。"),

        // 10000: trade states (pay, query, notices).
        new(null, Codes.Success, States.WaitBuyerPay, "payment_pending", ChannelOutcome.Pending, false, "Waiting for the payer.", "等待买家付款。"),
        new(null, Codes.Success, States.TradeSuccess, "succeeded", ChannelOutcome.Succeeded, false, "Paid.", "支付成功。"),
        new(null, Codes.Success, States.TradeFinished, "succeeded", ChannelOutcome.Succeeded, false, "Paid; the trade is finished.", "交易完结。"),
        new(null, Codes.Success, States.TradeClosed, "order_closed", ChannelOutcome.Failed, false, "The trade was closed unpaid or fully refunded.", "交易关闭或已全额退款。"),
        new(ChannelFlow.Close, Codes.Success, null, "order_closed", ChannelOutcome.Succeeded, false, "The trade was closed.", "交易已关闭。"),
        new(ChannelFlow.Refund, Codes.Success, null, "succeeded", ChannelOutcome.Succeeded, false, "Refunded.", "退款成功。"),
        new(ChannelFlow.RefundQuery, Codes.Success, States.RefundSuccess, "succeeded", ChannelOutcome.Succeeded, false, "Refunded.", "退款成功。"),
        new(null, Codes.Success, States.RefundSuccess, "succeeded", ChannelOutcome.Succeeded, false, "Refunded.", "退款成功。"),
        Failed(ChannelFlow.RefundQuery, Codes.Success, null, "refund_not_found",
            "Alipay has no successful refund with this number (not received or failed).", "退款请求未收到或退款失败。", retryable: true),
        new(null, Codes.Success, States.TransferSuccess, "succeeded", ChannelOutcome.Succeeded, false, "Transferred.", "转账成功。"),
        new(null, Codes.Success, States.TransferDealing, "processing", ChannelOutcome.Pending, false, "The transfer is processing.", "转账处理中。"),
        Failed(null, Codes.Success, States.TransferFail, "withdrawal_failed", "The transfer failed.", "转账失败。"),
        Unknown(null, Codes.Success, null),

        // 20000 service unavailable (ISP.UNKNOW-ERROR etc.): unknown whether Alipay took it.
        Unknown(null, Codes.ServiceUnavailable, null),

        // A failed query, close or refund query says nothing about the payment itself: it stays as it is.
        Unknown(ChannelFlow.Query, Codes.InsufficientAuthorization, null),
        Unknown(ChannelFlow.Query, Codes.MissingParameter, null),
        Unknown(ChannelFlow.Query, Codes.InvalidParameter, null),
        Unknown(ChannelFlow.Query, Codes.BusinessFailed, null),
        Unknown(ChannelFlow.Query, Codes.InsufficientPermissions, null),
        Unknown(ChannelFlow.RefundQuery, Codes.BusinessFailed, null),
        Unknown(ChannelFlow.WithdrawQuery, Codes.BusinessFailed, null),
        Failed(ChannelFlow.RefundQuery, Codes.BusinessFailed, Codes.TradeNotExist, "refund_not_found", "Alipay has no such trade or refund.", "交易不存在。", retryable: true),
        Failed(ChannelFlow.WithdrawQuery, Codes.BusinessFailed, Codes.TransferOrderNotExist, "withdrawal_not_found", "Alipay has no such transfer.", "转账订单不存在。", retryable: true),

        // Closing a trade Alipay never created (QR code not scanned) or already closed leaves it closed.
        new(ChannelFlow.Close, Codes.BusinessFailed, Codes.TradeNotExist, "order_closed", ChannelOutcome.Succeeded, false, "The trade was closed.", "交易已关闭。"),
        new(ChannelFlow.Close, Codes.BusinessFailed, Codes.TradeHasClose, "order_closed", ChannelOutcome.Succeeded, false, "The trade was closed.", "交易已关闭。"),

        // A precreated QR code nobody has scanned yet is "not exist" at Alipay: still waiting, not failed.
        new(ChannelFlow.Query, Codes.BusinessFailed, Codes.TradeNotExist, "payment_pending", ChannelOutcome.Pending, false,
            "Waiting for the payer.", "等待买家付款。"),

        Failed(null, Codes.InsufficientAuthorization, null, "channel_configuration_error", Misconfigured, MisconfiguredZh),
        Failed(null, Codes.MissingParameter, null, "channel_configuration_error", Misconfigured, MisconfiguredZh),
        Failed(null, Codes.InvalidParameter, null, "channel_configuration_error", Misconfigured, MisconfiguredZh),
        Failed(null, Codes.InsufficientPermissions, null, "channel_configuration_error", Misconfigured, MisconfiguredZh),

        // 40004 business failures.
        Unknown(null, Codes.BusinessFailed, Codes.SystemError),
        Unknown(null, Codes.BusinessFailed, Codes.TransferSystemError),
        Unknown(ChannelFlow.Pay, Codes.BusinessFailed, Codes.TradeHasSuccess),
        Failed(null, Codes.BusinessFailed, Codes.TradeHasSuccess, "order_paid", "The trade is already paid.", "交易已被支付。"),
        Failed(null, Codes.BusinessFailed, Codes.TradeHasClose, "order_closed", "The trade was closed.", "交易已经关闭。"),
        Failed(null, Codes.BusinessFailed, Codes.TradeHasFinished, "refund_window_passed", "The trade is finished and can no longer be refunded.", "交易已完结，不可退款。"),
        Failed(null, Codes.BusinessFailed, Codes.TradeStatusError, "order_status_invalid", "The trade is not in a state that allows this.", "交易状态不合法。"),
        Failed(null, Codes.BusinessFailed, Codes.TradeNotExist, "order_not_found", "Alipay has no such trade.", "交易不存在。"),
        Failed(null, Codes.BusinessFailed, Codes.InvalidBizParameter, "channel_rejected", Rejected, RejectedZh),
        Failed(null, Codes.BusinessFailed, Codes.AccessForbidden, "channel_configuration_error", Misconfigured, MisconfiguredZh),
        Failed(null, Codes.BusinessFailed, Codes.ContextInconsistent, "channel_rejected", "The trade's details differ from the first request.", "交易信息被篡改。"),
        Failed(null, Codes.BusinessFailed, Codes.DiscordantRepeatRequest, "channel_rejected", "The request differs from an earlier one with the same number.", "请求信息不一致。"),
        Failed(null, Codes.BusinessFailed, "ACQ.TOTAL_FEE_EXCEED", "amount_invalid", "The amount is out of range.", "订单金额超过限额。"),
        Failed(null, Codes.BusinessFailed, "ACQ.PARTNER_ERROR", "channel_configuration_error", Misconfigured, MisconfiguredZh),
        Failed(null, Codes.BusinessFailed, "ACQ.SELLER_BEEN_BLOCKED", "channel_rejected", "The merchant's Alipay account is blocked.", "商家账号被冻结。"),
        Failed(null, Codes.BusinessFailed, "ACQ.EXIST_FORBIDDEN_WORD", "channel_rejected", "The subject contains forbidden words.", "订单信息中包含违禁词。"),
        Failed(null, Codes.BusinessFailed, "ACQ.REASON_TRADE_BEEN_FREEZEN", "order_frozen", "The trade is frozen.", "交易被冻结。"),
        Failed(null, Codes.BusinessFailed, Codes.TradeNotAllowRefund, "refund_window_passed", "The trade can no longer be refunded.", "当前交易不允许退款。"),
        Failed(null, Codes.BusinessFailed, Codes.RefundAmountExceeds, "refund_amount_exceeds", "The refund exceeds the refundable amount.", "退款金额超限。"),
        Failed(null, Codes.BusinessFailed, "ACQ.REFUND_FEE_ERROR", "refund_amount_exceeds", "The refund amount is invalid.", "交易退款金额有误。"),
        Failed(null, Codes.BusinessFailed, "ACQ.REASON_TRADE_REFUND_FEE_ERR", "refund_amount_exceeds", "The refund amount is invalid.", "退款金额无效。"),
        Failed(null, Codes.BusinessFailed, "ACQ.SELLER_BALANCE_NOT_ENOUGH", "insufficient_balance",
            "The merchant's Alipay balance is too low for this refund.", "卖家余额不足。", retryable: true),
        Failed(null, Codes.BusinessFailed, "ACQ.BUYER_ERROR", "channel_rejected", "The buyer's account is abnormal.", "买家状态非法。"),
        Failed(null, Codes.BusinessFailed, Codes.PayeeNotExist, "payee_account_invalid", "The payee's Alipay account does not exist.", "收款账号不存在。"),
        Failed(null, Codes.BusinessFailed, "PAYEE_ACC_OCUPIED", "payee_account_invalid", "The payee's phone number belongs to several accounts.", "收款账号被占用。"),
        Failed(null, Codes.BusinessFailed, "PAYEE_USER_INFO_ERROR", "payee_account_invalid", "The payee's name does not match the account.", "收款用户姓名或信息不匹配。"),
        Failed(null, Codes.BusinessFailed, Codes.PayeeAccountStatusError, "payee_account_invalid", "The payee's account is closed or abnormal.", "收款方账户状态异常。"),
        Failed(null, Codes.BusinessFailed, "PAYEE_USERINFO_STATUS_ERROR", "payee_account_invalid", "The payee's account is closed or abnormal.", "收款方用户状态异常。"),
        Failed(null, Codes.BusinessFailed, Codes.PayerBalanceNotEnough, "insufficient_balance", "The merchant's Alipay balance is too low.", "付款方余额不足。", retryable: true),
        Failed(null, Codes.BusinessFailed, "BALANCE_IS_NOT_ENOUGH", "insufficient_balance", "The merchant's Alipay balance is too low.", "余额不足。", retryable: true),
        Failed(null, Codes.BusinessFailed, "PAYER_STATUS_ERROR", "channel_rejected", "The paying account is abnormal.", "付款账号状态异常。"),
        Failed(null, Codes.BusinessFailed, "EXCEED_LIMIT_SM_AMOUNT", "amount_invalid", "The amount exceeds the single transfer limit.", "单笔额度超限。"),
        Failed(null, Codes.BusinessFailed, "EXCEED_LIMIT_DM_AMOUNT", "amount_invalid", "The amount exceeds the daily transfer limit.", "日累计额度超限。"),
        Failed(null, Codes.BusinessFailed, "INVALID_PARAMETER", "channel_rejected", Rejected, RejectedZh),
        Failed(null, Codes.BusinessFailed, Codes.TransferOrderNotExist, "withdrawal_not_found", "Alipay has no such transfer.", "转账订单不存在。", retryable: true),
        Failed(null, Codes.BusinessFailed, null, "channel_rejected", Rejected, RejectedZh),
    ];

    /// <summary>
    /// The outcome these rules give a raw code in a flow, looked up as the gateway does: (flow, code, sub), (flow, code,
    /// any), (any, code, sub), (any, code, any). A code with no rule is unknown. The adapter reports exactly this.
    /// </summary>
    public static ChannelOutcome OutcomeOf(ChannelFlow flow, string code, string? subCode) => Table.OutcomeOf(flow, code, subCode);

    /// <summary>The rules above keyed for look-up (declared after them, so initialised after them).</summary>
    public static readonly ResultCodeTable Table = new(Rules);
}
