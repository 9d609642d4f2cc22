using System.Security.Cryptography;
using System.Text;

namespace Sluice.Security;

/// <summary>
/// Keyed fingerprints of card numbers (HMAC-SHA256 under a key derived from the master key), so routing can match a
/// card against a whitelist without Sluice ever storing or logging the number. Without the master key a fingerprint
/// cannot be tested against guessed card numbers, which a plain hash of a 16-digit number could.
/// </summary>
public sealed class CardFingerprints(byte[] masterKey)
{
    public const string Prefix = "cfp_";

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: Encoding.ASCII.GetBytes("sluice-card-fingerprint-v1"));

    /// <summary>True for 12 to 19 digits (spaces and dashes allowed between groups) passing the Luhn check.</summary>
    public static bool IsCardNumber(string? value) => Normalise(value) is { } digits && LuhnValid(digits);

    /// <summary>The fingerprint of a card number; null when it is not one.</summary>
    public string? Of(string? cardNumber)
    {
        if (Normalise(cardNumber) is not { } digits || !LuhnValid(digits))
        {
            return null;
        }

        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(digits), mac);
        return Prefix + Convert.ToHexStringLower(mac);
    }

    private static string? Normalise(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var digits = new StringBuilder(19);
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-'))
            {
                return null;
            }
        }

        return digits.Length is >= 12 and <= 19 ? digits.ToString() : null;
    }

    private static bool LuhnValid(string digits)
    {
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                d -= d > 9 ? 9 : 0;
            }

            sum += d;
        }

        return sum % 10 == 0;
    }
}
