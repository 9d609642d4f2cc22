using System.Security.Cryptography;

namespace Sluice.Common;

/// <summary>
/// Makes identifiers such as <c>pay_01JD...</c>: a type prefix and a 26-character Crockford base32 body whose first
/// ten characters encode the creation time in milliseconds, so ids sort by creation time and never collide.
/// </summary>
public sealed class IdGenerator(TimeProvider clock)
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    public string Next(string prefix)
    {
        Span<char> body = stackalloc char[26];
        var ms = (ulong)clock.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 9; i >= 0; i--)
        {
            body[i] = Alphabet[(int)(ms & 31)];
            ms >>= 5;
        }

        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        for (var i = 10; i < 26; i++)
        {
            body[i] = Alphabet[random[i - 10] & 31];
        }

        return string.Concat(prefix, "_", body);
    }
}
