using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Channels.Contracts;
using static Sluice.Channels.Alipay.AlipayProtocol;

namespace Sluice.Channels.Alipay;

/// <summary>
/// Speaks the Alipay open platform gateway API (RSA2, JSON, UTF-8). Credentials: <c>app_id</c>,
/// <c>merchant_private_key</c> (PEM, or Alipay's bare base64 PKCS#8 / PKCS#1), <c>alipay_public_key</c> (PEM or bare
/// base64), <c>gateway_url</c> (e.g. https://openapi.alipay.com/gateway.do), optional <c>app_auth_token</c> (partner
/// mode; the account's sub-merchant id is used when the credential is absent).
/// Pay actions: <c>qr_code</c> (alipay_qr: alipay.trade.precreate's code link, to render as a QR code),
/// <c>redirect</c> (alipay_wap / alipay_page: a signed GET URL to the gateway, no server call) and <c>sdk_params</c>
/// (alipay_app: the signed order string for the Alipay app SDK). Amounts: CNY only, fen ↔ yuan strings exactly.
/// </summary>
public sealed class AlipayChannelAdapter(IHttpClientFactory httpClients, TimeProvider clock) : IChannelPayments, IChannelRefunds, IChannelPayouts, IChannelCallbacks
{
    public static readonly string HttpClientName = ChannelTransport.HttpClientName(AlipayProfile.ProtocolName);

    private static readonly JsonSerializerOptions BizJson = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public async Task<ChannelPayResult> PayAsync(ChannelAccountContext account, ChannelPayRequest request, CancellationToken ct)
    {
        if (request.Currency != "CNY")
        {
            return new ChannelPayResult(NotTaken(Codes.CurrencyNotSupported, $"Alipay takes CNY only, not {request.Currency}"), null);
        }

        var (method, productCode) = request.PaymentMethod switch
        {
            "alipay_qr" => (Methods.Precreate, "FACE_TO_FACE_PAYMENT"),
            "alipay_wap" => (Methods.WapPay, "QUICK_WAP_WAY"),
            "alipay_page" => (Methods.PagePay, "FAST_INSTANT_TRADE_PAY"),
            "alipay_app" => (Methods.AppPay, "QUICK_MSECURITY_PAY"),
            _ => (null, null),
        };
        if (method is null)
        {
            return new ChannelPayResult(NotTaken(Codes.MethodNotSupported, $"payment method {request.PaymentMethod} is not an Alipay method"), null);
        }

        var biz = new Dictionary<string, object?>
        {
            ["out_trade_no"] = request.OrderId,
            ["total_amount"] = ToYuan(request.Amount),
            ["subject"] = request.Subject,
            ["product_code"] = productCode,
            ["time_expire"] = BeijingTime(request.ExpiresAt),
        };
        if (method == Methods.WapPay && request.ReturnUrl is not null)
        {
            biz["quit_url"] = request.ReturnUrl;
        }

        var parameters = SignedParameters(account, method, biz, withNotifyUrl: true, returnUrl: request.ReturnUrl);
        if (method == Methods.Precreate)
        {
            var (node, failure) = await CallAsync(account, parameters, ct);
            if (node is null)
            {
                return new ChannelPayResult(failure!, null);
            }

            var answer = node.Value;
            var code = Str(answer, "code") ?? "";
            var sub = code == Codes.Success ? States.WaitBuyerPay : Str(answer, "sub_code");
            var qr = Str(answer, "qr_code");
            var result = ResultOf(ChannelFlow.Pay, answer, sub, null) with { AnsweredFor = Str(answer, "out_trade_no") };
            return qr is null || result.Outcome != ChannelOutcome.Pending
                ? new ChannelPayResult(result, null)
                : new ChannelPayResult(result, new PayAction("qr_code", qr));
        }

        // Page-execute and SDK-execute: the payer's browser or the Alipay app carries the signed request to Alipay.
        var signedQuery = ToQuery(parameters);
        var action = method == Methods.AppPay
            ? new PayAction("sdk_params", signedQuery)
            : new PayAction("redirect", GatewayUrl(account) + (GatewayUrl(account).Contains('?', StringComparison.Ordinal) ? "&" : "?") + signedQuery);
        return new ChannelPayResult(
            new ChannelResult(ChannelOutcome.Pending, Codes.Success, States.WaitBuyerPay, "signed request built for the payer to take to Alipay"), action);
    }

    public Task<ChannelReport> QueryPaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
        ReportAsync(account, Methods.Query, TradeRef(order), ChannelFlow.Query, new("out_trade_no", "trade_status", "trade_no", "send_pay_date", "total_amount"), ct);

    public Task<ChannelReport> ClosePaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
        ReportAsync(account, Methods.Close, TradeRef(order), ChannelFlow.Close, new("out_trade_no", null, "trade_no", null), ct);

    public Task<ChannelReport> RefundAsync(ChannelAccountContext account, ChannelRefundRequest request, CancellationToken ct)
    {
        if (request.Currency != "CNY")
        {
            return Task.FromResult(new ChannelReport(NotTaken(Codes.CurrencyNotSupported, $"Alipay refunds CNY only, not {request.Currency}")));
        }

        var biz = new Dictionary<string, object?>
        {
            ["out_trade_no"] = request.OrderId,
            ["trade_no"] = request.ChannelTradeNo,
            ["refund_amount"] = ToYuan(request.RefundAmount),
            ["out_request_no"] = request.RefundId,
            ["refund_reason"] = request.Reason,
        };

        // Alipay's refund_fee is the trade's cumulative refunded amount; this refund's own amount is the one asked for.
        // The answer names the trade (out_trade_no), not the refund.
        return ReportAsync(account, Methods.Refund, biz, ChannelFlow.Refund, new("out_trade_no", null, "trade_no", "gmt_refund_pay", Amount: request.RefundAmount), ct);
    }

    public Task<ChannelReport> QueryRefundAsync(ChannelAccountContext account, string refundId, string orderId, CancellationToken ct) =>
        ReportAsync(account, Methods.RefundQuery, new() { ["out_trade_no"] = orderId, ["out_request_no"] = refundId }, ChannelFlow.RefundQuery,
            new("out_request_no", "refund_status", "trade_no", "gmt_refund_pay", "refund_amount"), ct);

    public Task<ChannelReport> WithdrawAsync(ChannelAccountContext account, ChannelWithdrawRequest request, CancellationToken ct)
    {
        if (request.Currency != "CNY")
        {
            return Task.FromResult(new ChannelReport(NotTaken(Codes.CurrencyNotSupported, $"Alipay transfers CNY only, not {request.Currency}")));
        }

        if (request.PayeeType != PayeeAccountType.Wallet)
        {
            return Task.FromResult(new ChannelReport(NotTaken(Codes.PayeeTypeNotSupported, "alipay.fund.trans.uni.transfer here pays Alipay accounts only")));
        }

        var biz = new Dictionary<string, object?>
        {
            ["out_biz_no"] = request.WithdrawalId,
            ["trans_amount"] = ToYuan(request.Amount),
            ["product_code"] = "TRANS_ACCOUNT_NO_PWD",
            ["biz_scene"] = "DIRECT_TRANSFER",
            ["order_title"] = request.Remark ?? "Withdrawal",
            ["payee_info"] = new Dictionary<string, string>
            {
                ["identity"] = request.PayeeAccountNo,
                ["identity_type"] = IsAlipayUserId(request.PayeeAccountNo) ? "ALIPAY_USER_ID" : "ALIPAY_LOGON_ID",
                ["name"] = request.PayeeName,
            },
            ["remark"] = request.Remark,
        };
        return ReportAsync(account, Methods.Transfer, biz, ChannelFlow.Withdraw, new("out_biz_no", "status", "order_id", "trans_date", Amount: request.Amount), ct);
    }

    public Task<ChannelReport> QueryWithdrawalAsync(ChannelAccountContext account, string withdrawalId, CancellationToken ct)
    {
        var biz = new Dictionary<string, object?>
        {
            ["out_biz_no"] = withdrawalId,
            ["product_code"] = "TRANS_ACCOUNT_NO_PWD",
            ["biz_scene"] = "DIRECT_TRANSFER",
        };
        return ReportAsync(account, Methods.TransferQuery, biz, ChannelFlow.WithdrawQuery, new("out_biz_no", "status", "order_id", "pay_date", "trans_amount"), ct);
    }

    public ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct) =>
        ValueTask.FromResult(ParseNotice(account, request));

    private static CallbackParseResult ParseNotice(ChannelAccountContext account, ChannelCallbackRequest request)
    {
        var form = ParseForm(Encoding.UTF8.GetString(request.Body));
        if (!form.TryGetValue("sign_type", out var signType) || signType != SignType)
        {
            return CallbackParseResult.Rejected("notice is not signed with RSA2");
        }

        if (!AlipaySignature.Verify(AlipaySignature.NoticeSignContent(form), form.GetValueOrDefault("sign"), account.Credential("alipay_public_key")))
        {
            return CallbackParseResult.Rejected("signature verification failed");
        }

        if (form.GetValueOrDefault("app_id") != account.Credential("app_id"))
        {
            return CallbackParseResult.Rejected("notice is for another app_id");
        }

        var outTradeNo = form.GetValueOrDefault("out_trade_no");
        var notifyId = form.GetValueOrDefault("notify_id");
        var tradeStatus = form.GetValueOrDefault("trade_status");
        if (string.IsNullOrEmpty(outTradeNo) || string.IsNullOrEmpty(notifyId) || string.IsNullOrEmpty(tradeStatus))
        {
            return CallbackParseResult.Rejected("notice lacks out_trade_no, notify_id or trade_status");
        }

        var tradeNo = form.GetValueOrDefault("trade_no");

        // A notice carrying refund fields (out_biz_no = the refund's out_request_no, refund_fee, gmt_refund) is about a
        // refund, even when it says TRADE_CLOSED after a full refund: it must never read as a failed payment.
        var refundNo = form.GetValueOrDefault("out_biz_no");
        if (!string.IsNullOrEmpty(refundNo) || !string.IsNullOrEmpty(form.GetValueOrDefault("gmt_refund")))
        {
            // Its refund_fee is the trade's total refunded so far, not this refund's amount: it is not reported as one.
            var refund = new ChannelResult(ChannelOutcome.Succeeded, Codes.Success, States.RefundSuccess, $"refund notice, trade {tradeStatus}", tradeNo);
            return CallbackParseResult.Accepted(new ChannelNotice(ChannelNoticeKind.Refund, string.IsNullOrEmpty(refundNo) ? outTradeNo : refundNo,
                new ChannelReport(refund, null, null, ParseBeijingTime(form.GetValueOrDefault("gmt_refund"))),
                notifyId));
        }

        var result = new ChannelResult(AlipayResultCodes.OutcomeOf(ChannelFlow.Notify, Codes.Success, tradeStatus), Codes.Success, tradeStatus,
            form.GetValueOrDefault("notify_type"), tradeNo);
        return CallbackParseResult.Accepted(new ChannelNotice(ChannelNoticeKind.Payment, outTradeNo,
            new ChannelReport(result, ParseYuan(form.GetValueOrDefault("total_amount")), "CNY", ParseBeijingTime(form.GetValueOrDefault("gmt_payment"))),
            notifyId));
    }

    /// <summary>The common parameters, <c>biz_content</c> and <c>sign</c> of one gateway request.</summary>
    private Dictionary<string, string> SignedParameters(
        ChannelAccountContext account, string method, Dictionary<string, object?> biz, bool withNotifyUrl, string? returnUrl = null)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["app_id"] = account.Credential("app_id"),
            ["method"] = method,
            ["format"] = Format,
            ["charset"] = Charset,
            ["sign_type"] = SignType,
            ["timestamp"] = BeijingTime(clock.GetUtcNow()),
            ["version"] = AlipayProtocol.Version,
            ["biz_content"] = JsonSerializer.Serialize(biz.Where(kv => kv.Value is not null).ToDictionary(), BizJson),
        };
        if (withNotifyUrl)
        {
            parameters["notify_url"] = account.NotifyUrl.ToString();
        }

        if (!string.IsNullOrEmpty(returnUrl))
        {
            parameters["return_url"] = returnUrl;
        }

        var appAuthToken = account.Credentials.GetValueOrDefault("app_auth_token");
        if (string.IsNullOrEmpty(appAuthToken))
        {
            appAuthToken = account.SubMerchantId;
        }

        if (!string.IsNullOrEmpty(appAuthToken))
        {
            parameters["app_auth_token"] = appAuthToken;
        }

        parameters["sign"] = AlipaySignature.Sign(AlipaySignature.RequestSignContent(parameters), account.Credential("merchant_private_key"));
        return parameters;
    }

    private static readonly JsonDocumentOptions NoDuplicates = new() { AllowDuplicateProperties = false };

    /// <summary>Posts a signed request and returns its answer node once Alipay's signature over it verifies.</summary>
    private async Task<(JsonElement? Node, ChannelResult? Failure)> CallAsync(ChannelAccountContext account, Dictionary<string, string> parameters, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, GatewayUrl(account))
        {
            Content = new StringContent(ToQuery(parameters), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        var (http, failure) = await ChannelTransport.SendAsync(httpClients.CreateClient(HttpClientName), message, ct);
        if (http is null)
        {
            return (null, failure);
        }

        var method = parameters["method"];
        var node = AlipaySignature.VerifyAnswer(http.Body, method, account.Credential("alipay_public_key"));
        if (node is null)
        {
            return (null, ChannelResult.Unknown(ChannelTransport.UnverifiedAnswer, $"answer signature did not verify (HTTP {(int)http.Status})"));
        }

        try
        {
            // A duplicated key (two response nodes, or two fields of one) is refused: the signed text and the parsed
            // one could differ, as the official SDKs' own lenient parsers let them.
            using var document = JsonDocument.Parse(http.Body, NoDuplicates);
            var answer = document.RootElement.GetProperty(node).Clone();
            return Str(answer, "code") is null
                ? (null, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, "answer has no code"))
                : (answer, null);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return (null, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, "answer is not the expected JSON: " + ex.Message));
        }
    }

    /// <summary>
    /// Where an API's answer names the order asked about, keeps the state (raw sub-code on success; <c>sub_code</c>
    /// otherwise), the channel's reference, the completion time and the amount (or the amount known from the request).
    /// </summary>
    private sealed record AnswerFields(string OrderField, string? StateField, string ReferenceField, string? TimeField, string? AmountField = null, long? Amount = null);

    /// <summary>Calls one API and reads its verified answer as a report in <paramref name="flow"/>.</summary>
    private async Task<ChannelReport> ReportAsync(
        ChannelAccountContext account, string method, Dictionary<string, object?> biz, ChannelFlow flow, AnswerFields fields, CancellationToken ct)
    {
        var (node, failure) = await CallAsync(account, SignedParameters(account, method, biz, withNotifyUrl: false), ct);
        if (node is null)
        {
            return new ChannelReport(failure!);
        }

        var answer = node.Value;
        var named = Str(answer, fields.OrderField);
        if (Str(answer, "code") != Codes.Success)
        {
            return new ChannelReport(ResultOf(flow, answer, Str(answer, "sub_code"), Str(answer, fields.ReferenceField)) with { AnsweredFor = named });
        }

        var state = fields.StateField is null ? null : Str(answer, fields.StateField);
        if (flow == ChannelFlow.RefundQuery && string.IsNullOrEmpty(state) && !string.IsNullOrEmpty(Str(answer, "refund_amount")))
        {
            // alipay.trade.fastpay.refund.query: "if the interface returns query data, the refund succeeded; if nothing is
            // found, it did not" — refund_status itself comes only with the asynchronous refund API.
            state = States.RefundSuccess;
        }

        var result = ResultOf(flow, answer, state, Str(answer, fields.ReferenceField)) with { AnsweredFor = named };
        if (state == States.TransferFail)
        {
            result = result with { RawMessage = $"{Str(answer, "error_code")}: {Str(answer, "fail_reason")}" };
        }

        var amount = fields.Amount ?? (fields.AmountField is null ? null : ParseYuan(Str(answer, fields.AmountField)));
        return new ChannelReport(result, amount, amount is null ? null : "CNY", fields.TimeField is null ? null : ParseBeijingTime(Str(answer, fields.TimeField)));
    }

    private static ChannelResult ResultOf(ChannelFlow flow, JsonElement answer, string? subCode, string? reference)
    {
        var code = Str(answer, "code") ?? "";
        var message = code == Codes.Success ? Str(answer, "msg") : $"{Str(answer, "msg")}: {Str(answer, "sub_msg")}";
        return new ChannelResult(AlipayResultCodes.OutcomeOf(flow, code, subCode), code, subCode, message, reference);
    }

    private static ChannelResult NotTaken(string code, string message) =>
        new(ChannelOutcome.Failed, code, null, message) { NotTakenByChannel = true };

    private static Dictionary<string, object?> TradeRef(ChannelOrderRef order) =>
        new() { ["out_trade_no"] = order.OrderId, ["trade_no"] = order.ChannelTradeNo };

    private static string GatewayUrl(ChannelAccountContext account) => account.Credential("gateway_url");

    private static bool IsAlipayUserId(string account) => account.Length == 16 && account.StartsWith("2088", StringComparison.Ordinal) && account.All(char.IsAsciiDigit);

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;
}
