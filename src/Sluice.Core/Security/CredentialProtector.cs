using System.Security.Cryptography;
using System.Text;

namespace Sluice.Security;

/// <summary>
/// Encrypts secrets at rest (channel credentials, webhook secrets) with AES-256-GCM under a master key that lives in
/// configuration, never in the database. Ciphertext format: <c>v1.{nonce}.{tag}.{ciphertext}</c> in base64url.
/// </summary>
public sealed class CredentialProtector
{
    private const string Version = "v1";
    private readonly byte[] _key;

    public CredentialProtector(byte[] masterKey)
    {
        if (masterKey.Length != 32)
        {
            throw new ArgumentException("The master key must be 32 bytes (256 bits).", nameof(masterKey));
        }

        _key = masterKey;
    }

    public string Protect(string plaintext)
    {
        var data = Encoding.UTF8.GetBytes(plaintext);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var cipher = new byte[data.Length];
        using var aes = new AesGcm(_key, tag.Length);
        aes.Encrypt(nonce, data, cipher, tag, Encoding.ASCII.GetBytes(Version));
        return string.Join('.', Version, B64(nonce), B64(tag), B64(cipher));
    }

    public string Unprotect(string protectedText)
    {
        var parts = protectedText.Split('.');
        if (parts.Length != 4 || parts[0] != Version)
        {
            throw new CryptographicException("Unrecognised protected value.");
        }

        var nonce = Unb64(parts[1]);
        var tag = Unb64(parts[2]);
        var cipher = Unb64(parts[3]);
        var plain = new byte[cipher.Length];
        using var aes = new AesGcm(_key, tag.Length);
        aes.Decrypt(nonce, cipher, tag, plain, Encoding.ASCII.GetBytes(Version));
        return Encoding.UTF8.GetString(plain);
    }

    private static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Unb64(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
