using Sluice.Channels;

namespace Sluice.Payments;

/// <summary>A merchant's request to collect money from a payer through one channel account.</summary>
public sealed class PaymentOrder : ChannelOrder<PaymentStatus>, IRoutedOrder
{
    public required string MerchantOrderNo { get; init; }
    public required string Subject { get; init; }
    public required string PaymentMethod { get; init; }
    public string? ReturnUrl { get; init; }
    public string? ClientIp { get; init; }
    public string? MetadataJson { get; init; }

    public string? ChannelCode { get; set; }
    public string? ChannelAccountId { get; set; }
    public string? ChannelTradeNo { get; set; }

    /// <summary>Where the payer goes next (cashier URL, QR code content), as the channel answered.</summary>
    public string? PayUrl { get; set; }

    /// <summary>How to use <see cref="PayUrl"/>: redirect, qr_code or sdk_params.</summary>
    public string? PayActionType { get; set; }

    /// <summary>
    /// The sum of this payment's refunds that have not failed (reserved when a refund is created, released when it fails).
    /// Changed only by a conditional UPDATE that keeps it within <see cref="Amount"/>.
    /// </summary>
    public long RefundedAmount { get; set; }

    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? PaidAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
}
