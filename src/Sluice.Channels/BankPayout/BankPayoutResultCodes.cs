using Sluice.Channels.Contracts;
using static Sluice.Channels.BankPayout.BankPayoutProtocol;

namespace Sluice.Channels.BankPayout;

/// <summary>
/// The bank payout API's codes. Raw code: the answer's <c>code</c> (<c>SUCCESS</c> or an error), or, for a payout
/// that failed or bounced, its <c>failure_code</c>; raw sub-code: the payout's <c>status</c>.
/// </summary>
public static class BankPayoutResultCodes
{
    public const string UnsupportedPayeeType = "UNSUPPORTED_PAYEE_TYPE";

    private const string Confirming = "The payout result is being confirmed.";
    private const string ConfirmingZh = "代付结果确认中。";

    public static readonly IReadOnlyList<ResultCodeRule> Rules = Build();

    private static List<ResultCodeRule> Build()
    {
        var rules = new List<ResultCodeRule>([.. ChannelTransport.Rules, .. ServerErrorRules.Rules])
        {
            new(null, Codes.Success, Statuses.Accepted, "withdrawal_processing", ChannelOutcome.Pending, false, "The payout was accepted.", "代付已受理。"),
            new(null, Codes.Success, Statuses.Processing, "withdrawal_processing", ChannelOutcome.Pending, false, "The payout is processing.", "代付处理中。"),
            new(null, Codes.Success, Statuses.Succeeded, "succeeded", ChannelOutcome.Succeeded, false, "The payout succeeded.", "代付成功。"),
            new(null, Codes.Success, Statuses.Failed, "withdrawal_failed", ChannelOutcome.Failed, false, "The payout failed.", "代付失败。"),
            new(null, Codes.Success, Statuses.Returned, "withdrawal_returned", ChannelOutcome.Failed, false, "The payee's bank returned the payout.", "收款行退汇。"),
            new(null, Codes.Success, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh),
            new(ChannelFlow.Withdraw, Codes.DuplicatePayout, null, "channel_result_unknown", ChannelOutcome.Unknown, false, Confirming, ConfirmingZh),
            new(ChannelFlow.Withdraw, Codes.SystemBusy, null, "channel_unavailable", ChannelOutcome.Failed, true, "The bank is busy. Please try again.", "银行系统繁忙，请稍后重试。"),
            new(null, Codes.SystemBusy, null, "channel_result_unknown", ChannelOutcome.Unknown, true, Confirming, ConfirmingZh),
            new(ChannelFlow.Withdraw, Codes.InsufficientBalance, null, "insufficient_balance", ChannelOutcome.Failed, true,
                "The payout account's balance is insufficient.", "代付账户余额不足。"),
            new(ChannelFlow.Withdraw, Codes.LimitExceeded, null, "amount_limit_exceeded", ChannelOutcome.Failed, false, "The payout exceeds the bank's limit.", "代付金额超过银行限额。"),
            new(ChannelFlow.WithdrawQuery, Codes.PayoutNotFound, null, "withdrawal_not_found", ChannelOutcome.Failed, false,
                "The bank has no such payout; it was never accepted.", "银行无此代付，未受理。"),
            new(null, UnsupportedPayeeType, null, "payee_not_supported", ChannelOutcome.Failed, false, "The bank pays bank accounts only.", "银行代付仅支持银行账户。"),
        };

        // A payout that failed or was returned: the raw code is its failure_code, whatever the status.
        foreach (var (code, unified, en, zh) in new[]
        {
            (Codes.AccountClosed, "payee_account_closed", "The payee's account is closed.", "收款账户已销户。"),
            (Codes.AccountNameMismatch, "payee_name_mismatch", "The payee's name does not match the account.", "收款户名与账号不符。"),
            (Codes.InvalidAccount, "payee_account_invalid", "The payee's account number is not valid.", "收款账号无效。"),
            (Codes.ReturnedByBank, "withdrawal_returned", "The payee's bank returned the payout.", "收款行退汇。"),
        })
        {
            rules.Add(new(null, code, null, unified, ChannelOutcome.Failed, false, en, zh));
            rules.Add(new(null, code, Statuses.Returned, "withdrawal_returned", ChannelOutcome.Failed, false,
                "The payee's bank returned the payout: " + en, "收款行退汇：" + zh));
        }

        // Refusals before acceptance: the payout was not made (definite for a new payout); a query so refused says nothing.
        foreach (var code in new[] { Codes.SignatureInvalid, Codes.TimestampExpired, Codes.NonceReused, Codes.ClientUnknown, Codes.InvalidRequest })
        {
            rules.Add(new(ChannelFlow.Withdraw, code, null, "channel_configuration_error", ChannelOutcome.Failed, false,
                "The payout channel is misconfigured.", "代付通道配置错误。"));
            rules.Add(new(ChannelFlow.WithdrawQuery, code, null, "channel_result_unknown", ChannelOutcome.Unknown, true, Confirming, ConfirmingZh));
        }

        // Payments and refunds are not payout flows: the registry refuses them (ChannelFlowNotSupportedException).
        foreach (var flow in new[] { ChannelFlow.Pay, ChannelFlow.Query, ChannelFlow.Close, ChannelFlow.Refund, ChannelFlow.RefundQuery })
        {
            rules.Add(new(flow, ChannelFlowNotSupportedException.RawCode, null, "flow_not_supported", ChannelOutcome.Failed, false,
                "This channel only makes payouts.", "该通道仅支持代付。"));
        }

        return rules;
    }

    /// <summary>The outcome the rules give a (flow, code, sub-code), with the gateway's lookup order; Unknown when none.</summary>
    public static ChannelOutcome OutcomeOf(ChannelFlow flow, string code, string? subCode) => Table.OutcomeOf(flow, code, subCode);

    /// <summary>The rules above keyed for look-up (declared after them, so initialised after them).</summary>
    public static readonly ResultCodeTable Table = new(Rules);
}
