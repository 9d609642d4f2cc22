using Sluice.Payments;
using Sluice.Server.Api;

namespace Sluice.Server.Payments;

/// <summary>Body of <c>POST /v1/payments</c>. Every field is nullable so a missing one gets a precise error.</summary>
public sealed record CreatePaymentRequest(
    string? MerchantOrderNo,
    long? Amount,
    string? Currency,
    string? Subject,
    string? PaymentMethod,
    string? NotifyUrl = null,
    string? ReturnUrl = null,
    string? ClientIp = null,
    int? ExpiresInSeconds = null,
    Dictionary<string, string>? Metadata = null,
    string? PaymentEnvironment = null,
    string? ProductCode = null,
    string? BankCode = null,
    string? CardType = null,
    string? BuyerId = null,
    string? SellerId = null,
    string? CardNumber = null)
{
    /// <summary>
    /// The request as it may be hashed or kept (idempotency): the card number, used only to match routing whitelists by
    /// its keyed fingerprint, is replaced by that fingerprint and never stored or logged.
    /// </summary>
    public CreatePaymentRequest WithoutCardNumber(Sluice.Security.CardFingerprints cards) =>
        CardNumber is null ? this : this with { CardNumber = cards.Of(CardNumber) ?? "invalid" };
}

public sealed record PayActionView(string Type, string Value);

/// <summary>Why a payment failed: a unified code and a message for people (English unless the request prefers Chinese).</summary>
public sealed record FailureView(string Code, string Message)
{
    /// <summary>The message in Simplified Chinese, swapped in by <see cref="PaymentView.Localized"/>; never serialised itself.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? MessageZh { get; init; }
}

/// <summary>A payment as merchants see it: unified codes only, never a channel's raw codes.</summary>
public record PaymentView(
    string Id,
    string Object,
    string MerchantOrderNo,
    long Amount,
    string Currency,
    string Subject,
    string PaymentMethod,
    string Status,
    string? Channel,
    PayActionView? PayAction,
    FailureView? Failure,
    Dictionary<string, string>? Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? PaidAt,
    DateTimeOffset? ClosedAt)
{
    public static PaymentView From(PaymentOrder o) => new(
        o.Id,
        "payment",
        o.MerchantOrderNo,
        o.Amount,
        o.Currency,
        o.Subject,
        o.PaymentMethod,
        PaymentStateMachine.WireName(o.Status),
        o.ChannelCode,
        o.PayUrl is null || PaymentStateMachine.IsTerminal(o.Status) ? null : new PayActionView(o.PayActionType ?? "redirect", o.PayUrl),
        o.FailureCode is null ? null : new FailureView(o.FailureCode, o.FailureMessage ?? o.FailureCode) { MessageZh = o.FailureMessageZh },
        o.MetadataJson is null ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(o.MetadataJson),
        Ms(o.CreatedAt),
        Ms(o.ExpiresAt),
        o.PaidAt is { } paid ? Ms(paid) : null,
        o.ClosedAt is { } closed ? Ms(closed) : null)
    {
        RefundedAmount = o.RefundedAmount,
    };

    /// <summary>What its refunds that have not failed take of the amount (minor units); the refunds: <c>GET /v1/refunds?payment_id=</c>.</summary>
    public long RefundedAmount { get; init; }

    /// <summary>This view with the failure message in Simplified Chinese when <paramref name="chinese"/> and the order has one.</summary>
    public PaymentView Localized(bool chinese) =>
        chinese && Failure is { MessageZh: { } zh } failure ? this with { Failure = failure with { Message = zh } } : this;

    /// <summary>Instants go out in whole milliseconds UTC, identical on every provider and before or after a reload.</summary>
    private static DateTimeOffset Ms(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
}

/// <summary>An operator's view of a payment: the merchant view plus raw channel codes and the timeline.</summary>
public sealed record AdminPaymentView(
    PaymentView Payment,
    string AppId,
    string MerchantId,
    string? ChannelAccountId,
    string? ChannelTradeNo,
    string? LastChannelOutcome,
    string? RawCode,
    string? RawSubCode,
    string? RawMessage,
    string? UnifiedCode,
    IReadOnlyList<OrderEventView> Events)
{
    /// <summary>
    /// Why the payment needs an operator's eye while it is open: the last reported success that was not believed (its
    /// amount missing, unreadable or another than the order's). Null once the payment is settled or when none was.
    /// </summary>
    public string? Attention { get; init; }
}

