using System.Security.Cryptography;
using System.Text;

namespace Sluice.Security;

/// <summary>
/// Secret API keys look like <c>sk_live_AB12CD34_&lt;43 random chars&gt;</c>. The part before the last underscore is a
/// public prefix that finds the row; only SHA-256 of the whole key is stored (the key has 256 random bits, so a
/// fast hash is not brute-forceable).
/// </summary>
public static class ApiKeys
{
    public sealed record NewApiKey(string Plaintext, string Prefix, byte[] Hash);

    public static NewApiKey Create(string environment)
    {
        var prefix = $"sk_{environment}_{RandomToken(8)}";
        var plaintext = $"{prefix}_{RandomToken(43)}";
        return new NewApiKey(plaintext, prefix, Hash(plaintext));
    }

    public static byte[] Hash(string plaintext) => SHA256.HashData(Encoding.UTF8.GetBytes(plaintext));

    /// <summary>Splits a presented key into its prefix, or null when it is not shaped like a Sluice key.</summary>
    public static string? PrefixOf(string presented)
    {
        if (presented.Length is < 20 or > 120 || !presented.StartsWith("sk_", StringComparison.Ordinal))
        {
            return null;
        }

        var last = presented.LastIndexOf('_');
        return last > 3 ? presented[..last] : null;
    }

    public static bool Matches(string presented, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(Hash(presented), storedHash);

    public static string RandomToken(int length)
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
