namespace Sluice.Merchants;

/// <summary>
/// An integration of a merchant (a shop, a mini-program). It holds the API keys, the default webhook URL and the
/// webhook signing secret (encrypted at rest).
/// </summary>
public sealed class MerchantApp
{
    public required string Id { get; init; }
    public required string MerchantId { get; init; }
    public required string Name { get; set; }
    public string? NotifyUrl { get; set; }

    /// <summary>The HMAC-SHA256 key for webhook signatures, encrypted with the credential protector.</summary>
    public required string WebhookSecretCiphertext { get; set; }

    /// <summary>
    /// The HMAC-SHA256 key merchant requests are signed with, encrypted with the credential protector; null while the
    /// app does not sign. Once set, every merchant API request of the app must be signed (<c>RequestSignature</c>).
    /// </summary>
    public string? RequestSigningSecretCiphertext { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A nonce of a signed merchant request, kept until the signature window has passed so a replay is refused on every node.</summary>
public sealed class RequestNonce
{
    public required string AppId { get; init; }
    public required string Nonce { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>A secret API key of an app. Only its SHA-256 hash is stored; the prefix finds the row.</summary>
public sealed class AppApiKey
{
    public required string Id { get; init; }
    public required string AppId { get; init; }

    /// <summary>The public part of the key (<c>sk_live_XXXXXXXX</c>), shown in listings and used to find the row.</summary>
    public required string Prefix { get; init; }

    public required byte[] SecretHash { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; set; }
}
