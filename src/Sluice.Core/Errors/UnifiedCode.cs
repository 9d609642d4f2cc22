namespace Sluice.Errors;

/// <summary>
/// The stable error codes merchants see in problem details. Never rename one: merchants switch on them.
/// </summary>
public static class UnifiedCode
{
    public const string MalformedJson = "malformed_json";

    /// <summary>The body names a field the operation does not have (a typo is refused, never silently dropped).</summary>
    public const string UnknownField = "unknown_field";
    public const string MissingField = "missing_field";
    public const string InvalidField = "invalid_field";
    public const string InvalidAmount = "invalid_amount";
    public const string UnsupportedCurrency = "unsupported_currency";
    public const string Unauthenticated = "unauthenticated";
    public const string Forbidden = "forbidden";

    /// <summary>The app signs its requests and this one carries no <c>Sluice-Request-Signature</c>.</summary>
    public const string RequestSignatureRequired = "request_signature_required";

    /// <summary>The request's signature does not match, is malformed, or its timestamp is outside the window.</summary>
    public const string InvalidRequestSignature = "invalid_request_signature";

    /// <summary>A signed request's nonce was already used within the signature window.</summary>
    public const string RequestReplayed = "request_replayed";
    public const string NotFound = "not_found";
    public const string DuplicateOrderNo = "duplicate_order_no";
    public const string IdempotencyKeyReused = "idempotency_key_reused";
    public const string IdempotencyInProgress = "idempotency_request_in_progress";
    public const string InvalidIdempotencyKey = "invalid_idempotency_key";
    public const string PaymentNotClosable = "payment_not_closable";
    public const string PaymentMethodUnavailable = "payment_method_unavailable";
    public const string NoChannelAvailable = "no_channel_available";
    public const string WithdrawalCancelled = "withdrawal_cancelled";
    public const string WithdrawalNotCancellable = "withdrawal_not_cancellable";
    public const string ChannelUnavailable = "channel_unavailable";
    public const string ChannelRejected = "channel_rejected";

    /// <summary>A channel answer whose meaning is not (yet) known: the payment stays open and is re-queried.</summary>
    public const string ChannelResultUnknown = "channel_result_unknown";
    public const string ConcurrentModification = "concurrent_modification";
    public const string AlreadyExists = "already_exists";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string InternalError = "internal_error";

    /// <summary>Only a succeeded payment can be refunded.</summary>
    public const string PaymentNotRefundable = "payment_not_refundable";

    /// <summary>The refund would take the payment's refunds past what was paid.</summary>
    public const string RefundAmountExceeds = "refund_amount_exceeds";
    public const string CurrencyMismatch = "currency_mismatch";
    public const string DuplicateRefundNo = "duplicate_refund_no";

    /// <summary>An operator action on a refund that its state (or its channel) does not allow.</summary>
    public const string RefundActionNotAllowed = "refund_action_not_allowed";

    /// <summary>The balance a refund or withdrawal is reserved from is short of its amount (beyond the merchant's negative-balance limit).</summary>
    public const string InsufficientBalance = "insufficient_balance";
}
