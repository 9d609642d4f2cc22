using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sluice.Client;

/// <summary>
/// Checks a webhook the gateway sent: <c>Sluice-Signature: t={unix seconds},v1={hex(HMAC-SHA256(secret, "{t}.{raw body}"))}</c>,
/// compared in constant time, with the timestamp within a tolerance window of now; then reads the event. Verify the raw
/// body bytes exactly as received, before any parsing.
/// </summary>
public sealed class WebhookVerifier
{
    /// <summary>The header the signature travels in.</summary>
    public const string SignatureHeader = "Sluice-Signature";

    /// <summary>The default tolerance: a webhook signed more than 5 minutes from now is refused.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private readonly byte[] _secret;
    private readonly TimeSpan _tolerance;
    private readonly TimeProvider _clock;

    /// <summary>Creates a verifier for one app's webhook secret.</summary>
    /// <param name="webhookSecret">The app's webhook secret (shown once when the app was created).</param>
    /// <param name="tolerance">How far the signed timestamp may be from now; <see cref="DefaultTolerance"/> when null.</param>
    /// <param name="clock">The clock "now" is read from; <see cref="TimeProvider.System"/> when null.</param>
    public WebhookVerifier(string webhookSecret, TimeSpan? tolerance = null, TimeProvider? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(webhookSecret);
        _secret = Encoding.UTF8.GetBytes(webhookSecret);
        _tolerance = tolerance ?? DefaultTolerance;
        if (_tolerance < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), "The tolerance must not be negative.");
        }

        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Whether the signature is valid for this body now (no exception, no parsing of the body).</summary>
    /// <param name="signatureHeader">The <see cref="SignatureHeader"/> value as received.</param>
    /// <param name="body">The raw body bytes as received.</param>
    /// <returns>True when the signature verifies within the tolerance window.</returns>
    public bool IsValid(string? signatureHeader, ReadOnlySpan<byte> body) => Check(signatureHeader, body) is null;

    /// <summary>Verifies the signature and reads the event.</summary>
    /// <param name="signatureHeader">The <see cref="SignatureHeader"/> value as received.</param>
    /// <param name="body">The raw body bytes as received.</param>
    /// <returns>The event.</returns>
    /// <exception cref="WebhookVerificationException">The signature is missing, malformed, outside the window or wrong, or the body is no event.</exception>
    public SluiceEvent Verify(string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (Check(signatureHeader, body) is { } failure)
        {
            throw new WebhookVerificationException(failure);
        }

        try
        {
            return JsonSerializer.Deserialize<SluiceEvent>(body, SluiceJson.Options) is { Id.Length: > 0, Type.Length: > 0 } evt
                ? evt
                : throw new WebhookVerificationException(WebhookVerificationFailure.MalformedBody);
        }
        catch (JsonException e)
        {
            throw new WebhookVerificationException(WebhookVerificationFailure.MalformedBody, e);
        }
    }

    private WebhookVerificationFailure? Check(string? header, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return WebhookVerificationFailure.MissingSignature;
        }

        long? timestamp = null;
        var candidates = new List<string>(1);
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2)
            {
                return WebhookVerificationFailure.MalformedSignature;
            }

            var (name, value) = (kv[0].Trim(), kv[1].Trim());
            if (name == "t")
            {
                if (timestamp is not null || !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
                {
                    return WebhookVerificationFailure.MalformedSignature;
                }

                timestamp = t;
            }
            else if (name == "v1")
            {
                candidates.Add(value);
            }
        }

        if (timestamp is not { } signedAt || candidates.Count == 0)
        {
            return WebhookVerificationFailure.MalformedSignature;
        }

        // Compared in seconds, so any 64-bit timestamp is a plain "outside the window".
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        var window = (long)_tolerance.TotalSeconds;
        if (signedAt < now - window || signedAt > now + window)
        {
            return WebhookVerificationFailure.TimestampOutsideTolerance;
        }

        var prefix = Encoding.UTF8.GetBytes(signedAt.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(_secret, message)));
        var matched = false;
        foreach (var candidate in candidates)
        {
            // Every candidate is compared, in constant time, so timing shows neither which one nor how much matched.
            matched |= CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(candidate.ToLowerInvariant()));
        }

        return matched ? null : WebhookVerificationFailure.SignatureMismatch;
    }
}

/// <summary>Why a webhook was refused.</summary>
public enum WebhookVerificationFailure
{
    /// <summary>No <c>Sluice-Signature</c> header.</summary>
    MissingSignature,

    /// <summary>The header is not <c>t=…,v1=…</c>.</summary>
    MalformedSignature,

    /// <summary>The signed timestamp is outside the tolerance window (a replay or a wrong clock).</summary>
    TimestampOutsideTolerance,

    /// <summary>The signature does not match the body with this secret (a tampered body or another secret).</summary>
    SignatureMismatch,

    /// <summary>The signature is valid but the body is not an event.</summary>
    MalformedBody,
}

/// <summary>A webhook did not verify; answer it with 400 and do not act on it.</summary>
public sealed class WebhookVerificationException : Exception
{
    /// <summary>Creates the exception for one failure.</summary>
    /// <param name="failure">Why the webhook was refused.</param>
    /// <param name="innerException">The cause, when there is one.</param>
    public WebhookVerificationException(WebhookVerificationFailure failure, Exception? innerException = null)
        : base($"The webhook did not verify: {failure}.", innerException)
    {
        Failure = failure;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public WebhookVerificationException() : this(WebhookVerificationFailure.MalformedSignature)
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    /// <param name="message">What went wrong.</param>
    public WebhookVerificationException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public WebhookVerificationException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Why the webhook was refused.</summary>
    public WebhookVerificationFailure Failure { get; }
}
