using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sluice.Channels.Sandbox;

/// <summary>
/// The sandbox channel's wire protocol: JSON over HTTP, every request, answer and notice signed with
/// <c>Sandbox-Signature: t=..,v1=hex(HMAC-SHA256(api_secret, "{t}.{raw body}"))</c>, notices answered with the plain
/// text <c>SUCCESS</c>. It has result codes like a real channel (<c>SUCCESS</c>, <c>ORDER_PAID</c>, <c>SYSTEM_BUSY</c>...).
/// </summary>
public static class SandboxProtocol
{
    public const string SignatureHeader = "Sandbox-Signature";
    public const string NoticeAnswer = "SUCCESS";
    public static readonly TimeSpan SignatureTolerance = TimeSpan.FromMinutes(5);

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static class Codes
    {
        public const string Success = "SUCCESS";
        public const string SignError = "SIGN_ERROR";
        public const string InvalidRequest = "INVALID_REQUEST";
        public const string MerchantUnknown = "MERCHANT_UNKNOWN";
        public const string OrderNotExist = "ORDER_NOT_EXIST";
        public const string OrderPaid = "ORDER_PAID";
        public const string OrderClosed = "ORDER_CLOSED";
        public const string DuplicateOrder = "DUPLICATE_ORDER";
        public const string RefundExceeds = "REFUND_AMOUNT_EXCEEDS";
        public const string SystemBusy = "SYSTEM_BUSY";

        /// <summary>The channel's risk control refused the payment at creation (no order was opened).</summary>
        public const string PaymentDeclined = "PAYMENT_DECLINED";
    }

    public static class Statuses
    {
        public const string WaitPay = "WAIT_PAY";
        public const string Success = "SUCCESS";
        public const string Closed = "CLOSED";
        public const string Failed = "FAILED";
        public const string Processing = "PROCESSING";
    }
}

public sealed record SandboxPayRequest(
    string MerchantNo, string OutTradeNo, long Amount, string Currency, string Subject,
    string NotifyUrl, string? ReturnUrl, long ExpireAt);

public sealed record SandboxOrderRequest(string MerchantNo, string OutTradeNo);

public sealed record SandboxRefundRequest(string MerchantNo, string OutTradeNo, string OutRefundNo, long Amount, string Currency, string NotifyUrl);

public sealed record SandboxRefundQuery(string MerchantNo, string OutRefundNo);

public sealed record SandboxPayoutRequest(
    string MerchantNo, string OutPayoutNo, long Amount, string Currency, string AccountType, string AccountNo,
    string AccountName, string? BankCode, string NotifyUrl);

public sealed record SandboxPayoutQuery(string MerchantNo, string OutPayoutNo);

/// <summary>Every sandbox answer and notice has this shape; fields not relevant to a call are absent.</summary>
public sealed record SandboxAnswer(
    string Code,
    string? Message = null,
    string? TradeNo = null,
    string? OutTradeNo = null,
    string? Status = null,
    long? Amount = null,
    string? Currency = null,
    string? CashierUrl = null,
    long? CompletedAt = null,
    string? Kind = null,
    string? NotifyId = null);
