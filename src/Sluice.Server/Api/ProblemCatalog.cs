using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Sluice.Errors;
using Sluice.Server.ResultCodes;

namespace Sluice.Server.Api;

/// <summary>
/// The title of every unified code in English and Simplified Chinese, and a Chinese detail for it. A problem answered to
/// a request whose <c>Accept-Language</c> prefers <c>zh</c> carries the Chinese title and detail (naming the field where
/// there is one) and keeps the English detail as <c>detail_en</c>, whichever code it has.
/// </summary>
public static class ProblemCatalog
{
    public sealed record Entry(string TitleEn, string TitleZh, string DetailZh);

    private static readonly Entry Fallback = new("The request could not be processed.", "请求无法处理。", "请求无法处理，请检查请求后重试。");

    public static readonly IReadOnlyDictionary<string, Entry> Entries = new Dictionary<string, Entry>(StringComparer.Ordinal)
    {
        [UnifiedCode.MalformedJson] = new("The request body is not valid JSON for this operation.", "请求体不是此操作可接受的 JSON。", "请求体不是合法的 JSON，或字段类型错误、字段重复。"),
        [UnifiedCode.UnknownField] = new("The body has a field this operation does not know.", "请求体含有此操作不认识的字段。", "字段 {field} 不是此操作的字段，请对照 API 参考检查拼写。"),
        [UnifiedCode.MissingField] = new("A required field is missing.", "缺少必填字段。", "缺少必填字段 {field}。"),
        [UnifiedCode.InvalidField] = new("A field has an invalid value.", "字段取值无效。", "字段 {field} 的取值无效。"),
        [UnifiedCode.InvalidAmount] = new("The amount is not acceptable.", "金额不可接受。", "字段 {field} 的金额无效：金额为正整数的最小货币单位（如 100 = 1.00 元）。"),
        [UnifiedCode.UnsupportedCurrency] = new("The currency is not supported.", "不支持该币种。", "币种须为大写的 ISO 4217 代码（如 CNY）。"),
        [UnifiedCode.Unauthenticated] = new("Authentication is required.", "需要身份认证。", "请以 'Authorization: Bearer ...' 发送有效的密钥或令牌。"),
        [UnifiedCode.Forbidden] = new("Not allowed.", "无权执行此操作。", "此凭证无权访问该接口。"),
        [UnifiedCode.RequestSignatureRequired] = new("This app signs its requests.", "此应用要求请求签名。", "请携带 Sluice-Request-Signature 请求头（见 README）。"),
        [UnifiedCode.InvalidRequestSignature] = new("The request signature is not valid.", "请求签名无效。", "签名与请求不符、格式错误或时间戳超出 5 分钟窗口。"),
        [UnifiedCode.RequestReplayed] = new("The request was already received.", "请求已被接收过（重放）。", "该 nonce 在签名窗口内已使用，请为每个请求使用新的 nonce。"),
        [UnifiedCode.NotFound] = new("Not found.", "资源不存在。", "没有找到该资源，或它不属于此应用。"),
        [UnifiedCode.DuplicateOrderNo] = new("The merchant order number is already used with other parameters.", "商户订单号已被使用且参数不同。", "此 merchant_order_no 已属于金额、币种、标题或支付方式不同的支付。"),
        [UnifiedCode.IdempotencyKeyReused] = new("The idempotency key was used with a different request.", "幂等键已用于不同的请求。", "此 Idempotency-Key 已用于请求体不同的请求。"),
        [UnifiedCode.IdempotencyInProgress] = new("A request with this idempotency key is still in progress.", "使用该幂等键的请求仍在处理中。", "使用此 Idempotency-Key 的请求仍在处理中，请稍后重试。"),
        [UnifiedCode.InvalidIdempotencyKey] = new("The idempotency key is not valid.", "幂等键无效。", "Idempotency-Key 须为 1-255 个可打印 ASCII 字符。"),
        [UnifiedCode.PaymentNotClosable] = new("The payment cannot be closed in its current state.", "当前状态的支付无法关闭。", "只有未支付的支付单可以关闭。"),
        [UnifiedCode.PaymentMethodUnavailable] = new("No channel can take this payment method for this merchant.", "没有渠道可为该商户受理此支付方式。", "该商户没有可用于此支付方式的渠道。"),
        [UnifiedCode.NoChannelAvailable] = new("No channel is available.", "暂无可用渠道。", "目前没有渠道能受理此订单，运营人员可查看各渠道的原因。"),
        [UnifiedCode.WithdrawalCancelled] = new("The withdrawal was cancelled.", "提现已取消。", "该提现已被取消。"),
        [UnifiedCode.WithdrawalNotCancellable] = new("The withdrawal cannot be cancelled in its current state.", "当前状态的提现无法取消。", "只有挂起（held）的提现可以取消。"),
        [UnifiedCode.ChannelUnavailable] = new("The channel could not be reached.", "无法连接渠道。", "渠道暂时无法访问，请稍后重试。"),
        [UnifiedCode.ChannelRejected] = new("The channel refused the order.", "渠道拒绝了该订单。", "渠道拒绝受理该订单。"),
        [UnifiedCode.ChannelResultUnknown] = new("The channel's answer is not known yet.", "渠道结果未知。", "渠道尚未给出明确结果，系统将向渠道查询。"),
        [UnifiedCode.ConcurrentModification] = new("Someone else changed this resource first; read it again and retry.", "资源已被他人先行修改。", "该资源已被修改，请重新读取后重试。"),
        [UnifiedCode.AlreadyExists] = new("A resource with that code already exists.", "该编码的资源已存在。", "已存在相同编码的资源。"),
        [UnifiedCode.PayloadTooLarge] = new("The request body is too large.", "请求体过大。", "请求体超过了允许的大小。"),
        [UnifiedCode.UnsupportedMediaType] = new("The body must be application/json.", "请求体须为 application/json。", "请以 application/json 发送请求体。"),
        [UnifiedCode.MethodNotAllowed] = new("The HTTP method is not allowed here.", "不允许的 HTTP 方法。", "该资源不支持此 HTTP 方法。"),
        [UnifiedCode.InternalError] = new("An internal error occurred.", "内部错误。", "发生内部错误；除非订单状态另有显示，本请求未做任何更改。"),
        [UnifiedCode.PaymentNotRefundable] = new("The payment cannot be refunded.", "该支付无法退款。", "只有支付成功的订单可以退款。"),
        [UnifiedCode.RefundAmountExceeds] = new("The refund exceeds what is left to refund.", "退款金额超出可退金额。", "退款金额超出该支付剩余可退金额。"),
        [UnifiedCode.CurrencyMismatch] = new("The currency differs from the order's.", "币种与原订单不符。", "请使用与原支付相同的币种。"),
        [UnifiedCode.DuplicateRefundNo] = new("The merchant refund number is already used with other parameters.", "商户退款单号已被使用且参数不同。", "此 merchant_refund_no 已属于参数不同的退款。"),
        [UnifiedCode.RefundActionNotAllowed] = new("The refund's state does not allow this action.", "退款当前状态不允许此操作。", "该退款的状态（或其渠道）不允许此操作。"),
        [UnifiedCode.InsufficientBalance] = new("The balance is not sufficient.", "余额不足。", "商户余额不足以支付该金额。"),
        ["rate_limited"] = new("Too many requests.", "请求过于频繁。", "请求过于频繁，请在 Retry-After 指示的秒数后重试。"),
    };

    public static Entry For(string code) => Entries.TryGetValue(code, out var entry) ? entry : Fallback;

    /// <summary>Puts the Chinese title and detail on a problem when the request prefers Chinese (the English detail kept as <c>detail_en</c>).</summary>
    public static void Localize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (!MessageLanguage.PrefersChinese(context.HttpContext.Request) || !problem.Extensions.TryGetValue("code", out var c) || c is not string code)
        {
            return;
        }

        var entry = For(code);
        var field = problem.Extensions.TryGetValue("field", out var f) && f is string name ? name : null;
        problem.Extensions["detail_en"] = problem.Detail;
        problem.Title = entry.TitleZh;
        problem.Detail = field is null ? entry.DetailZh.Replace("字段 {field} ", "", StringComparison.Ordinal).Replace("{field}", "", StringComparison.Ordinal)
            : entry.DetailZh.Replace("{field}", field, StringComparison.Ordinal);
        context.HttpContext.Response.Headers.ContentLanguage = "zh-CN";
    }
}
