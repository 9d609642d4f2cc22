using Sluice.Channels.Contracts;

namespace Sluice.Channels.WeChatPay;

/// <summary>
/// WeChat Pay v3 result codes as unified codes. Raw code: the error <c>code</c> of a 4xx answer (PARAM_ERROR, ORDERPAID,
/// ...) or <c>SUCCESS</c> for a 2xx answer and a notice; raw sub-code: for a 2xx, the state it reports (trade_state,
/// refund status, transfer state). The adapter derives every outcome from these rules, so they always agree.
/// </summary>
public static class WeChatPayResultCodes
{
    public static class Codes
    {
        public const string Success = "SUCCESS";
        public const string ParamError = "PARAM_ERROR";
        public const string InvalidRequest = "INVALID_REQUEST";
        public const string SignError = "SIGN_ERROR";
        public const string OrderPaid = "ORDERPAID";
        public const string OrderClosed = "ORDER_CLOSED";
        public const string OrderNotExist = "ORDER_NOT_EXIST";
        public const string OrderNotExistLegacy = "ORDERNOTEXIST";
        public const string ResourceNotExists = "RESOURCE_NOT_EXISTS";
        public const string NotFound = "NOT_FOUND";
        public const string SystemError = "SYSTEM_ERROR";
        public const string BankError = "BANKERROR";
        public const string FrequencyLimited = "FREQUENCY_LIMITED";
        public const string NotEnough = "NOT_ENOUGH";
        public const string NoAuth = "NOAUTH";
        public const string NoAuthV3 = "NO_AUTH";
        public const string MchNotExists = "MCH_NOT_EXISTS";
        public const string AppidMchidNotMatch = "APPID_MCHID_NOT_MATCH";
        public const string OutTradeNoUsed = "OUT_TRADE_NO_USED";
        public const string UserAccountAbnormal = "USER_ACCOUNT_ABNORMAL";
        public const string AccountError = "ACCOUNT_ERROR";
        public const string InvalidTransactionId = "INVALID_TRANSACTIONID";
        public const string RuleLimit = "RULE_LIMIT";
        public const string TradeError = "TRADE_ERROR";

        /// <summary>Sluice's own: WeChat Pay transfers pay a WeChat wallet (openid) only, never a bank account.</summary>
        public const string UnsupportedPayee = "UNSUPPORTED_PAYEE";
    }

    /// <summary>trade_state of a transaction.</summary>
    public static class TradeStates
    {
        public const string Success = "SUCCESS";
        public const string Refund = "REFUND";
        public const string NotPay = "NOTPAY";
        public const string Closed = "CLOSED";
        public const string Revoked = "REVOKED";
        public const string UserPaying = "USERPAYING";
        public const string PayError = "PAYERROR";
    }

    /// <summary>status of a domestic refund.</summary>
    public static class RefundStates
    {
        public const string Success = "SUCCESS";
        public const string Closed = "CLOSED";
        public const string Processing = "PROCESSING";
        public const string Abnormal = "ABNORMAL";
    }

    /// <summary>state of a merchant transfer bill.</summary>
    public static class TransferStates
    {
        public const string Accepted = "ACCEPTED";
        public const string Processing = "PROCESSING";
        public const string WaitUserConfirm = "WAIT_USER_CONFIRM";
        public const string Transfering = "TRANSFERING";
        public const string Success = "SUCCESS";
        public const string Fail = "FAIL";
        public const string Canceling = "CANCELING";
        public const string Cancelled = "CANCELLED";
    }

    private const string Confirming = "The payment result is being confirmed.";
    private const string ConfirmingZh = "支付结果确认中。";
    private const string Misconfigured = "The payment channel is misconfigured.";
    private const string MisconfiguredZh = "支付通道配置错误。";

    public static readonly IReadOnlyList<ResultCodeRule> Rules =
    [
        .. ChannelTransport.Rules,

        // 2xx answers and notices: the state reported.
        new(ChannelFlow.Pay, Codes.Success, null, "payment_pending", ChannelOutcome.Pending, false, "Waiting for the payer.", "等待用户付款。"),
        new(ChannelFlow.Close, Codes.Success, null, "order_closed", ChannelOutcome.Succeeded, false, "The order was closed.", "订单已关闭。"),
        new(null, Codes.Success, TradeStates.Success, "succeeded", ChannelOutcome.Succeeded, false, "Paid.", "支付成功。"),
        new(null, Codes.Success, TradeStates.Refund, "succeeded", ChannelOutcome.Succeeded, false, "Paid, and refunds were made since.", "支付成功，已转入退款。"),
        new(null, Codes.Success, TradeStates.NotPay, "payment_pending", ChannelOutcome.Pending, false, "Waiting for the payer.", "未支付。"),
        new(null, Codes.Success, TradeStates.UserPaying, "payment_pending", ChannelOutcome.Pending, false, "The payer is paying (entering the password).", "用户支付中（输入密码）。"),
        new(null, Codes.Success, TradeStates.Closed, "order_closed", ChannelOutcome.Failed, false, "The order was closed.", "订单已关闭。"),
        new(null, Codes.Success, TradeStates.Revoked, "order_closed", ChannelOutcome.Failed, false, "The payment was revoked.", "已撤销（付款码支付）。"),
        new(null, Codes.Success, TradeStates.PayError, "channel_declined", ChannelOutcome.Failed, false, "The payment failed at the bank.", "支付失败（如银行返回失败）。"),
        new(null, Codes.Success, RefundStates.Processing, "processing", ChannelOutcome.Pending, false, "Processing.", "退款处理中。"),
        new(null, Codes.Success, RefundStates.Abnormal, "refund_abnormal", ChannelOutcome.Failed, false,
            "The refund could not reach the payer's account; it needs an operator.", "退款异常（用户账户异常），需人工处理。"),
        new(null, Codes.Success, TransferStates.Accepted, "processing", ChannelOutcome.Pending, false, "The transfer was accepted.", "转账已受理。"),
        new(null, Codes.Success, TransferStates.WaitUserConfirm, "processing", ChannelOutcome.Pending, false, "Waiting for the payee to confirm.", "待收款用户确认。"),
        new(null, Codes.Success, TransferStates.Transfering, "processing", ChannelOutcome.Pending, false, "Transferring.", "转账中。"),
        new(null, Codes.Success, TransferStates.Canceling, "processing", ChannelOutcome.Pending, false, "The transfer is being cancelled.", "撤销中。"),
        new(null, Codes.Success, TransferStates.Fail, "withdrawal_failed", ChannelOutcome.Failed, false, "The transfer failed.", "转账失败。"),
        new(null, Codes.Success, TransferStates.Cancelled, "withdrawal_failed", ChannelOutcome.Failed, false, "The transfer was cancelled.", "转账已撤销。"),
        new(null, Codes.Success, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh),

        // 4xx error codes of the v3 API.
        new(ChannelFlow.Close, Codes.OrderClosed, null, "order_closed", ChannelOutcome.Succeeded, false, "The order was closed.", "订单已关闭。"),
        new(ChannelFlow.Close, Codes.OrderPaid, null, "order_paid", ChannelOutcome.Failed, false, "The order is already paid.", "订单已支付。"),
        new(ChannelFlow.Pay, Codes.OrderPaid, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh),
        new(ChannelFlow.Pay, Codes.OutTradeNoUsed, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh),
        new(ChannelFlow.Pay, Codes.FrequencyLimited, null, "channel_unavailable", ChannelOutcome.Failed, true,
            "The payment channel is busy. Please try again.", "频率超限，请降低请求频率。"),
        new(null, Codes.FrequencyLimited, null, "channel_result_unknown", ChannelOutcome.Unknown, true, Confirming, ConfirmingZh),
        new(null, Codes.SystemError, null, "channel_result_unknown", ChannelOutcome.Unknown, true, Confirming, ConfirmingZh),
        new(null, Codes.BankError, null, "channel_result_unknown", ChannelOutcome.Unknown, true, Confirming, ConfirmingZh),
        new(null, Codes.OrderPaid, null, "order_paid", ChannelOutcome.Failed, false, "The order is already paid.", "订单已支付。"),
        new(null, Codes.OrderClosed, null, "order_closed", ChannelOutcome.Failed, false, "The order was closed.", "订单已关闭。"),
        new(null, Codes.OrderNotExist, null, "order_not_found", ChannelOutcome.Failed, false, "The channel has no such order.", "订单不存在。"),
        new(null, Codes.OrderNotExistLegacy, null, "order_not_found", ChannelOutcome.Failed, false, "The channel has no such order.", "订单不存在。"),
        new(null, Codes.ResourceNotExists, null, "order_not_found", ChannelOutcome.Failed, false, "The channel has no such refund.", "退款单不存在。"),
        new(null, Codes.NotFound, null, "order_not_found", ChannelOutcome.Failed, false, "The channel has no such transfer.", "记录不存在。"),
        new(null, Codes.ParamError, null, "channel_rejected", ChannelOutcome.Failed, false, "The channel rejected the request's parameters.", "参数错误。"),
        new(null, Codes.InvalidRequest, null, "channel_rejected", ChannelOutcome.Failed, false,
            "The channel refused the request (for a refund: e.g. past the refund period).", "请求不符合业务规则（退款：如已超过退款期限）。"),
        new(null, Codes.SignError, null, "channel_configuration_error", ChannelOutcome.Failed, false, Misconfigured, MisconfiguredZh),
        new(null, Codes.NoAuth, null, "channel_configuration_error", ChannelOutcome.Failed, false,
            "The merchant has no permission for this product.", "商户无权限。"),
        new(null, Codes.NoAuthV3, null, "channel_configuration_error", ChannelOutcome.Failed, false,
            "The merchant has no permission for this product.", "商户无权限。"),
        new(null, Codes.MchNotExists, null, "channel_configuration_error", ChannelOutcome.Failed, false, Misconfigured, "商户号不存在。"),
        new(null, Codes.AppidMchidNotMatch, null, "channel_configuration_error", ChannelOutcome.Failed, false, Misconfigured, "appid和mch_id不匹配。"),
        new(null, Codes.NotEnough, null, "insufficient_balance", ChannelOutcome.Failed, true,
            "The merchant's available balance is insufficient.", "商户可用余额不足。"),
        new(null, Codes.UserAccountAbnormal, null, "payee_account_abnormal", ChannelOutcome.Failed, false,
            "The payer's account is closed or abnormal.", "用户账户异常（已注销）。"),
        new(null, Codes.AccountError, null, "payee_account_abnormal", ChannelOutcome.Failed, false, "The payer's account is abnormal.", "用户账号异常。"),
        new(null, Codes.InvalidTransactionId, null, "channel_rejected", ChannelOutcome.Failed, false, "The transaction id is invalid.", "订单号非法。"),
        new(null, Codes.RuleLimit, null, "risk_declined", ChannelOutcome.Failed, false, "The channel's risk rules declined it.", "业务规则限制。"),
        new(null, Codes.TradeError, null, "channel_declined", ChannelOutcome.Failed, false, "The channel declined the transaction.", "交易错误。"),
        new(null, Codes.UnsupportedPayee, null, "channel_rejected", ChannelOutcome.Failed, false,
            "WeChat Pay transfers go to a WeChat user (openid) only.", "微信支付转账仅支持到微信零钱（openid）。"),
    ];

    /// <summary>The effect of (flow, code, sub-code) by the gateway's lookup order; Unknown when no rule covers it.</summary>
    public static ChannelOutcome Outcome(ChannelFlow flow, string code, string? subCode) => Table.OutcomeOf(flow, code, subCode);

    /// <summary>The rules above keyed for look-up (declared after them, so initialised after them).</summary>
    public static readonly ResultCodeTable Table = new(Rules);
}
