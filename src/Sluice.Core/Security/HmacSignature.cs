using System.Security.Cryptography;
using System.Text;

namespace Sluice.Security;

/// <summary>
/// The timestamped HMAC-SHA256 signature used for Sluice's webhooks and the sandbox channel:
/// <c>t={unix seconds},v1={hex(HMAC-SHA256(secret, "{t}.{raw body}"))}</c>.
/// </summary>
public static class HmacSignature
{
    public static string Sign(string secret, long unixSeconds, ReadOnlySpan<byte> body) =>
        $"t={unixSeconds},v1={Compute(secret, unixSeconds, body)}";

    public static string Compute(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{unixSeconds}.");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>Verifies a header against the body and a tolerance window around <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? header, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        long? timestamp = null;
        string? v1 = null;
        foreach (var part in header.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2)
            {
                continue;
            }

            if (kv[0].Trim() == "t" && long.TryParse(kv[1].Trim(), out var t))
            {
                timestamp = t;
            }
            else if (kv[0].Trim() == "v1")
            {
                v1 = kv[1].Trim();
            }
        }

        if (timestamp is null || v1 is null)
        {
            return false;
        }

        // Compared in seconds, so any 64-bit timestamp is a plain "outside the window", never an exception.
        if (!RequestSignature.WithinWindow(timestamp.Value, now, tolerance))
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, timestamp.Value, body));
        var presented = Encoding.ASCII.GetBytes(v1.ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }
}
