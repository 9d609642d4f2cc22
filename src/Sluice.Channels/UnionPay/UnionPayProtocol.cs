using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Sluice.Channels.UnionPay;

/// <summary>
/// The China UnionPay online gateway ("全渠道", ACP) wire protocol, version 5.1.0 with <c>signMethod=01</c>.
/// <list type="bullet">
/// <item>Messages are <c>application/x-www-form-urlencoded</c> key=value pairs, UTF-8 (<c>encoding=UTF-8</c>).</item>
/// <item>Sign string: every field except <c>signature</c> whose value is not empty, sorted by key (ordinal), joined as
/// <c>k=v&amp;k=v</c> with raw (not URL-encoded) values.</item>
/// <item>Signature: <c>base64(SHA256withRSA(UTF-8 bytes of lower-case hex(SHA-256(UTF-8 sign string))))</c> — the RSA
/// signature is over the hex digest text, not over the sign string itself.</item>
/// <item><c>certId</c>: the merchant signing certificate's serial number in decimal.</item>
/// <item>Answers and notices carry UnionPay's signing certificate in <c>signPubKeyCert</c> (PEM); it must chain to the
/// configured middle and root certificates and its subject CN must name 中国银联股份有限公司 before the signature is
/// checked with its key.</item>
/// </list>
/// Primitives here are shared with the simulator.
/// </summary>
public static class UnionPayProtocol
{
    public const string AcpVersion = "5.1.0";
    public const string SignMethodRsa = "01";
    public const string Charset = "UTF-8";
    public const string CurrencyCny = "156";

    /// <summary>The organisation name the subject CN of UnionPay's signing certificate must carry (third '@' part).</summary>
    public const string UnionPayOrganisation = "中国银联股份有限公司";

    public const string FrontTransPath = "gateway/api/frontTransReq.do";
    public const string BackTransPath = "gateway/api/backTransReq.do";
    public const string QueryTransPath = "gateway/api/queryTrans.do";

    /// <summary>ACP's txnType values used here.</summary>
    public static class TxnTypes
    {
        public const string Query = "00";
        public const string Consume = "01";
        public const string Refund = "04";
        public const string ConsumeUndo = "31";
    }

    /// <summary>
    /// China Standard Time (UTC+8, no daylight saving since 1991): ACP's <c>txnTime</c> is Beijing local time.
    /// A fixed offset keeps the conversion independent of the host's time-zone database.
    /// </summary>
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    public static string TxnTime(DateTimeOffset at) => at.ToOffset(BeijingOffset).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>Reads a Beijing-time <c>txnTime</c> as UTC (databases store instants in UTC).</summary>
    public static DateTimeOffset? ParseTxnTime(string? value) =>
        value is not null && DateTime.TryParseExact(value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, BeijingOffset).ToUniversalTime()
            : null;

    /// <summary>
    /// The string a message is signed and verified over, as the ACP SDK's <c>coverMap2String</c> builds it: every field
    /// except <c>signature</c>, <b>empty values kept</b> (a notice's <c>reserved=</c> is signed), sorted by key,
    /// <c>k=v</c> joined with <c>&amp;</c>. A request is signed over the same string once its blank fields are dropped
    /// (<see cref="SignInPlace"/>, as the SDK's <c>signData</c> does), so they are not sent either.
    /// </summary>
    public static string SignString(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields
            .Where(f => f.Key != "signature")
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => f.Key + "=" + f.Value));

    /// <summary>Lower-case hex SHA-256 of the sign string: the text that is RSA-signed.</summary>
    public static string Digest(IEnumerable<KeyValuePair<string, string>> fields) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(SignString(fields))));

    /// <summary>Signs the fields exactly as they are (empty values included), as UnionPay signs its answers and notices.</summary>
    public static string Sign(IEnumerable<KeyValuePair<string, string>> fields, RSA key) =>
        Convert.ToBase64String(key.SignData(System.Text.Encoding.UTF8.GetBytes(Digest(fields)), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    public static bool Verify(IReadOnlyDictionary<string, string> fields, RSA key)
    {
        if (!fields.TryGetValue("signature", out var signature) || signature.Length == 0)
        {
            return false;
        }

        Span<byte> raw = stackalloc byte[1024];
        return Convert.TryFromBase64String(signature, raw, out var length)
            && key.VerifyData(System.Text.Encoding.UTF8.GetBytes(Digest(fields)), raw[..length], HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    /// <summary>The certificate's serial number in decimal, as ACP's <c>certId</c>.</summary>
    public static string CertId(X509Certificate2 certificate) =>
        new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Signs a request in place as the SDK's <c>signData</c> does: blank fields are dropped (neither signed nor sent),
    /// then <c>certId</c> and <c>signature</c> are set.
    /// </summary>
    public static void SignInPlace(IDictionary<string, string> fields, X509Certificate2 certificate, RSA key)
    {
        DropBlanks(fields);
        fields["certId"] = CertId(certificate);
        fields.Remove("signature");
        fields["signature"] = Sign(fields, key);
    }

    /// <summary>Removes a request's blank fields, which the SDK's <c>signData</c> neither signs nor sends.</summary>
    public static void DropBlanks(IDictionary<string, string> fields)
    {
        foreach (var blank in fields.Where(f => string.IsNullOrWhiteSpace(f.Value)).Select(f => f.Key).ToList())
        {
            fields.Remove(blank);
        }
    }

    /// <summary>Form-urlencodes the fields (values percent-encoded as UTF-8), as ACP requests and answers are sent.</summary>
    public static string FormEncode(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));

    /// <summary>
    /// Parses a form-urlencoded body. UnionPay's answers are URL-encoded in 5.1.0; a value containing a raw <c>&amp;</c>
    /// or <c>=</c> would be encoded, so splitting on them is exact.
    /// </summary>
    public static Dictionary<string, string> FormDecode(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=');
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : pair[(eq + 1)..];
            fields[Unescape(key)] = Unescape(value);
        }

        return fields;
    }

    /// <summary>
    /// Parses a synchronous ACP answer (<c>backTransReq.do</c>, <c>queryTrans.do</c>): <c>k=v&amp;k=v</c> with raw,
    /// not URL-encoded values (the base64 <c>signature</c> keeps its <c>+</c> and <c>=</c>, <c>signPubKeyCert</c> its
    /// line breaks). A value in braces (<c>{a=1&amp;b=2}</c>, e.g. <c>reqReserved</c>) may hold <c>&amp;</c>.
    /// </summary>
    public static Dictionary<string, string> ParseAnswer(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var start = 0;
        var depth = 0;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i < body.Length)
            {
                var c = body[i];
                depth += c == '{' ? 1 : c == '}' && depth > 0 ? -1 : 0;
                if (c != '&' || depth > 0)
                {
                    continue;
                }
            }

            var pair = body.AsSpan(start, i - start);
            var eq = pair.IndexOf('=');
            if (eq > 0)
            {
                fields[pair[..eq].ToString()] = pair[(eq + 1)..].ToString();
            }

            start = i + 1;
        }

        return fields;
    }

    /// <summary>Writes an answer the way UnionPay does: <c>k=v</c> pairs with raw values.</summary>
    public static string WriteAnswer(IEnumerable<KeyValuePair<string, string>> fields) =>
        string.Join('&', fields.Select(f => f.Key + "=" + f.Value));

    private static string Unescape(string s) => Uri.UnescapeDataString(s.Replace('+', ' '));

    /// <summary>
    /// When the transaction completed, from <c>traceTime</c> (Beijing <c>MMddHHmmss</c>, no year) and the transaction's
    /// <c>txnTime</c>: the year of <c>txnTime</c>, or the next one when the trace is in January of an order made in December.
    /// </summary>
    public static DateTimeOffset? ParseTraceTime(string? traceTime, string? txnTime)
    {
        if (ParseTxnTime(txnTime) is not { } ordered || traceTime is not { Length: 10 })
        {
            return null;
        }

        var year = ordered.ToOffset(BeijingOffset).Year;
        var completed = ParseTxnTime(year.ToString("D4", CultureInfo.InvariantCulture) + traceTime);
        return completed is { } c && c < ordered.AddDays(-1) ? ParseTxnTime((year + 1).ToString("D4", CultureInfo.InvariantCulture) + traceTime) : completed;
    }

    /// <summary>
    /// Checks that <paramref name="signingCertificate"/> is UnionPay's: valid at <paramref name="at"/>, chained through
    /// <paramref name="middle"/> to <paramref name="root"/> (the configured trust anchor, not the machine's store),
    /// and its subject CN's third '@' part is UnionPay's organisation name.
    /// </summary>
    public static bool IsUnionPaySigningCertificate(X509Certificate2 signingCertificate, X509Certificate2 middle, X509Certificate2 root, DateTimeOffset at)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(middle);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = at.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        if (!chain.Build(signingCertificate))
        {
            return false;
        }

        var cn = signingCertificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        var parts = cn.Split('@');
        return parts.Length >= 3 && parts[2] == UnionPayOrganisation;
    }

    /// <summary>Amount in fen as ACP's <c>txnAmt</c>: an integer string, no decimals.</summary>
    public static string Amount(long fen) => fen.ToString(CultureInfo.InvariantCulture);

    public static long? ParseAmount(string? txnAmt) =>
        long.TryParse(txnAmt, NumberStyles.None, CultureInfo.InvariantCulture, out var fen) ? fen : null;

    /// <summary>
    /// ACP's <c>orderId</c> takes 8-40 letters and digits only; Sluice ids carry a <c>_</c>. The order id sent is the
    /// Sluice id with every other character removed (padded with zeros to 8); the Sluice id itself travels in
    /// <c>reqReserved</c>, which UnionPay echoes in answers and notices.
    /// </summary>
    public static string OrderId(string sluiceId)
    {
        var builder = new StringBuilder(sluiceId.Length);
        foreach (var c in sluiceId)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
        }

        while (builder.Length < 8)
        {
            builder.Append('0');
        }

        return builder.Length > 40 ? builder.ToString(0, 40) : builder.ToString();
    }

    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>
    /// ACP finds a transaction by <c>orderId</c> + <c>txnTime</c>, so <c>txnTime</c> must be derivable later from the id
    /// alone: it is the creation time Sluice's ids carry (<c>prefix_</c> + 10 Crockford base32 characters of Unix
    /// milliseconds, set from the injected clock). For an id without that shape, null.
    /// </summary>
    public static DateTimeOffset? IdCreationTime(string sluiceId)
    {
        var underscore = sluiceId.LastIndexOf('_');
        var body = underscore < 0 ? sluiceId : sluiceId[(underscore + 1)..];
        if (body.Length != 26)
        {
            return null;
        }

        long ms = 0;
        for (var i = 0; i < 10; i++)
        {
            var digit = Crockford.IndexOf(char.ToUpperInvariant(body[i]));
            if (digit < 0)
            {
                return null;
            }

            ms = (ms << 5) | (long)digit;
        }

        return ms is > 0 and < 253402300799999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
    }
}
