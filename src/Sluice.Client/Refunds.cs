namespace Sluice.Client;

/// <summary>What to ask for in <see cref="SluiceClient.CreateRefundAsync"/> (<c>POST /v1/refunds</c>).</summary>
public sealed record CreateRefundRequest
{
    /// <summary>The gateway's id of the payment to refund; give this or <see cref="MerchantOrderNo"/>.</summary>
    public string? PaymentId { get; init; }

    /// <summary>The merchant order number of the payment to refund; give this or <see cref="PaymentId"/>.</summary>
    public string? MerchantOrderNo { get; init; }

    /// <summary>The merchant's own refund number, unique per app.</summary>
    public required string MerchantRefundNo { get; init; }

    /// <summary>The amount to refund in minor units (at most what is left of the payment).</summary>
    public required long Amount { get; init; }

    /// <summary>The currency, as paid.</summary>
    public required string Currency { get; init; }

    /// <summary>Why, for the payer and the records.</summary>
    public string? Reason { get; init; }

    /// <summary>Who bears the refund: <c>platform</c> or <c>merchant</c> (see <see cref="RefundBearer"/>).</summary>
    public string Bearer { get; init; } = RefundBearer.Merchant;

    /// <summary><c>pre_delivery</c> or <c>post_delivery</c> (see <see cref="RefundStage"/>).</summary>
    public string Stage { get; init; } = RefundStage.PreDelivery;
}

/// <summary>Who bears a refund.</summary>
public static class RefundBearer
{
    /// <summary>The platform bears it.</summary>
    public const string Platform = "platform";

    /// <summary>The merchant bears it.</summary>
    public const string Merchant = "merchant";
}

/// <summary>When in the order's life a refund is asked for.</summary>
public static class RefundStage
{
    /// <summary>Before the goods were delivered.</summary>
    public const string PreDelivery = "pre_delivery";

    /// <summary>After the goods were delivered.</summary>
    public const string PostDelivery = "post_delivery";
}

/// <summary>Where a refund the original route could not take was paid back to.</summary>
/// <param name="WithdrawalId">The withdrawal that pays it back.</param>
/// <param name="PayeeType"><c>bank_account</c> or <c>wallet</c>.</param>
/// <param name="PayeeAccount">The payee's account, masked.</param>
public sealed record PayBack(string? WithdrawalId, string? PayeeType, string? PayeeAccount);

/// <summary>A refund as the merchant API shows it.</summary>
public sealed record Refund
{
    /// <summary>
    /// The order's version when a webhook event was sent (in events only, null in API answers): of two events of one
    /// order, the one with the higher version is the later state.
    /// </summary>
    public int? Version { get; init; }

    /// <summary>The gateway's id of the refund (<c>rfd_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The refunded payment's id.</summary>
    public required string PaymentId { get; init; }

    /// <summary>The refunded payment's merchant order number.</summary>
    public string MerchantOrderNo { get; init; } = "";

    /// <summary>The merchant's refund number.</summary>
    public required string MerchantRefundNo { get; init; }

    /// <summary>The amount in minor units.</summary>
    public long Amount { get; init; }

    /// <summary>The ISO 4217 currency code.</summary>
    public required string Currency { get; init; }

    /// <summary>Why, as given.</summary>
    public string? Reason { get; init; }

    /// <summary>Who bears it.</summary>
    public string Bearer { get; init; } = "";

    /// <summary>Before or after delivery.</summary>
    public string Stage { get; init; } = "";

    /// <summary>
    /// <c>created</c>, <c>pending</c>, <c>succeeded</c>, <c>failed</c>, <c>exception</c>, <c>paying_back</c> or
    /// <c>closed_offline</c>.
    /// </summary>
    public required string Status { get; init; }

    /// <summary>The payment's channel.</summary>
    public string? Channel { get; init; }

    /// <summary>Why it failed, when it did.</summary>
    public Failure? Failure { get; init; }

    /// <summary>When it was asked for.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the money went back.</summary>
    public DateTimeOffset? RefundedAt { get; init; }

    /// <summary>The pay-back, when operators paid it back another way.</summary>
    public PayBack? PayBack { get; init; }

    /// <summary>The balance the amount was reserved from (<c>merchant_pending</c>, <c>merchant_available</c>, <c>platform_refund_expense</c>).</summary>
    public string? ReservedFrom { get; init; }
}
