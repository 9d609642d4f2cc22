using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Sluice.Channels.Contracts;
using static Sluice.Channels.UnionPay.UnionPayProtocol;

namespace Sluice.Channels.UnionPay;

/// <summary>
/// Speaks China UnionPay's online gateway (全渠道 / ACP) 5.1.0 with RSA signatures (<c>signMethod=01</c>); see
/// <see cref="UnionPayProtocol"/> for signing and verification.
/// <para>Credentials: <c>mer_id</c>; <c>sign_cert_private_key_pem</c> (PKCS#8 or PKCS#1) and <c>sign_cert_pem</c> (the
/// merchant signing certificate; <c>certId</c> is its serial in decimal); <c>root_cert_pem</c> and
/// <c>middle_cert_pem</c> (UnionPay's CA chain that <c>signPubKeyCert</c> must chain to) or, instead,
/// <c>unionpay_sign_cert_pem</c> (UnionPay's signing certificate, trusted as is); <c>front_url</c> (base URL of the
/// gateway for the payer's browser: <c>frontTransReq.do</c>) and <c>back_url</c> (base URL for server calls:
/// <c>backTransReq.do</c>, <c>queryTrans.do</c>); optional <c>channel_type</c> (<c>07</c> PC, the default, or <c>08</c> mobile).</para>
/// <para>Flows:</para>
/// <list type="bullet">
/// <item><c>unionpay_gateway</c>: a front consume (txnType 01, txnSubType 01, bizType 000201) that the payer's
/// browser posts. No server call is made; the result is pending with PayAction <c>form_post</c>, whose value is JSON
/// <c>{"url":"…/gateway/api/frontTransReq.do","method":"POST","fields":{…signed ACP fields…}}</c>: the cashier page
/// renders a form with those hidden fields and submits it. The result arrives by back notify (<c>backUrl</c>) or query.</item>
/// <item><c>unionpay_qr</c>: merchant-presented QR code (txnType 01, txnSubType 07, bizType 000000) via
/// <c>backTransReq.do</c>; PayAction <c>qr_code</c> with the returned <c>qrCode</c>.</item>
/// <item>Query: txnType 00 to <c>queryTrans.do</c> by <c>orderId</c> + <c>txnTime</c>.</item>
/// <item>Close: UnionPay has no close transaction. A front consume that was never submitted simply expires at its
/// <c>payTimeout</c> (set to the order's expiry), so close queries the order: not found (34) or failed = closed
/// (succeeded); paid = failed with the order's codes (the gateway then treats it as paid; reversing it is a refund —
/// consume undo, txnType 31, only exists for same-day cancellation of a paid order and is not a close);
/// still processing = unknown.</item>
/// <item>Refund: txnType 04 to <c>backTransReq.do</c> with <c>origQryId</c> (the paid consume's <c>queryId</c>, queried
/// first when the gateway does not hold it). <c>00</c> means accepted: pending until the refund's notice or query.</item>
/// <item>Refund query: txnType 00 by the refund's own <c>orderId</c> + <c>txnTime</c>.</item>
/// <item>Back notify: form-urlencoded POST to <c>backUrl</c>, verified before anything is read; answered with HTTP 200
/// <c>ok</c> (UnionPay stops resending on a 200), anything else (HTTP 500) makes UnionPay resend.</item>
/// </list>
/// <para>Order ids and times: ACP's <c>orderId</c> takes letters and digits only, so Sluice's id is sent without its
/// <c>_</c> and travels whole in <c>reqReserved</c>; <c>txnTime</c> (Beijing time) is the creation time carried in
/// Sluice's id, which comes from the injected clock, so a later query or refund query can rebuild it from the id.</para>
/// <para>Withdrawals are not a UnionPay gateway flow: the adapter has no payout interface (see <see cref="UnionPayProfile"/>).</para>
/// </summary>
public sealed class UnionPayChannelAdapter(IHttpClientFactory httpClients, TimeProvider clock) : IChannelPayments, IChannelRefunds, IChannelCallbacks
{
    public static readonly string HttpClientName = ChannelTransport.HttpClientName(UnionPayProfile.ProtocolName);

    private static readonly ConcurrentDictionary<string, X509Certificate2> Certificates = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, RSA> PrivateKeys = new(StringComparer.Ordinal);

    public async Task<ChannelPayResult> PayAsync(ChannelAccountContext account, ChannelPayRequest request, CancellationToken ct)
    {
        if (request.Currency != "CNY")
        {
            return new ChannelPayResult(new ChannelResult(ChannelOutcome.Failed, "10", null, "UnionPay gateway takes CNY only"), null);
        }

        var fields = Common(account, TxnTypes.Consume, request.PaymentMethod == "unionpay_qr" ? "07" : "01",
            request.PaymentMethod == "unionpay_qr" ? "000000" : "000201", request.OrderId);
        fields["txnAmt"] = Amount(request.Amount);
        fields["currencyCode"] = CurrencyCny;
        fields["backUrl"] = account.NotifyUrl.ToString();
        fields["payTimeout"] = TxnTime(request.ExpiresAt);

        if (request.PaymentMethod == "unionpay_qr")
        {
            fields["channelType"] = "08";
            var (answer, failure) = await CallAsync(account, BackTransPath, fields, ct);
            if (answer is null)
            {
                return new ChannelPayResult(failure!, null);
            }

            var code = answer.GetValueOrDefault("respCode") ?? "";
            var result = new ChannelResult(UnionPayResultCodes.OutcomeOf(ChannelFlow.Pay, code, null), code, null, answer.GetValueOrDefault("respMsg"))
            {
                NotTakenByChannel = UnionPayResultCodes.NotTaken.Contains(code),
                AnsweredFor = Named(answer, request.OrderId),
            };
            var qr = answer.GetValueOrDefault("qrCode");
            return new ChannelPayResult(result, code == UnionPayResultCodes.Success && qr is { Length: > 0 } ? new PayAction("qr_code", qr) : null);
        }

        if (request.ReturnUrl is { Length: > 0 } returnUrl)
        {
            fields["frontUrl"] = returnUrl;
        }

        SignInPlace(fields, Certificate(account.Credential("sign_cert_pem")), PrivateKey(account.Credential("sign_cert_private_key_pem")));
        var action = JsonSerializer.Serialize(new FormPost(Endpoint(account, "front_url", FrontTransPath).ToString(), "POST", fields), FormPostJson.Default.FormPost);
        return new ChannelPayResult(new ChannelResult(ChannelOutcome.Pending, UnionPayResultCodes.FormReady, null, "front consume form signed"), new PayAction("form_post", action));
    }

    public Task<ChannelReport> QueryPaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
        QueryAsync(account, order.OrderId, ChannelFlow.Query, ct);

    public Task<ChannelReport> ClosePaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
        QueryAsync(account, order.OrderId, ChannelFlow.Close, ct);

    public async Task<ChannelReport> RefundAsync(ChannelAccountContext account, ChannelRefundRequest request, CancellationToken ct)
    {
        var origQryId = request.ChannelTradeNo;
        if (string.IsNullOrEmpty(origQryId))
        {
            var original = await QueryAsync(account, request.OrderId, ChannelFlow.Query, ct);
            if (original.Result.Outcome != ChannelOutcome.Succeeded || original.Result.ChannelReference is null)
            {
                // Without the paid consume's queryId there is nothing to refund yet; the raw codes say why.
                return original.Result.Outcome == ChannelOutcome.Unknown
                    ? original
                    : new ChannelReport(new ChannelResult(ChannelOutcome.Failed, "35", null, "the original consume is not paid at UnionPay"));
            }

            origQryId = original.Result.ChannelReference;
        }

        var fields = Common(account, TxnTypes.Refund, "00", "000201", request.RefundId);
        fields["origQryId"] = origQryId;
        fields["txnAmt"] = Amount(request.RefundAmount);
        fields["currencyCode"] = CurrencyCny;
        fields["backUrl"] = account.NotifyUrl.ToString();
        var (answer, failure) = await CallAsync(account, BackTransPath, fields, ct);
        if (answer is null)
        {
            return new ChannelReport(failure!);
        }

        var code = answer.GetValueOrDefault("respCode") ?? "";
        return new ChannelReport(
            new ChannelResult(UnionPayResultCodes.OutcomeOf(ChannelFlow.Refund, code, null), code, null, answer.GetValueOrDefault("respMsg"), answer.GetValueOrDefault("queryId"))
            {
                NotTakenByChannel = UnionPayResultCodes.NotTaken.Contains(code),
                AnsweredFor = Named(answer, request.RefundId),
            },
            request.RefundAmount, request.Currency);
    }

    public Task<ChannelReport> QueryRefundAsync(ChannelAccountContext account, string refundId, string orderId, CancellationToken ct) =>
        QueryAsync(account, refundId, ChannelFlow.RefundQuery, ct);

    public ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct)
    {
        Dictionary<string, string> fields;
        try
        {
            fields = FormDecode(Encoding.UTF8.GetString(request.Body));
        }
        catch (Exception ex) when (ex is DecoderFallbackException or UriFormatException or ArgumentException)
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("unreadable notice body"));
        }

        if (!VerifyFromUnionPay(account, fields, out var why))
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected(why));
        }

        if (fields.GetValueOrDefault("merId") != account.Credential("mer_id"))
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("notice is for another merId"));
        }

        var kind = fields.GetValueOrDefault("txnType") switch
        {
            TxnTypes.Consume => ChannelNoticeKind.Payment,
            TxnTypes.Refund => ChannelNoticeKind.Refund,
            _ => (ChannelNoticeKind?)null,
        };
        var sluiceId = fields.GetValueOrDefault("reqReserved");
        var queryId = fields.GetValueOrDefault("queryId");
        if (kind is null || string.IsNullOrEmpty(sluiceId) || OrderId(sluiceId) != fields.GetValueOrDefault("orderId") || string.IsNullOrEmpty(queryId))
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("notice lacks txnType, a matching orderId/reqReserved or queryId"));
        }

        var code = fields.GetValueOrDefault("respCode") ?? "";
        var report = new ChannelReport(
            new ChannelResult(UnionPayResultCodes.OutcomeOf(ChannelFlow.Notify, code, null), code, null, fields.GetValueOrDefault("respMsg"), queryId),
            ParseAmount(fields.GetValueOrDefault("txnAmt")),
            CurrencyOf(fields.GetValueOrDefault("currencyCode")),
            ParseTraceTime(fields.GetValueOrDefault("traceTime"), fields.GetValueOrDefault("txnTime")));
        return ValueTask.FromResult(CallbackParseResult.Accepted(new ChannelNotice(kind.Value, sluiceId, report, queryId + ":" + code)));
    }

    private async Task<ChannelReport> QueryAsync(ChannelAccountContext account, string sluiceId, ChannelFlow flow, CancellationToken ct)
    {
        var fields = Common(account, TxnTypes.Query, "00", "000000", sluiceId);
        var (answer, failure) = await CallAsync(account, QueryTransPath, fields, ct);
        if (answer is null)
        {
            return new ChannelReport(failure!);
        }

        var code = answer.GetValueOrDefault("respCode") ?? "";
        var orig = code == UnionPayResultCodes.Success ? answer.GetValueOrDefault("origRespCode") : null;
        var outcome = UnionPayResultCodes.OutcomeOf(flow, code, orig);
        var paid = code == UnionPayResultCodes.Success && orig == UnionPayResultCodes.Success;
        return new ChannelReport(
            new ChannelResult(outcome, code, orig, orig is null ? answer.GetValueOrDefault("respMsg") : answer.GetValueOrDefault("origRespMsg"), answer.GetValueOrDefault("queryId"))
            {
                AnsweredFor = Named(answer, sluiceId),
            },
            ParseAmount(answer.GetValueOrDefault("txnAmt")),
            CurrencyOf(answer.GetValueOrDefault("currencyCode")),
            paid ? ParseTraceTime(answer.GetValueOrDefault("traceTime"), answer.GetValueOrDefault("txnTime")) : null);
    }

    /// <summary>
    /// The order a signed answer names, in Sluice's ids: the id asked about when its <c>orderId</c> is that id's ACP
    /// form, the answer's own <c>orderId</c> otherwise (which then names another order), null when it has none.
    /// </summary>
    private static string? Named(Dictionary<string, string> answer, string sluiceId) =>
        answer.GetValueOrDefault("orderId") is not { Length: > 0 } orderId ? null
        : orderId == OrderId(sluiceId) ? sluiceId
        : orderId;

    private static string? CurrencyOf(string? currencyCode) => currencyCode switch
    {
        CurrencyCny => "CNY",
        null or "" => null,
        _ => currencyCode,
    };

    private Dictionary<string, string> Common(ChannelAccountContext account, string txnType, string txnSubType, string bizType, string sluiceId) => new(StringComparer.Ordinal)
    {
        ["version"] = AcpVersion,
        ["encoding"] = Charset,
        ["signMethod"] = SignMethodRsa,
        ["txnType"] = txnType,
        ["txnSubType"] = txnSubType,
        ["bizType"] = bizType,
        ["channelType"] = account.Credentials.GetValueOrDefault("channel_type") is { Length: > 0 } channel ? channel : "07",
        ["accessType"] = "0",
        ["merId"] = account.Credential("mer_id"),
        ["orderId"] = OrderId(sluiceId),
        ["txnTime"] = TxnTime(IdCreationTime(sluiceId) ?? clock.GetUtcNow()),
        ["reqReserved"] = sluiceId,
    };

    private async Task<(Dictionary<string, string>? Answer, ChannelResult? Failure)> CallAsync(
        ChannelAccountContext account, string path, Dictionary<string, string> fields, CancellationToken ct)
    {
        SignInPlace(fields, Certificate(account.Credential("sign_cert_pem")), PrivateKey(account.Credential("sign_cert_private_key_pem")));
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint(account, "back_url", path))
        {
            Content = new StringContent(FormEncode(fields), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
        var (http, failure) = await ChannelTransport.SendAsync(httpClients.CreateClient(HttpClientName), message, ct);
        if (http is null)
        {
            return (null, failure);
        }

        Dictionary<string, string> answer;
        try
        {
            answer = ParseAnswer(Encoding.UTF8.GetString(http.Body));
        }
        catch (DecoderFallbackException)
        {
            return (null, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, "answer is not UTF-8"));
        }

        if (!answer.ContainsKey("respCode"))
        {
            return (null, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, $"answer has no respCode (HTTP {(int)http.Status})"));
        }

        if (!VerifyFromUnionPay(account, answer, out var why))
        {
            return (null, ChannelResult.Unknown(ChannelTransport.UnverifiedAnswer, why));
        }

        return (answer, null);
    }

    /// <summary>Verifies an answer or notice: UnionPay's signing certificate is trusted, and its key verifies the signature.</summary>
    private bool VerifyFromUnionPay(ChannelAccountContext account, IReadOnlyDictionary<string, string> fields, out string why)
    {
        var configured = account.Credentials.GetValueOrDefault("unionpay_sign_cert_pem");
        X509Certificate2? signer = null;
        if (fields.GetValueOrDefault("signPubKeyCert") is { Length: > 0 } presented)
        {
            X509Certificate2 candidate;
            try
            {
                candidate = Certificate(presented);
            }
            catch (CryptographicException)
            {
                why = "signPubKeyCert is not a certificate";
                return false;
            }

            if (configured is { Length: > 0 } && Certificate(configured).RawDataMemory.Span.SequenceEqual(candidate.RawDataMemory.Span))
            {
                signer = candidate;
            }
            else if (account.Credentials.GetValueOrDefault("root_cert_pem") is { Length: > 0 } rootPem
                     && account.Credentials.GetValueOrDefault("middle_cert_pem") is { Length: > 0 } middlePem
                     && IsUnionPaySigningCertificate(candidate, Certificate(middlePem), Certificate(rootPem), clock.GetUtcNow()))
            {
                signer = candidate;
            }
            else
            {
                why = "signPubKeyCert does not chain to UnionPay's configured root";
                return false;
            }
        }
        else if (configured is { Length: > 0 })
        {
            signer = Certificate(configured);
        }

        if (signer is null)
        {
            why = "answer carries no signPubKeyCert and no UnionPay certificate is configured";
            return false;
        }

        using var key = signer.GetRSAPublicKey();
        if (key is null || !Verify(fields, key))
        {
            why = "signature does not verify";
            return false;
        }

        why = "";
        return true;
    }

    private static Uri Endpoint(ChannelAccountContext account, string credential, string path) =>
        new(new Uri(account.Credential(credential).TrimEnd('/') + "/"), path);

    private static X509Certificate2 Certificate(string pem) =>
        Certificates.GetOrAdd(pem.Replace("\r\n", "\n", StringComparison.Ordinal).Trim(), p => X509Certificate2.CreateFromPem(p));

    private static RSA PrivateKey(string pem) =>
        PrivateKeys.GetOrAdd(pem, p =>
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(p);
            return rsa;
        });
}

/// <summary>The <c>form_post</c> PayAction's value: post these fields to this URL from the payer's browser.</summary>
public sealed record FormPost(string Url, string Method, IReadOnlyDictionary<string, string> Fields);

[System.Text.Json.Serialization.JsonSerializable(typeof(FormPost))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
internal sealed partial class FormPostJson : System.Text.Json.Serialization.JsonSerializerContext;
