using System.Security.Cryptography;
using System.Text;

namespace Sluice.Security;

/// <summary>
/// The signature of a merchant API request, for apps that sign (SPEC §3):
/// <c>Sluice-Request-Signature: t={unix seconds},nonce={nonce},v1={hex(HMAC-SHA256(secret, message))}</c> where the
/// message is <c>"{METHOD}\n{path with query}\n{t}\n{nonce}\n"</c> followed by the raw body bytes. The nonce is 16-64
/// characters of letters, digits, '-' or '_', used once within the window.
/// </summary>
public static class RequestSignature
{
    public const string Header = "Sluice-Request-Signature";

    public static string Sign(string secret, string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> body) =>
        $"t={unixSeconds},nonce={nonce},v1={Compute(secret, method, pathAndQuery, unixSeconds, nonce, body)}";

    public static string Compute(string secret, string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> body)
    {
        var head = Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}\n{pathAndQuery}\n{unixSeconds}\n{nonce}\n");
        var message = new byte[head.Length + body.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>Reads the header's parts; false when it is not shaped as documented.</summary>
    public static bool TryParse(string? header, out long unixSeconds, out string nonce, out string v1)
    {
        unixSeconds = 0;
        nonce = v1 = "";
        if (string.IsNullOrEmpty(header) || header.Length > 512)
        {
            return false;
        }

        bool hasT = false, hasNonce = false, hasV1 = false;
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2)
            {
                return false;
            }

            switch (kv[0].Trim())
            {
                case "t" when !hasT && long.TryParse(kv[1].Trim(), System.Globalization.NumberStyles.None, null, out var t):
                    unixSeconds = t;
                    hasT = true;
                    break;
                case "nonce" when !hasNonce && IsValidNonce(kv[1].Trim()):
                    nonce = kv[1].Trim();
                    hasNonce = true;
                    break;
                case "v1" when !hasV1 && kv[1].Trim().Length == 64:
                    v1 = kv[1].Trim().ToLowerInvariant();
                    hasV1 = true;
                    break;
                default:
                    return false;
            }
        }

        return hasT && hasNonce && hasV1;
    }

    public static bool IsValidNonce(string nonce) =>
        nonce.Length is >= 16 and <= 64 && nonce.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Whether <paramref name="v1"/> is the signature of this request (constant-time comparison).</summary>
    public static bool Matches(string secret, string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> body, string v1) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Compute(secret, method, pathAndQuery, unixSeconds, nonce, body)), Encoding.ASCII.GetBytes(v1));

    /// <summary>Whether the timestamp lies within <paramref name="window"/> of <paramref name="now"/> (any 64-bit value is safe).</summary>
    public static bool WithinWindow(long unixSeconds, DateTimeOffset now, TimeSpan window)
    {
        var nowSeconds = now.ToUnixTimeSeconds();
        var windowSeconds = (long)window.TotalSeconds;
        return unixSeconds >= nowSeconds - windowSeconds && unixSeconds <= nowSeconds + windowSeconds;
    }
}
