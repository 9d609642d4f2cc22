namespace Sluice.Channels;

/// <summary>
/// The credentials a merchant (direct mode) or a service provider (partner mode, with a sub-merchant id) holds at a
/// channel. Credentials are a JSON object encrypted at rest and never returned by any API.
/// </summary>
public sealed class ChannelAccount
{
    public required string Id { get; init; }
    public required string ChannelCode { get; init; }
    public required string Protocol { get; init; }

    /// <summary>The merchant that owns this account in direct mode, or that uses it as a sub-merchant in partner mode.</summary>
    public required string MerchantId { get; init; }

    public string? ServiceProviderId { get; init; }
    public string? SubMerchantId { get; init; }

    /// <summary>Comma-separated payment methods this account can take, for example <c>alipay_qr,wechat_native</c>.</summary>
    public required string PaymentMethods { get; set; }

    public required string CredentialsCiphertext { get; set; }
    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; init; }

    public bool Supports(string paymentMethod) =>
        PaymentMethods.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Contains(paymentMethod, StringComparer.Ordinal);
}

/// <summary>Every callback a channel sent, verified or not, as received: the audit trail of auto-notify.</summary>
public sealed class ChannelCallbackLog
{
    public long Id { get; init; }
    public required string ChannelAccountId { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required bool Verified { get; init; }
    public string? RejectionReason { get; init; }
    public string? OrderId { get; init; }
    public string? NoticeId { get; init; }
    public string? Outcome { get; set; }

    /// <summary>What the notice did: applied, duplicate, ignored_terminal, amount_mismatch, unknown_order, rejected.</summary>
    public required string Effect { get; set; }

    public required string Body { get; init; }
}
