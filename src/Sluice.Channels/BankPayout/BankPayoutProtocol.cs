using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Channels.BankPayout;

/// <summary>
/// A generic bank corporate payout API (protocol <c>bank</c>), typical of banks' host-to-host payout services.
/// Described in full in <c>docs/channels/bank-payout.md</c>; in short:
/// <list type="bullet">
/// <item><c>POST /v1/payouts</c> with JSON <c>{client_id, out_payout_no, amount, currency, account_no, account_name,
/// bank_code, remark, notify_url}</c> (amount in minor units) answers <c>200</c> with the payout (status
/// <c>ACCEPTED</c>); <c>GET /v1/payouts/{out_payout_no}</c> answers the payout or <c>404 PAYOUT_NOT_FOUND</c>.</item>
/// <item>Every request, answer and notice is signed with headers <c>X-Client-Id</c>, <c>X-Timestamp</c> (Unix
/// seconds), <c>X-Nonce</c> (random, single use) and <c>X-Signature</c> = lower-case hex
/// <c>HMAC-SHA256(secret, "{METHOD}\n{path}\n{timestamp}\n{nonce}\n{hex SHA-256 of the body}")</c>. An answer is signed
/// with the method and path of the request it answers; a notice with <c>POST</c> and the path of the notify URL.
/// Timestamps must be within ±5 minutes; the bank refuses a nonce it has seen (<c>401 NONCE_REUSED</c>).</item>
/// <item>Answers: <c>{code, message, out_payout_no, payout_no, status, amount, currency, failure_code,
/// failure_message, updated_at}</c>; <c>code</c> is <c>SUCCESS</c> or an error code. Statuses: <c>ACCEPTED</c>,
/// <c>PROCESSING</c>, <c>SUCCEEDED</c>, <c>FAILED</c>, <c>RETURNED</c> (paid, then bounced by the payee's bank).</item>
/// <item>Errors: <c>400 INVALID_REQUEST</c>, <c>401 SIGNATURE_INVALID / TIMESTAMP_EXPIRED / NONCE_REUSED /
/// CLIENT_UNKNOWN</c>, <c>409 DUPLICATE_PAYOUT</c> (the number exists: query it), <c>422 INSUFFICIENT_BALANCE /
/// LIMIT_EXCEEDED / INVALID_ACCOUNT</c>, <c>429 SYSTEM_BUSY</c> (not accepted, try again). Final failures of an
/// accepted payout carry <c>failure_code</c>: <c>ACCOUNT_CLOSED</c>, <c>ACCOUNT_NAME_MISMATCH</c>,
/// <c>INVALID_ACCOUNT</c>, <c>RETURNED_BY_BANK</c>.</item>
/// <item>Notices: <c>POST notify_url</c>, body <c>{event_id, event_type: "payout.updated", …payout fields}</c>, signed
/// as above; any 2xx acknowledges, anything else is retried after 15 s, 1, 5, 30 min, 2 and 6 h.</item>
/// </list>
/// </summary>
public static class BankPayoutProtocol
{
    public const string ClientIdHeader = "X-Client-Id";
    public const string TimestampHeader = "X-Timestamp";
    public const string NonceHeader = "X-Nonce";
    public const string SignatureHeader = "X-Signature";
    public const string PayoutsPath = "/v1/payouts";
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static class Codes
    {
        public const string Success = "SUCCESS";
        public const string InvalidRequest = "INVALID_REQUEST";
        public const string SignatureInvalid = "SIGNATURE_INVALID";
        public const string TimestampExpired = "TIMESTAMP_EXPIRED";
        public const string NonceReused = "NONCE_REUSED";
        public const string ClientUnknown = "CLIENT_UNKNOWN";
        public const string DuplicatePayout = "DUPLICATE_PAYOUT";
        public const string InsufficientBalance = "INSUFFICIENT_BALANCE";
        public const string LimitExceeded = "LIMIT_EXCEEDED";
        public const string InvalidAccount = "INVALID_ACCOUNT";
        public const string AccountClosed = "ACCOUNT_CLOSED";
        public const string AccountNameMismatch = "ACCOUNT_NAME_MISMATCH";
        public const string ReturnedByBank = "RETURNED_BY_BANK";
        public const string PayoutNotFound = "PAYOUT_NOT_FOUND";
        public const string SystemBusy = "SYSTEM_BUSY";
    }

    public static class Statuses
    {
        public const string Accepted = "ACCEPTED";
        public const string Processing = "PROCESSING";
        public const string Succeeded = "SUCCEEDED";
        public const string Failed = "FAILED";
        public const string Returned = "RETURNED";
    }

    /// <summary>The text that is signed: method, path, timestamp, nonce and the body's SHA-256, one per line.</summary>
    public static string StringToSign(string method, string path, string timestamp, string nonce, ReadOnlySpan<byte> body) =>
        string.Join('\n', method.ToUpperInvariant(), path, timestamp, nonce, Convert.ToHexStringLower(SHA256.HashData(body)));

    public static string Sign(string secret, string method, string path, string timestamp, string nonce, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(StringToSign(method, path, timestamp, nonce, body))));

    /// <summary>Fresh headers for a message: timestamp now, a random nonce, the signature.</summary>
    public static SignedHeaders NewHeaders(string clientId, string secret, string method, string path, DateTimeOffset now, ReadOnlySpan<byte> body)
    {
        var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return new SignedHeaders(clientId, timestamp, nonce, Sign(secret, method, path, timestamp, nonce, body));
    }

    /// <summary>
    /// Checks a signature and the timestamp window (replay of nonces is the receiver's to track).
    /// Returns null when valid, else the error code to answer with.
    /// </summary>
    public static string? Check(string secret, string method, string path, string? timestamp, string? nonce, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (timestamp is null || nonce is null || signature is null || nonce.Length is < 8 or > 64)
        {
            return Codes.SignatureInvalid;
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return Codes.SignatureInvalid;
        }

        var expected = Sign(secret, method, path, timestamp, nonce, body);
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
        {
            return Codes.SignatureInvalid;
        }

        var age = now - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return age.Duration() > Window ? Codes.TimestampExpired : null;
    }
}

public sealed record SignedHeaders(string ClientId, string Timestamp, string Nonce, string Signature)
{
    public void ApplyTo(System.Net.Http.Headers.HttpHeaders headers)
    {
        headers.TryAddWithoutValidation(BankPayoutProtocol.ClientIdHeader, ClientId);
        headers.TryAddWithoutValidation(BankPayoutProtocol.TimestampHeader, Timestamp);
        headers.TryAddWithoutValidation(BankPayoutProtocol.NonceHeader, Nonce);
        headers.TryAddWithoutValidation(BankPayoutProtocol.SignatureHeader, Signature);
    }
}

public sealed record BankPayoutRequest(
    string ClientId, string OutPayoutNo, long Amount, string Currency, string AccountNo, string AccountName,
    string? BankCode, string? Remark, string NotifyUrl);

/// <summary>An answer or a notice: the payout as the bank sees it, or an error code.</summary>
public sealed record BankPayoutAnswer(
    string Code,
    string? Message = null,
    string? OutPayoutNo = null,
    string? PayoutNo = null,
    string? Status = null,
    long? Amount = null,
    string? Currency = null,
    string? FailureCode = null,
    string? FailureMessage = null,
    DateTimeOffset? UpdatedAt = null,
    string? EventId = null,
    string? EventType = null);
