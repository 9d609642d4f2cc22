namespace Sluice.Sandbox;

/// <summary>
/// The sandbox channel's own ledger of what merchants asked it to do: the state an upstream institution keeps on
/// its side. It is separate from Sluice's orders on purpose, as a real channel's books are.
/// </summary>
public sealed class SandboxTransaction
{
    public required string TradeNo { get; init; }

    /// <summary>payment, refund or payout.</summary>
    public required string Kind { get; init; }

    /// <summary>The sandbox merchant number (the channel account's <c>merchant_no</c> credential).</summary>
    public required string MerchantNo { get; init; }

    /// <summary>The caller's reference: Sluice's payment, refund or withdrawal id.</summary>
    public required string OutTradeNo { get; init; }

    /// <summary>For a refund: the original payment's trade number.</summary>
    public string? OriginalTradeNo { get; init; }

    public required long Amount { get; init; }
    public required string Currency { get; init; }
    public string? Subject { get; init; }
    public string? NotifyUrl { get; init; }
    public string? ReturnUrl { get; init; }

    /// <summary>WAIT_PAY, SUCCESS, CLOSED, FAILED, PROCESSING.</summary>
    public required string Status { get; set; }

    public string? FailCode { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }
}
