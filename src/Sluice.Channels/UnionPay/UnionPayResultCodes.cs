using Sluice.Channels.Contracts;

namespace Sluice.Channels.UnionPay;

/// <summary>
/// ACP <c>respCode</c> / <c>origRespCode</c> values (全渠道平台接口规范, appendix "应答码"; the descriptions match the
/// table as SDK users transcribe it, e.g. the PayResultStatus enums and respCode maps in public ACP integrations) as
/// unified codes, per flow:
/// <list type="bullet">
/// <item>Pay (QR apply) and refund answers: <c>00</c> = accepted; <c>03/04/05</c> = result not known yet (query);
/// <c>02/06</c> = not taken (gateway closed / busy); <c>12</c> = duplicate (query); the rest refuse the request.</item>
/// <item>Query and refund query: raw code <c>respCode</c> is the query's own result, raw sub-code <c>origRespCode</c> the
/// transaction's. <c>00</c> + <c>00</c> = succeeded, <c>00</c> + <c>03/04/05</c> = processing, <c>00</c> + a failure
/// code = failed. <c>34</c> = no such transaction: for a payment the payer has not submitted the front form yet
/// (pending); for a refund, it was never taken (failed). Any other <c>respCode</c> means the query itself failed, so
/// the transaction's outcome stays unknown.</item>
/// <item>Close (UnionPay has none; see the adapter): <c>34</c> = nothing to close (succeeded), paid = failed.</item>
/// <item>Notify: the notice's <c>respCode</c>.</item>
/// </list>
/// The pay flow's front transaction is a form the payer's browser posts, so its own result is <c>FORM_READY</c>.
/// </summary>
public static class UnionPayResultCodes
{
    public const string FormReady = "FORM_READY";
    public const string Success = "00";
    public const string NotFound = "34";

    private const string Confirming = "The payment result is being confirmed.";
    private const string ConfirmingZh = "支付结果确认中。";

    /// <summary>The codes whose result is not known yet: 03 communication timeout, 04 state unclear, 05 accepted.</summary>
    public static readonly IReadOnlySet<string> InProgress = new HashSet<string>(StringComparer.Ordinal) { "03", "04", "05" };

    /// <summary>
    /// The transaction is still with the payer or the issuer (70 waiting for the cardholder's input, 83 the issuer is
    /// processing) or was debited with its write-off unknown or failed (74, 75): never final, so never failed.
    /// </summary>
    public static readonly IReadOnlySet<string> WithPayerOrIssuer = new HashSet<string>(StringComparer.Ordinal) { "70", "74", "75", "83" };

    /// <summary>Not taken: 02 gateway closed, 06 busy, 39 outside the gateway's acceptance hours (all before acceptance).</summary>
    public static readonly IReadOnlySet<string> NotTaken = new HashSet<string>(StringComparer.Ordinal) { "02", "06", "39" };

    /// <summary>Duplicate (12) means UnionPay may hold the transaction already: query it.</summary>
    public const string Duplicate = "12";

    /// <summary>Final refusals of a transaction, with their unified code and messages.</summary>
    private static readonly (string Code, string Unified, string En, string Zh)[] Refusals =
    [
        ("01", "channel_declined", "The transaction failed at UnionPay.", "交易失败。详情请咨询95516。"),
        ("10", "channel_rejected", "The request was malformed.", "报文格式错误。"),
        ("11", "channel_configuration_error", "The signature did not verify at UnionPay.", "验证签名失败。"),
        ("13", "channel_rejected", "A required field was missing.", "报文交易要素缺失。"),
        ("14", "channel_rejected", "The batch file was malformed.", "批量文件格式错误。"),
        ("30", "channel_declined", "The transaction was not approved; try another UnionPay card.", "交易未通过，请尝试使用其他银联卡支付或联系95516。"),
        ("31", "channel_configuration_error", "The merchant's status at UnionPay is not valid.", "商户状态不正确。"),
        ("32", "channel_configuration_error", "The merchant may not make this transaction.", "无此交易权限。"),
        ("33", "amount_limit_exceeded", "The amount exceeds the limit.", "交易金额超限。"),
        ("35", "original_transaction_invalid", "The original transaction does not exist or is in the wrong state.", "原交易不存在或状态不正确。"),
        ("36", "original_transaction_mismatch", "The request does not match the original transaction.", "与原交易信息不符。"),
        ("38", "risk_declined", "Declined by UnionPay's risk control.", "银联风险受限。"),
        ("40", "channel_declined", "The binding check failed.", "绑定关系检查失败。"),
        ("42", "payment_expired", "The card was debited after the payment time limit; UnionPay reverses it.", "扣款成功但交易超过规定支付时间。"),
        ("43", "channel_configuration_error", "The merchant may not use this service.", "无此业务权限，详情请咨询95516。"),
        ("44", "card_not_supported", "The number is wrong or the service is not enabled for it.", "输入号码错误或暂未开通此项业务，详情请咨询95516。"),
        ("45", "original_transaction_refunded", "The original transaction was already refunded or cancelled.", "原交易已被成功退货或已被成功撤销。"),
        ("46", "original_transaction_reversed", "The transaction was reversed.", "交易已被成功冲正。"),
        ("60", "card_declined", "The card issuer declined the transaction.", "交易失败，详情请咨询您的发卡行。"),
        ("61", "card_invalid", "The card number is not valid.", "输入的卡号无效，请确认后输入。"),
        ("62", "card_declined", "The card issuer does not accept this merchant.", "交易失败，发卡银行不支持该商户，请更换其他银行卡。"),
        ("63", "card_declined", "The card's status does not allow the transaction.", "卡状态不正确。"),
        ("64", "insufficient_balance", "The card's balance is insufficient.", "卡上的余额不足。"),
        ("65", "card_verification_failed", "The PIN, expiry date or CVN2 was wrong.", "输入的密码、有效期或CVN2有误，交易失败。"),
        ("66", "card_verification_failed", "The cardholder's identity or phone number did not verify.", "持卡人身份信息或手机号输入不正确，验证失败。"),
        ("67", "card_verification_failed", "Too many wrong PIN entries.", "密码输入次数超限。"),
        ("68", "card_not_supported", "The card does not support this service.", "您的银行卡暂不支持该业务，请向您的银行或95516咨询。"),
        ("69", "payer_timeout", "The payer did not complete the input in time.", "您的输入超时，交易失败。"),
        ("71", "card_verification_failed", "The one-time code did not verify.", "动态口令或短信验证码校验失败。"),
        ("72", "card_not_supported", "The card is not enabled for card-not-present payments.", "您尚未签约加办银联无卡支付业务。"),
        ("73", "card_expired", "The card has expired.", "支付卡已超过有效期。"),
        ("77", "card_not_supported", "The card is not enabled for authenticated payments.", "银行卡未开通认证支付。"),
        ("78", "card_declined", "The card issuer restricts this transaction.", "发卡行交易权限受限，详情请咨询您的发卡行。"),
        ("79", "card_not_supported", "The issuer does not support SMS verification for this card.", "此卡可用，但发卡行暂不支持短信验证。"),
        ("81", "amount_limit_exceeded", "The card's monthly count or amount limit is reached.", "月累计交易笔数(金额)超限。"),
        ("85", "channel_declined", "The promotion's rules are not met.", "交易失败，营销规则不满足。"),
        ("86", "channel_declined", "The QR code is in the wrong state.", "二维码状态错误。"),
        ("87", "channel_declined", "The QR code's payment count is exhausted.", "支付次数超限。"),
        ("88", "channel_declined", "No such QR code.", "无此二维码。"),
        ("90", "insufficient_balance", "The account's balance is insufficient.", "账户余额不足。"),
        ("99", "channel_declined", "UnionPay reported a general error.", "通用错误。"),
    ];

    public static bool IsRefusal(string code) => Refusals.Any(r => r.Code == code);

    public static readonly IReadOnlyList<ResultCodeRule> Rules = Build();

    private static List<ResultCodeRule> Build()
    {
        var rules = new List<ResultCodeRule>([.. ChannelTransport.Rules, .. ServerErrorRules.Rules])
        {
            new(ChannelFlow.Pay, FormReady, null, "payment_pending", ChannelOutcome.Pending, false, "Waiting for the payer.", "等待付款。"),
            new(ChannelFlow.Pay, Success, null, "payment_pending", ChannelOutcome.Pending, false, "Waiting for the payer.", "等待付款。"),
            new(ChannelFlow.Refund, Success, null, "refund_processing", ChannelOutcome.Pending, false, "The refund was accepted and is processing.", "退款已受理，处理中。"),
            new(ChannelFlow.Query, Success, Success, "succeeded", ChannelOutcome.Succeeded, false, "Succeeded.", "成功。"),
            new(ChannelFlow.RefundQuery, Success, Success, "succeeded", ChannelOutcome.Succeeded, false, "Succeeded.", "成功。"),
            new(ChannelFlow.Notify, Success, null, "succeeded", ChannelOutcome.Succeeded, false, "Succeeded.", "成功。"),
            new(ChannelFlow.Query, NotFound, null, "payment_pending", ChannelOutcome.Pending, false, "The payer has not submitted the payment yet.", "持卡人尚未提交支付。"),
            new(ChannelFlow.RefundQuery, NotFound, null, "refund_not_found", ChannelOutcome.Failed, false, "UnionPay has no such refund.", "查无此退款交易。"),
            new(ChannelFlow.Close, NotFound, null, "order_closed", ChannelOutcome.Succeeded, false, "The order was closed.", "订单已关闭。"),
            new(ChannelFlow.Close, Success, Success, "order_paid", ChannelOutcome.Failed, false, "The order is already paid.", "订单已支付。"),
            new(ChannelFlow.Query, Success, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh),
            new(ChannelFlow.RefundQuery, Success, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh),
            new(ChannelFlow.Close, Success, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh),
        };

        foreach (var code in InProgress)
        {
            foreach (var flow in new[] { ChannelFlow.Pay, ChannelFlow.Refund })
            {
                rules.Add(new(flow, code, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh));
            }

            foreach (var flow in new[] { ChannelFlow.Query, ChannelFlow.RefundQuery })
            {
                rules.Add(new(flow, Success, code, "processing", ChannelOutcome.Pending, false, "Processing.", "处理中。"));
            }

            rules.Add(new(ChannelFlow.Close, Success, code, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh));
        }

        foreach (var code in WithPayerOrIssuer)
        {
            var pending = code is "70" or "83";
            foreach (var flow in new[] { ChannelFlow.Pay, ChannelFlow.Refund, ChannelFlow.Notify })
            {
                rules.Add(new(flow, code, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh));
            }

            foreach (var flow in new[] { ChannelFlow.Query, ChannelFlow.RefundQuery })
            {
                rules.Add(pending
                    ? new(flow, Success, code, "processing", ChannelOutcome.Pending, false, "Processing.", "处理中。")
                    : new(flow, Success, code, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh));
            }

            rules.Add(new(ChannelFlow.Close, Success, code, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh));
        }

        foreach (var code in NotTaken)
        {
            rules.Add(new(ChannelFlow.Pay, code, null, "channel_unavailable", ChannelOutcome.Failed, true, "The payment channel is busy. Please try again.", "支付通道繁忙，请稍后重试。"));
            rules.Add(new(ChannelFlow.Refund, code, null, "channel_unavailable", ChannelOutcome.Failed, true, "The payment channel is busy. Please try again.", "支付通道繁忙，请稍后重试。"));
        }

        rules.Add(new(ChannelFlow.Pay, Duplicate, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh));
        rules.Add(new(ChannelFlow.Refund, Duplicate, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh));

        foreach (var (code, unified, en, zh) in Refusals)
        {
            rules.Add(new(ChannelFlow.Pay, code, null, unified, ChannelOutcome.Failed, false, en, zh));
            rules.Add(new(ChannelFlow.Refund, code, null, unified, ChannelOutcome.Failed, false, en, zh));
            rules.Add(new(ChannelFlow.Notify, code, null, unified, ChannelOutcome.Failed, false, en, zh));
            rules.Add(new(ChannelFlow.Query, Success, code, unified, ChannelOutcome.Failed, false, en, zh));
            rules.Add(new(ChannelFlow.RefundQuery, Success, code, unified, ChannelOutcome.Failed, false, en, zh));
            rules.Add(new(ChannelFlow.Close, Success, code, "order_closed", ChannelOutcome.Succeeded, false, "The order was closed.", "订单已关闭。"));

            // The same code as a query's own respCode says the query failed, not the transaction.
            foreach (var flow in new[] { ChannelFlow.Query, ChannelFlow.RefundQuery, ChannelFlow.Close })
            {
                rules.Add(new(flow, code, null, "channel_result_unknown", ChannelOutcome.Unknown, true, Confirming, ConfirmingZh));
            }
        }

        // Withdrawals are not a UnionPay gateway flow: the registry refuses them (ChannelFlowNotSupportedException).
        foreach (var flow in new[] { ChannelFlow.Withdraw, ChannelFlow.WithdrawQuery })
        {
            rules.Add(new(flow, ChannelFlowNotSupportedException.RawCode, null, "flow_not_supported", ChannelOutcome.Failed, false,
                "This channel does not make payouts.", "该通道不支持代付。"));
        }

        return rules;
    }

    /// <summary>The outcome the rules give a (flow, code, sub-code), with the gateway's lookup order; Unknown when none.</summary>
    public static ChannelOutcome OutcomeOf(ChannelFlow flow, string code, string? subCode) => Table.OutcomeOf(flow, code, subCode);

    /// <summary>The rules above keyed for look-up (declared after them, so initialised after them).</summary>
    public static readonly ResultCodeTable Table = new(Rules);
}
