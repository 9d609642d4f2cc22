using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Sluice.Channels.Alipay;

/// <summary>
/// Alipay's RSA2 signatures (SHA256withRSA, PKCS#1 v1.5, base64) as its SDKs compute them:
/// a request is signed over every non-empty parameter except <c>sign</c>, sorted by key (ordinal, i.e. ASCII), joined
/// as <c>k=v</c> with <c>&amp;</c>, values not URL-encoded (the SDKs' <c>getSignContent</c>); an answer's signature covers
/// the raw JSON text of its <c>{method}_response</c> (or <c>error_response</c>) node exactly as it appears in the body;
/// a notice is verified over <b>every</b> decoded parameter except <c>sign</c> and <c>sign_type</c>, empty values kept
/// (<c>rsaCheckV1</c>'s <c>getSignCheckContentV1</c>: a notice's <c>passback_params=</c> is part of what Alipay signed).
/// </summary>
public static class AlipaySignature
{
    /// <summary>The string a request is signed over: every non-empty parameter but <c>sign</c>, sorted, <c>k=v&amp;...</c>.</summary>
    public static string RequestSignContent(IEnumerable<KeyValuePair<string, string>> parameters) =>
        SignContent(parameters.Where(static p => p.Key != "sign" && !string.IsNullOrEmpty(p.Key) && !string.IsNullOrEmpty(p.Value)));

    /// <summary>The string a notice is verified over: every parameter but <c>sign</c> and <c>sign_type</c>, empty values kept.</summary>
    public static string NoticeSignContent(IEnumerable<KeyValuePair<string, string>> parameters) =>
        SignContent(parameters.Where(static p => p.Key is not ("sign" or "sign_type")));

    private static string SignContent(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var content = new StringBuilder();
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (content.Length > 0)
            {
                content.Append('&');
            }

            content.Append(key).Append('=').Append(value);
        }

        return content.ToString();
    }

    /// <summary>The base64 RSA2 signature of <paramref name="content"/> (UTF-8) with the merchant's private key.</summary>
    public static string Sign(string content, string privateKey)
    {
        using var rsa = LoadPrivateKey(privateKey);
        return Convert.ToBase64String(rsa.SignData(Encoding.UTF8.GetBytes(content), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>True when <paramref name="signature"/> is a valid RSA2 signature of <paramref name="content"/>; never throws.</summary>
    public static bool Verify(ReadOnlySpan<byte> content, string? signature, string publicKey)
    {
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        try
        {
            var signatureBytes = Convert.FromBase64String(signature);
            using var rsa = LoadPublicKey(publicKey);
            return rsa.VerifyData(content, signatureBytes, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    public static bool Verify(string content, string? signature, string publicKey) =>
        Verify(Encoding.UTF8.GetBytes(content), signature, publicKey);

    /// <summary>
    /// Verifies an answer the way the SDKs do: the signature (top-level <c>sign</c>) over the raw text of the
    /// <c>{method}_response</c> node, or of <c>error_response</c> when that is the node present. Like the SDKs, a node
    /// whose text escapes slashes (<c>\/</c>) is also tried with plain slashes. Returns the verified node's name.
    /// Stricter than the SDKs in one way: they let an error answer without <c>sign</c> through unverified; here an
    /// unsigned answer is never believed (the caller treats it as unknown), so a forged decline cannot fail an order.
    /// </summary>
    public static string? VerifyAnswer(byte[] body, string method, string publicKey)
    {
        var node = AlipayProtocol.ResponseNode(method);
        var (source, sign) = SignedNode(body, node);
        if (source is null)
        {
            node = AlipayProtocol.ErrorResponseNode;
            (source, sign) = SignedNode(body, node);
        }

        if (source is null || sign is null)
        {
            return null;
        }

        if (Verify(source.Value.Span, sign, publicKey))
        {
            return node;
        }

        var text = Encoding.UTF8.GetString(source.Value.Span);
        return text.Contains("\\/", StringComparison.Ordinal) && Verify(text.Replace("\\/", "/", StringComparison.Ordinal), sign, publicKey)
            ? node
            : null;
    }

    /// <summary>The raw bytes of the top-level property <paramref name="node"/>'s value and the top-level <c>sign</c>.</summary>
    public static (ReadOnlyMemory<byte>? Source, string? Sign) SignedNode(byte[] body, string node)
    {
        ReadOnlyMemory<byte>? source = null;
        string? sign = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return (null, null);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                var start = (int)reader.TokenStartIndex;
                if (name == node && reader.TokenType == JsonTokenType.StartObject)
                {
                    reader.Skip();
                    source = body.AsMemory(start, (int)reader.BytesConsumed - start);
                }
                else if (name == "sign" && reader.TokenType == JsonTokenType.String)
                {
                    sign = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return (null, null);
        }

        return (source, sign);
    }

    /// <summary>
    /// The merchant's private key: PEM (PKCS#8 <c>PRIVATE KEY</c> or PKCS#1 <c>RSA PRIVATE KEY</c>) or the bare base64
    /// Alipay's key tool shows (PKCS#8 for Java, PKCS#1 for the other languages).
    /// </summary>
    public static RSA LoadPrivateKey(string key) =>
        LoadKey(key, static (rsa, der) => rsa.ImportPkcs8PrivateKey(der, out _), static (rsa, der) => rsa.ImportRSAPrivateKey(der, out _));

    /// <summary>Alipay's public key: PEM (<c>PUBLIC KEY</c> or <c>RSA PUBLIC KEY</c>) or the bare base64 SubjectPublicKeyInfo it shows.</summary>
    public static RSA LoadPublicKey(string key) =>
        LoadKey(key, static (rsa, der) => rsa.ImportSubjectPublicKeyInfo(der, out _), static (rsa, der) => rsa.ImportRSAPublicKey(der, out _));

    /// <summary>A PEM key as it says it is; bare base64 DER as <paramref name="usual"/>, else as <paramref name="pkcs1"/>.</summary>
    private static RSA LoadKey(string key, Action<RSA, byte[]> usual, Action<RSA, byte[]> pkcs1)
    {
        var rsa = RSA.Create();
        try
        {
            if (key.Contains("-----BEGIN", StringComparison.Ordinal))
            {
                rsa.ImportFromPem(key);
                return rsa;
            }

            var der = Convert.FromBase64String(key.Trim());
            try
            {
                usual(rsa, der);
            }
            catch (CryptographicException)
            {
                pkcs1(rsa, der);
            }

            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }
}
