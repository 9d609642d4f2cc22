using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Channels.WeChatPay;

/// <summary>
/// WeChat Pay API v3 wire primitives, shared by the adapter and the simulator:
/// <list type="bullet">
/// <item>requests carry <c>Authorization: WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",signature="..",timestamp="..",serial_no=".."</c>,
/// the signature being base64 SHA256withRSA (PKCS#1 v1.5) with the merchant's key over
/// <c>METHOD\nURL path with query\ntimestamp\nnonce\nbody\n</c>;</item>
/// <item>answers and notices carry <c>Wechatpay-Timestamp/-Nonce/-Signature/-Serial</c>, the signature made with the
/// platform key over <c>timestamp\nnonce\nbody\n</c>;</item>
/// <item>notice resources are AEAD_AES_256_GCM with the APIv3 key (nonce and associated data in the clear, the 16-byte tag
/// appended to the ciphertext, all base64);</item>
/// <item>sensitive fields (a transfer payee's name) are RSA-OAEP (SHA-1, MGF1) with the platform public key.</item>
/// </list>
/// </summary>
public static class WeChatPayProtocol
{
    public const string AuthScheme = "WECHATPAY2-SHA256-RSA2048";
    public const string TimestampHeader = "Wechatpay-Timestamp";
    public const string NonceHeader = "Wechatpay-Nonce";
    public const string SignatureHeader = "Wechatpay-Signature";
    public const string SerialHeader = "Wechatpay-Serial";
    public const string SignatureTypeHeader = "Wechatpay-Signature-Type";
    public const string AeadAlgorithm = "AEAD_AES_256_GCM";
    public const int ApiV3KeyLength = 32;

    /// <summary>How far a signed timestamp may be from the receiver's clock.</summary>
    public static readonly TimeSpan TimestampTolerance = TimeSpan.FromMinutes(5);

    /// <summary>WeChat Pay's JSON: snake_case names, absent fields left out.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>China Standard Time, the offset WeChat Pay writes its RFC 3339 times in.</summary>
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    private static readonly ConcurrentDictionary<string, ConcurrentBag<RSA>> KeyPools = new(StringComparer.Ordinal);

    /// <summary>The request sign string: <c>METHOD\nURL\ntimestamp\nnonce\nbody\n</c> (a GET's body is empty).</summary>
    public static string RequestSignString(string method, string pathAndQuery, long timestamp, string nonce, string body) =>
        $"{method}\n{pathAndQuery}\n{timestamp}\n{nonce}\n{body}\n";

    /// <summary>The answer / notice sign string: <c>timestamp\nnonce\nbody\n</c>.</summary>
    public static string AnswerSignString(string timestamp, string nonce, string body) => $"{timestamp}\n{nonce}\n{body}\n";

    /// <summary>Lines each ending in <c>\n</c>, as the client-side pay parameters (JSAPI paySign, APP sign) are signed.</summary>
    public static string Lines(params string[] values)
    {
        var builder = new StringBuilder();
        foreach (var value in values)
        {
            builder.Append(value).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>Base64 SHA256withRSA (PKCS#1 v1.5) of the UTF-8 message with the private key in <paramref name="privateKeyPem"/>.</summary>
    public static string Sign(string privateKeyPem, string message) => WithKey(privateKeyPem, rsa =>
        Convert.ToBase64String(rsa.SignData(Encoding.UTF8.GetBytes(message), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)));

    /// <summary>True when the base64 signature is SHA256withRSA of the message by the key of <paramref name="publicKeyPem"/> (public key or certificate).</summary>
    public static bool Verify(string publicKeyPem, string message, string? signatureBase64)
    {
        if (string.IsNullOrEmpty(signatureBase64))
        {
            return false;
        }

        var signature = new byte[signatureBase64.Length];
        return Convert.TryFromBase64String(signatureBase64, signature, out var length)
            && WithKey(publicKeyPem, rsa => rsa.VerifyData(Encoding.UTF8.GetBytes(message), signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>The <c>Authorization</c> header value of a signed request.</summary>
    public static string Authorization(string mchid, string serialNo, long timestamp, string nonce, string signature) =>
        $"{AuthScheme} mchid=\"{mchid}\",nonce_str=\"{nonce}\",signature=\"{signature}\",timestamp=\"{timestamp}\",serial_no=\"{serialNo}\"";

    /// <summary>The signature information of an <c>Authorization</c> header (any order), or null when it is not this scheme.</summary>
    public static IReadOnlyDictionary<string, string>? ParseAuthorization(string? header)
    {
        if (header is null || !header.StartsWith(AuthScheme + " ", StringComparison.Ordinal))
        {
            return null;
        }

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header[(AuthScheme.Length + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return null;
            }

            fields[part[..eq]] = part[(eq + 1)..].Trim('"');
        }

        return fields;
    }

    /// <summary>A request or answer nonce: 32 upper-case hex characters.</summary>
    public static string NewNonce() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>True when the unix-seconds <paramref name="timestamp"/> is within five minutes of <paramref name="now"/>.</summary>
    public static bool IsFresh(string? timestamp, DateTimeOffset now) =>
        long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && Math.Abs(now.ToUnixTimeSeconds() - seconds) <= (long)TimestampTolerance.TotalSeconds;

    /// <summary>Decrypts an AEAD_AES_256_GCM resource; null when the key, nonce, associated data or tag do not match.</summary>
    public static string? DecryptResource(byte[] key, string nonce, string? associatedData, string ciphertextBase64)
    {
        byte[] sealedBytes;
        try
        {
            sealedBytes = Convert.FromBase64String(ciphertextBase64);
        }
        catch (FormatException)
        {
            return null;
        }

        const int tagLength = 16;
        if (sealedBytes.Length < tagLength || key.Length is not (16 or 24 or 32))
        {
            return null;
        }

        var plain = new byte[sealedBytes.Length - tagLength];
        try
        {
            using var aes = new AesGcm(key, tagLength);
            aes.Decrypt(Encoding.UTF8.GetBytes(nonce), sealedBytes.AsSpan(0, plain.Length), sealedBytes.AsSpan(plain.Length),
                plain, Encoding.UTF8.GetBytes(associatedData ?? ""));
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Encrypts a resource as WeChat Pay does (base64 of ciphertext followed by the 16-byte tag).</summary>
    public static string EncryptResource(byte[] key, string nonce, string associatedData, string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[plain.Length + 16];
        using var aes = new AesGcm(key, 16);
        aes.Encrypt(Encoding.UTF8.GetBytes(nonce), plain, output.AsSpan(0, plain.Length), output.AsSpan(plain.Length), Encoding.UTF8.GetBytes(associatedData));
        return Convert.ToBase64String(output);
    }

    /// <summary>RSA-OAEP (SHA-1) with the platform public key, base64: how sensitive fields such as a payee's name travel.</summary>
    public static string EncryptSensitive(string platformPublicKeyPem, string plaintext) => WithKey(platformPublicKeyPem, rsa =>
        Convert.ToBase64String(rsa.Encrypt(Encoding.UTF8.GetBytes(plaintext), RSAEncryptionPadding.OaepSHA1)));

    public static string? DecryptSensitive(string privateKeyPem, string ciphertextBase64)
    {
        try
        {
            return WithKey(privateKeyPem, rsa => Encoding.UTF8.GetString(rsa.Decrypt(Convert.FromBase64String(ciphertextBase64), RSAEncryptionPadding.OaepSHA1)));
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs <paramref name="use"/> with an RSA key parsed from the PEM (PKCS#8 / PKCS#1 private key, SPKI public key or
    /// X.509 certificate). Parsed keys are pooled per PEM and lent to one caller at a time, so an RSA instance (not
    /// documented as thread-safe) is never used by two threads at once, and a key is parsed once per concurrent user.
    /// </summary>
    public static T WithKey<T>(string pem, Func<RSA, T> use)
    {
        var pool = KeyPools.GetOrAdd(pem, static _ => new ConcurrentBag<RSA>());
        if (!pool.TryTake(out var rsa))
        {
            rsa = Parse(pem);
        }

        try
        {
            return use(rsa);
        }
        finally
        {
            pool.Add(rsa);
        }
    }

    private static RSA Parse(string pem)
    {
        if (pem.Contains("BEGIN CERTIFICATE", StringComparison.Ordinal))
        {
            using var certificate = X509Certificate2.CreateFromPem(pem);
            return certificate.GetRSAPublicKey() ?? throw new CryptographicException("The certificate has no RSA key.");
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(pem);
        return rsa;
    }

    /// <summary>The serial number of an X.509 certificate PEM, as WeChat Pay names platform certificates (upper-case hex).</summary>
    public static string CertificateSerial(string certificatePem)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        return certificate.SerialNumber;
    }

    /// <summary>An RFC 3339 time at +08:00, as WeChat Pay writes them (<c>2018-06-08T10:34:56+08:00</c>).</summary>
    public static string Rfc3339(DateTimeOffset at) =>
        at.ToOffset(ChinaOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Fen as the yuan amount WeChat Pay's bills print (<c>25.99</c>), exactly.</summary>
    public static string Yuan(long fen) =>
        (fen < 0 ? "-" : "") + (Math.Abs(fen) / 100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + (Math.Abs(fen) % 100).ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
}
