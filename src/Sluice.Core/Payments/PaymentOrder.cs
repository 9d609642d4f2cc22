using Sluice.Channels;

namespace Sluice.Payments;

/// <summary>A merchant's request to collect money from a payer through one channel account.</summary>
public sealed class PaymentOrder : IChannelAnswered
{
    public required string Id { get; init; }
    public required string AppId { get; init; }
    public required string MerchantId { get; init; }
    public required string MerchantOrderNo { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public required string Subject { get; init; }
    public required string PaymentMethod { get; init; }
    public string? NotifyUrl { get; init; }
    public string? ReturnUrl { get; init; }
    public string? ClientIp { get; init; }
    public string? MetadataJson { get; init; }

    public PaymentStatus Status { get; set; }

    /// <summary>Incremented by every state change; part of each compare-and-set.</summary>
    public int Version { get; set; }

    public string? ChannelCode { get; set; }
    public string? ChannelAccountId { get; set; }
    public string? ChannelTradeNo { get; set; }

    /// <summary>Where the payer goes next (cashier URL, QR code content), as the channel answered.</summary>
    public string? PayUrl { get; set; }

    /// <summary>How to use <see cref="PayUrl"/>: redirect, qr_code or sdk_params.</summary>
    public string? PayActionType { get; set; }

    /// <summary>The last outcome the channel reported (succeeded, failed, pending, unknown).</summary>
    public string? LastChannelOutcome { get; set; }

    public string? RawCode { get; set; }
    public string? RawSubCode { get; set; }
    public string? RawMessage { get; set; }
    /// <summary>The unified code the channel's last answer resolved to (see the result-code map).</summary>
    public string? ResultCode { get; set; }

    /// <summary>The unified code merchants see when the payment failed.</summary>
    public string? FailureCode { get; set; }

    /// <summary>The failure's message in English; <see cref="FailureMessageZh"/> in Simplified Chinese.</summary>
    public string? FailureMessage { get; set; }

    public string? FailureMessageZh { get; set; }

    /// <summary>
    /// The sum of this payment's refunds that have not failed (reserved when a refund is created, released when it fails).
    /// Changed only by a conditional UPDATE that keeps it within <see cref="Amount"/>.
    /// </summary>
    public long RefundedAmount { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}
