using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Security;

namespace Sluice.Tests.Channels.TestChannel;

/// <summary>testpay's wire format: a JSON notice signed with <c>t=…,v1=hex(HMAC-SHA256(signing_key, "{t}.{body}"))</c>.</summary>
public static class TestPayProtocol
{
    public const string MerchantIdField = "merchant_id";
    public const string SigningKeyField = "signing_key";
    public const string SignatureHeader = "TestPay-Signature";

    /// <summary>Order states (the raw code of every answer and notice).</summary>
    public const string Accepted = "ACCEPTED";
    public const string Waiting = "WAITING";
    public const string Paid = "PAID";
    public const string Closed = "CLOSED";
    public const string RefundAccepted = "REFUND_ACCEPTED";
    public const string Refunded = "REFUNDED";

    public static readonly TimeSpan SignatureTolerance = TimeSpan.FromMinutes(5);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A notice about a payment (<see cref="Kinds.Payment"/>) or refund (<see cref="Kinds.Refund"/>) of the merchant.</summary>
    public sealed record Notice(string NoticeId, string Kind, string OrderId, string State, long Amount, string Currency, long CompletedAt);

    public static class Kinds
    {
        public const string Payment = "payment";
        public const string Refund = "refund";
    }

    /// <summary>The body and signature header testpay sends for <paramref name="notice"/>.</summary>
    public static (byte[] Body, string Signature) Signed(string signingKey, Notice notice, DateTimeOffset now)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(notice, Json);
        return (body, HmacSignature.Sign(signingKey, now.ToUnixTimeSeconds(), body));
    }
}
