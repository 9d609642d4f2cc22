using System.Globalization;
using System.Net;
using System.Text;

namespace Sluice.Channels.Alipay;

/// <summary>
/// The Alipay open platform's wire conventions (openapi.alipay.com/gateway.do): common parameters, method names,
/// result codes, trade states, yuan amounts and Beijing time. Shared by the adapter and the simulator.
/// </summary>
public static class AlipayProtocol
{
    public const string Format = "JSON";
    public const string Charset = "utf-8";
    public const string SignType = "RSA2";
    public const string Version = "1.0";
    public const string TimestampFormat = "yyyy-MM-dd HH:mm:ss";

    /// <summary>The body a merchant answers a notice with when it took it; anything else makes Alipay retry.</summary>
    public const string NoticeAccepted = "success";
    public const string NoticeRefused = "fail";

    /// <summary>China has kept UTC+8 without daylight saving since 1991, so Asia/Shanghai is a fixed offset.</summary>
    public static readonly TimeSpan BeijingOffset = TimeSpan.FromHours(8);

    public static class Methods
    {
        public const string Precreate = "alipay.trade.precreate";
        public const string WapPay = "alipay.trade.wap.pay";
        public const string PagePay = "alipay.trade.page.pay";
        public const string AppPay = "alipay.trade.app.pay";
        public const string Query = "alipay.trade.query";
        public const string Close = "alipay.trade.close";
        public const string Refund = "alipay.trade.refund";
        public const string RefundQuery = "alipay.trade.fastpay.refund.query";
        public const string Transfer = "alipay.fund.trans.uni.transfer";
        public const string TransferQuery = "alipay.fund.trans.common.query";
        public const string BillDownloadUrl = "alipay.data.dataservice.bill.downloadurl.query";
    }

    /// <summary>The gateway's public result codes (<c>code</c>) and the sub-codes (<c>sub_code</c>) Sluice knows by name.</summary>
    public static class Codes
    {
        public const string Success = "10000";
        public const string ServiceUnavailable = "20000";
        public const string InsufficientAuthorization = "20001";
        public const string MissingParameter = "40001";
        public const string InvalidParameter = "40002";
        public const string BusinessFailed = "40004";
        public const string InsufficientPermissions = "40006";

        public const string UnknownError = "isp.unknow-error";
        public const string InvalidSignature = "isv.invalid-signature";
        public const string InvalidAppId = "isv.invalid-app-id";
        public const string InvalidTimestamp = "isv.invalid-timestamp";
        public const string InvalidMethod = "isv.invalid-method";
        public const string MissingSignature = "isv.missing-signature";

        public const string TradeNotExist = "ACQ.TRADE_NOT_EXIST";
        public const string TradeHasSuccess = "ACQ.TRADE_HAS_SUCCESS";
        public const string TradeHasClose = "ACQ.TRADE_HAS_CLOSE";
        public const string TradeHasFinished = "ACQ.TRADE_HAS_FINISHED";
        public const string TradeStatusError = "ACQ.TRADE_STATUS_ERROR";
        public const string SystemError = "ACQ.SYSTEM_ERROR";
        public const string InvalidBizParameter = "ACQ.INVALID_PARAMETER";
        public const string AccessForbidden = "ACQ.ACCESS_FORBIDDEN";
        public const string TradeNotAllowRefund = "ACQ.TRADE_NOT_ALLOW_REFUND";
        public const string RefundAmountExceeds = "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL";
        public const string DiscordantRepeatRequest = "ACQ.DISCORDANT_REPEAT_REQUEST";
        public const string ContextInconsistent = "ACQ.CONTEXT_INCONSISTENT";

        public const string PayeeNotExist = "PAYEE_NOT_EXIST";
        public const string PayeeAccountStatusError = "PAYEE_ACCOUNT_STATUS_ERROR";
        public const string PayerBalanceNotEnough = "PAYER_BALANCE_NOT_ENOUGH";
        public const string TransferOrderNotExist = "ORDER_NOT_EXIST";
        public const string TransferSystemError = "SYSTEM_ERROR";

        /// <summary>Sluice's own code: the order's currency is not CNY, so nothing was sent to Alipay.</summary>
        public const string CurrencyNotSupported = "SLUICE_ALIPAY_CURRENCY_NOT_CNY";

        /// <summary>Sluice's own code: the payout's payee is not an Alipay account, so nothing was sent to Alipay.</summary>
        public const string PayeeTypeNotSupported = "SLUICE_ALIPAY_PAYEE_NOT_ALIPAY_ACCOUNT";

        /// <summary>Sluice's own code: the payment method is not one this protocol serves, so nothing was sent.</summary>
        public const string MethodNotSupported = "SLUICE_ALIPAY_METHOD_NOT_SUPPORTED";
    }

    /// <summary>Trade states (<c>trade_status</c>), refund state and transfer states (<c>status</c>).</summary>
    public static class States
    {
        public const string WaitBuyerPay = "WAIT_BUYER_PAY";
        public const string TradeSuccess = "TRADE_SUCCESS";
        public const string TradeFinished = "TRADE_FINISHED";
        public const string TradeClosed = "TRADE_CLOSED";
        public const string RefundSuccess = "REFUND_SUCCESS";
        public const string TransferSuccess = "SUCCESS";
        public const string TransferDealing = "DEALING";
        public const string TransferFail = "FAIL";
    }

    /// <summary>The response node of a method: <c>alipay.trade.query</c> answers in <c>alipay_trade_query_response</c>.</summary>
    public static string ResponseNode(string method) => method.Replace('.', '_') + "_response";

    public const string ErrorResponseNode = "error_response";

    /// <summary>Fen as Alipay's yuan string with two decimals: 2599 → "25.99". Exact, no floating point.</summary>
    public static string ToYuan(long fen)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fen);
        return string.Create(CultureInfo.InvariantCulture, $"{fen / 100}.{fen % 100:D2}");
    }

    /// <summary>A yuan string ("25.99", "25.9", "25") as fen, or null when it is not a plain non-negative amount.</summary>
    public static long? ParseYuan(string? yuan)
    {
        if (string.IsNullOrEmpty(yuan) || yuan.Length > 20)
        {
            return null;
        }

        var dot = yuan.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? yuan : yuan[..dot];
        var fraction = dot < 0 ? "" : yuan[(dot + 1)..];
        if (whole.Length == 0 || fraction.Length > 2 || (dot >= 0 && fraction.Length == 0)
            || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
        {
            return null;
        }

        return long.TryParse(whole, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y <= long.MaxValue / 100 - 1
            ? y * 100 + (fraction.Length == 0 ? 0 : int.Parse(fraction.PadRight(2, '0'), CultureInfo.InvariantCulture))
            : null;
    }

    /// <summary>A moment as Alipay writes it: Beijing wall-clock time, <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    public static string BeijingTime(DateTimeOffset at) =>
        at.ToOffset(BeijingOffset).ToString(TimestampFormat, CultureInfo.InvariantCulture);

    /// <summary>A Beijing wall-clock time Alipay wrote, as a UTC moment (offset 0, as the gateway stores moments).</summary>
    public static DateTimeOffset? ParseBeijingTime(string? text) =>
        DateTime.TryParseExact(text, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local)
            ? new DateTimeOffset(local, BeijingOffset).ToUniversalTime()
            : null;

    /// <summary>
    /// Parses an <c>application/x-www-form-urlencoded</c> body as UTF-8 (Alipay sends <c>charset=utf-8</c> when asked
    /// to): <c>+</c> is a space, percent escapes are decoded. A repeated key keeps its first value.
    /// </summary>
    public static Dictionary<string, string> ParseForm(string body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = WebUtility.UrlDecode(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : WebUtility.UrlDecode(pair[(eq + 1)..]);
            form.TryAdd(key, value);
        }

        return form;
    }

    /// <summary>A request's parameters as a URL query / form body: blank ones left out, as they are not signed either.</summary>
    public static string ToQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        ToForm(parameters.Where(static p => !string.IsNullOrEmpty(p.Value)));

    /// <summary>Every parameter (empty ones too, as Alipay's notices carry them) URL-encoded (UTF-8), in the order given.</summary>
    public static string ToForm(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var query = new StringBuilder();
        foreach (var (key, value) in parameters)
        {
            if (query.Length > 0)
            {
                query.Append('&');
            }

            query.Append(WebUtility.UrlEncode(key)).Append('=').Append(WebUtility.UrlEncode(value));
        }

        return query.ToString();
    }
}
