namespace Sluice.Client;

/// <summary>What to ask for in <see cref="SluiceClient.CreatePaymentAsync"/> (<c>POST /v1/payments</c>).</summary>
public sealed record CreatePaymentRequest
{
    /// <summary>The merchant's own order number, unique per app (1-64 letters, digits, <c>-</c> or <c>_</c>).</summary>
    public required string MerchantOrderNo { get; init; }

    /// <summary>The amount in minor units of <see cref="Currency"/> (2599 = 25.99 CNY).</summary>
    public required long Amount { get; init; }

    /// <summary>The ISO 4217 currency code, e.g. <c>CNY</c>.</summary>
    public required string Currency { get; init; }

    /// <summary>What is being paid for, shown to the payer.</summary>
    public required string Subject { get; init; }

    /// <summary>The payment method, e.g. <c>alipay_qr</c>, <c>wechat_native</c>.</summary>
    public required string PaymentMethod { get; init; }

    /// <summary>Where this payment's webhooks go instead of the app's notify URL.</summary>
    public Uri? NotifyUrl { get; init; }

    /// <summary>Where the payer's browser returns after paying.</summary>
    public Uri? ReturnUrl { get; init; }

    /// <summary>The payer's IP address, when the channel wants it.</summary>
    public string? ClientIp { get; init; }

    /// <summary>How long the payment may stay unpaid before the gateway closes it.</summary>
    public int? ExpiresInSeconds { get; init; }

    /// <summary>The merchant's own key-value data, returned with the payment and in its webhooks.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>The environment the payer pays in (e.g. <c>pc_web</c>), for routing.</summary>
    public string? PaymentEnvironment { get; init; }

    /// <summary>The channel product code, for routing.</summary>
    public string? ProductCode { get; init; }

    /// <summary>The payer's bank, for bank-card methods.</summary>
    public string? BankCode { get; init; }

    /// <summary>The card type (<c>debit</c> or <c>credit</c>), for bank-card methods.</summary>
    public string? CardType { get; init; }

    /// <summary>The buyer's id, matched against routing whitelists.</summary>
    public string? BuyerId { get; init; }

    /// <summary>The seller's id, matched against routing whitelists.</summary>
    public string? SellerId { get; init; }

    /// <summary>A card number, matched against routing whitelists by its fingerprint only (never stored).</summary>
    public string? CardNumber { get; init; }
}

/// <summary>How the payer pays: a cashier page, a QR code, an app parameter string.</summary>
/// <param name="Type">The kind of action, e.g. <c>redirect</c> or <c>qr_code</c>.</param>
/// <param name="Value">The URL or code to present to the payer.</param>
public sealed record PayAction(string Type, string Value);

/// <summary>Why an order failed: a unified code and a message for people.</summary>
/// <param name="Code">The unified result code, e.g. <c>payment_declined</c>.</param>
/// <param name="Message">A message in English, or in Simplified Chinese when the client asks for it.</param>
public sealed record Failure(string Code, string Message);

/// <summary>A payment as the merchant API shows it.</summary>
public sealed record Payment
{
    /// <summary>
    /// The order's version when a webhook event was sent (in events only, null in API answers): of two events of one
    /// order, the one with the higher version is the later state.
    /// </summary>
    public int? Version { get; init; }

    /// <summary>The gateway's id of the payment (<c>pay_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The merchant's order number.</summary>
    public required string MerchantOrderNo { get; init; }

    /// <summary>The amount in minor units.</summary>
    public long Amount { get; init; }

    /// <summary>The ISO 4217 currency code.</summary>
    public required string Currency { get; init; }

    /// <summary>What is being paid for.</summary>
    public string Subject { get; init; } = "";

    /// <summary>The payment method.</summary>
    public string PaymentMethod { get; init; } = "";

    /// <summary><c>created</c>, <c>pending</c>, <c>succeeded</c>, <c>failed</c> or <c>closed</c> (see <see cref="PaymentStatus"/>).</summary>
    public required string Status { get; init; }

    /// <summary>The channel the payment was routed to.</summary>
    public string? Channel { get; init; }

    /// <summary>How the payer pays, while the payment is open.</summary>
    public PayAction? PayAction { get; init; }

    /// <summary>Why it failed, when it did.</summary>
    public Failure? Failure { get; init; }

    /// <summary>The merchant's own data given at creation.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }

    /// <summary>When the payment was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When an unpaid payment is closed.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>When it was paid.</summary>
    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>When it was closed.</summary>
    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>Whether the status is final (<c>succeeded</c>, <c>failed</c> or <c>closed</c>).</summary>
    public bool IsTerminal => Status is PaymentStatus.Succeeded or PaymentStatus.Failed or PaymentStatus.Closed;
}

/// <summary>The statuses of a payment.</summary>
public static class PaymentStatus
{
    /// <summary>Stored, the channel not asked yet.</summary>
    public const string Created = "created";

    /// <summary>The channel took the order; the payer has not paid yet.</summary>
    public const string Pending = "pending";

    /// <summary>Paid (final).</summary>
    public const string Succeeded = "succeeded";

    /// <summary>Failed (final).</summary>
    public const string Failed = "failed";

    /// <summary>Closed unpaid (final).</summary>
    public const string Closed = "closed";
}
