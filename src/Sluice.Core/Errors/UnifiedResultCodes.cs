using System.Collections.Frozen;

namespace Sluice.Errors;

/// <summary>
/// The unified result codes a channel's answer can become: the one vocabulary merchants see in a payment's
/// <c>failure.code</c> (and operators in result-code rules), whatever the channel. Every adapter's default rules and every
/// operator override must use one of these, so merchants can switch on them. Never rename one; add new ones here.
/// </summary>
public static class UnifiedResultCodes
{
    public static readonly FrozenDictionary<string, string> All = new Dictionary<string, string>
    {
        ["succeeded"] = "The channel completed the transaction.",
        ["payment_pending"] = "The order waits for the payer.",
        ["processing"] = "The channel is still processing.",
        ["refund_processing"] = "The refund is being processed.",
        ["withdrawal_processing"] = "The withdrawal is being processed.",
        ["channel_result_unknown"] = "The result is not known yet; Sluice re-queries the channel.",
        ["channel_unavailable"] = "The channel could not be reached or was busy; it did not take the order.",
        ["channel_configuration_error"] = "The channel refused Sluice's credentials or configuration (operators must act).",
        ["channel_rejected"] = "The channel rejected the request.",
        ["channel_declined"] = "The channel declined the transaction.",
        ["risk_declined"] = "The channel's risk control declined the transaction.",
        ["card_declined"] = "The card issuer declined the payment.",
        ["card_expired"] = "The card has expired.",
        ["card_invalid"] = "The card number or card is invalid.",
        ["card_not_supported"] = "The card is not supported by this channel.",
        ["card_verification_failed"] = "The card holder's verification failed.",
        ["insufficient_balance"] = "Not enough balance (the payer's, or the merchant's for a refund or withdrawal).",
        ["amount_invalid"] = "The amount is not valid for the channel.",
        ["amount_limit_exceeded"] = "The amount exceeds a limit of the channel, card or account.",
        ["currency_not_supported"] = "The channel does not take this currency.",
        ["payment_method_not_supported"] = "The channel does not offer this payment method to this merchant.",
        ["flow_not_supported"] = "The channel does not offer this operation.",
        ["payment_expired"] = "The order expired before it was paid.",
        ["payer_timeout"] = "The payer did not complete the payment in time.",
        ["order_closed"] = "The order is closed.",
        ["order_paid"] = "The order is already paid.",
        ["order_not_found"] = "The channel has no such order.",
        ["order_frozen"] = "The channel froze the order.",
        ["order_status_invalid"] = "The order's state at the channel does not allow this operation.",
        ["original_transaction_invalid"] = "The original transaction cannot be used for this operation.",
        ["original_transaction_mismatch"] = "The request does not match the original transaction.",
        ["original_transaction_refunded"] = "The original transaction is already refunded.",
        ["original_transaction_reversed"] = "The original transaction was reversed.",
        ["refund_amount_exceeds"] = "The refund exceeds the refundable amount.",
        ["refund_window_passed"] = "The channel's refund window has passed.",
        ["refund_not_found"] = "The channel has no such refund.",
        ["refund_abnormal"] = "The refund failed at the channel (e.g. the payer's account is closed).",
        ["withdrawal_failed"] = "The withdrawal failed.",
        ["withdrawal_returned"] = "The payee's bank returned the withdrawal after it was paid out.",
        ["withdrawal_cancelled"] = "An operator cancelled the withdrawal while it was held; no channel had it and nothing was paid out.",
        ["withdrawal_not_found"] = "The channel has no such withdrawal.",
        ["payee_account_invalid"] = "The payee account does not exist or is invalid.",
        ["payee_account_closed"] = "The payee account is closed.",
        ["payee_account_abnormal"] = "The payee account is frozen or restricted.",
        ["payee_name_mismatch"] = "The payee name does not match the account.",
        ["payee_not_supported"] = "The channel cannot pay this kind of payee account.",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsKnown(string code) => All.ContainsKey(code);
}
