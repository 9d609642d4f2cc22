using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sluice.Channels.UnionPay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.UnionPay.UnionPayProtocol;

namespace Sluice.Simulator.Channels.UnionPay;

/// <summary>
/// Plays China UnionPay's online gateway (ACP 5.1.0, signMethod 01):
/// <c>POST /gateway/api/frontTransReq.do</c> (the payer's browser posts the signed form; answers the cashier page),
/// <c>POST /gateway/api/backTransReq.do</c> (QR apply txnSubType 07, refund txnType 04),
/// <c>POST /gateway/api/queryTrans.do</c>; back notices to <c>backUrl</c> (form-urlencoded, acknowledged by HTTP 200,
/// resent after 1, 2, 4, 8 and 16 minutes). Every answer and notice carries <c>signPubKeyCert</c> from the simulated CA
/// chain. Control: <c>POST /control/unionpay/merchants</c> (issues a merchant signing certificate),
/// <c>GET /control/unionpay/certs</c>, <c>POST /control/unionpay/orders/{orderId}/pay</c> (the payer pays or, with
/// <c>{"decision":"decline","code":"64"}</c>, is declined), <c>GET /control/unionpay/statements/{merId}/{yyyyMMdd}</c>.
/// </summary>
public sealed partial class UnionPaySimulator(
    UnionPayCertificates certificates,
    MerchantRegistry merchants,
    AnswerBehaviours behaviours,
    CallbackSender callbacks,
    SimulatorKeys keys,
    TimeProvider clock) : ISimulatedChannel
{
    public const string ChannelName = "unionpay";

    private readonly ConcurrentDictionary<(string MerId, string OrderId), UnionPayOrder> _orders = new();
    private long _nextQueryId;

    public string Name => ChannelName;

    /// <summary>ACP back notices are resent at doubling intervals when the merchant does not answer HTTP 200.</summary>
    public IReadOnlyList<TimeSpan> CallbackRetrySchedule { get; } =
        [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(16)];

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/" + FrontTransPath, FrontAsync);
        routes.MapPost("/" + BackTransPath, BackAsync);
        routes.MapPost("/" + QueryTransPath, QueryAsync);
        routes.MapPost("/unionpay/cashier/{merId}/{orderId}/{decision}", (string merId, string orderId, string decision) =>
        {
            var order = _orders.GetValueOrDefault((merId, orderId));
            if (order is null)
            {
                return Results.NotFound();
            }

            Complete(order, decision == "pay" ? PayerPays(order) : "60");
            return Results.Content(Page("银联在线支付", $"<p>{WebUtility.HtmlEncode(order.StatusText)}</p>"), "text/html; charset=utf-8");
        });

        var control = routes.MapGroup("/control/unionpay");
        control.MapPost("/merchants", (MerchantRequest request) =>
        {
            var (certificate, key) = certificates.IssueMerchant(request.MerId);
            merchants.Register(new SimulatedMerchant(ChannelName, request.MerId, new Dictionary<string, string>
            {
                ["public_key_pem"] = key.ExportSubjectPublicKeyInfoPem(),
                ["cert_id"] = CertId(certificate),
            }));
            return Results.Ok(new
            {
                mer_id = request.MerId,
                cert_id = CertId(certificate),
                sign_cert_pem = certificate.ExportCertificatePem(),
                sign_cert_private_key_pem = key.ExportPkcs8PrivateKeyPem(),
                root_cert_pem = certificates.Root.ExportCertificatePem(),
                middle_cert_pem = certificates.Middle.ExportCertificatePem(),
                unionpay_sign_cert_pem = certificates.Signing.ExportCertificatePem(),
            });
        });
        control.MapGet("/certs", () => Results.Ok(new
        {
            root_cert_pem = certificates.Root.ExportCertificatePem(),
            middle_cert_pem = certificates.Middle.ExportCertificatePem(),
            unionpay_sign_cert_pem = certificates.Signing.ExportCertificatePem(),
        }));
        control.MapPost("/orders/{orderId}/pay", (string orderId, PayDecision? decision) =>
        {
            var order = FindForControl(orderId);
            if (order is null)
            {
                return Results.NotFound(new { error = "no front consume with this orderId has been posted" });
            }

            Complete(order, decision?.Decision == "decline" ? decision.Code ?? "60" : PayerPays(order));
            return Results.Ok(new { order.OrderId, order.QueryId, orig_resp_code = order.OrigRespCode });
        });
        control.MapGet("/orders/{orderId}", (string orderId) =>
            FindForControl(orderId) is { } order
                ? Results.Ok(new { order.MerId, order.OrderId, order.TxnType, order.Amount, order.QueryId, orig_resp_code = order.OrigRespCode })
                : Results.NotFound());
        control.MapGet("/statements/{merId}/{date}", (string merId, string date) => Results.Text(Statement(merId, date), "text/plain", Encoding.UTF8));
    }

    private async Task<IResult> FrontAsync(HttpRequest request, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var refusal = Verify(fields);
        if (refusal is not null)
        {
            return Results.Content(Page("交易失败", $"<p>{refusal}</p>"), "text/html; charset=utf-8", Encoding.UTF8, 200);
        }

        var order = Place(fields);
        if (order.TxnType != TxnTypes.Consume || order.Existing)
        {
            return Results.Content(Page("交易失败", "<p>重复交易 (12)</p>"), "text/html; charset=utf-8", Encoding.UTF8, 200);
        }

        if (behaviours.Decline(ChannelName, order.BehaviourKey) is { } decline)
        {
            Complete(order, decline.Code ?? "30");
        }
        else if (behaviours.Take(ChannelName, order.BehaviourKey, BehaviourAction.Approve) is not null)
        {
            Complete(order, UnionPayResultCodes.Success);
        }

        if (await behaviours.BeforeAnswerAsync(ChannelName, order.BehaviourKey, ct) is { } replaced)
        {
            return replaced;
        }

        var amount = (order.Amount / 100).ToString(CultureInfo.InvariantCulture) + "." + (order.Amount % 100).ToString("00", CultureInfo.InvariantCulture);
        var body = order.OrigRespCode is null
            ? $"""
               <p>商户 {WebUtility.HtmlEncode(order.MerId)} · 订单 {WebUtility.HtmlEncode(order.OrderId)}</p>
               <p class="amount">¥{amount}</p>
               <form method="post" action="/unionpay/cashier/{Uri.EscapeDataString(order.MerId)}/{Uri.EscapeDataString(order.OrderId)}/pay"><button id="pay">确认付款</button></form>
               <form method="post" action="/unionpay/cashier/{Uri.EscapeDataString(order.MerId)}/{Uri.EscapeDataString(order.OrderId)}/decline"><button id="decline">拒绝</button></form>
               """
            : $"<p>{WebUtility.HtmlEncode(order.StatusText)}</p>";
        return Results.Content(Page("银联在线支付", body), "text/html; charset=utf-8", Encoding.UTF8, 200);
    }

    private async Task<IResult> BackAsync(HttpRequest request, CancellationToken ct)
    {
        var (fields, key, answer, refused) = await ReadRequestAsync(request, ct);
        if (refused is not null)
        {
            return refused;
        }

        var txnType = fields.GetValueOrDefault("txnType");
        var qrApply = txnType == TxnTypes.Consume && fields.GetValueOrDefault("txnSubType") == "07";
        if (!qrApply && txnType != TxnTypes.Refund)
        {
            return Answer(answer, "32", "无此交易权限");
        }

        if (behaviours.Decline(ChannelName, key) is { } decline)
        {
            return await AnsweredAsync(key, answer, decline.Code ?? "30", decline.Message ?? "交易未通过", ct);
        }

        if (txnType == TxnTypes.Refund)
        {
            return await RefundAsync(fields, answer, key, ct);
        }

        var order = Place(fields);
        if (order.Existing)
        {
            return await AnsweredAsync(key, answer, UnionPayResultCodes.Duplicate, "重复交易", ct);
        }

        answer["qrCode"] = "https://qr.95516.com/00010000/" + order.QueryId;
        if (behaviours.Take(ChannelName, key, BehaviourAction.Approve) is not null)
        {
            Complete(order, UnionPayResultCodes.Success);
        }

        return await AnsweredAsync(key, answer, UnionPayResultCodes.Success, "成功[0000000]", ct);
    }

    private async Task<IResult> RefundAsync(Dictionary<string, string> fields, Dictionary<string, string> answer, string? key, CancellationToken ct)
    {
        var merId = fields.GetValueOrDefault("merId") ?? "";
        var original = _orders.Values.FirstOrDefault(o => o.MerId == merId && o.QueryId == fields.GetValueOrDefault("origQryId") && o.TxnType == TxnTypes.Consume);
        var amount = ParseAmount(fields.GetValueOrDefault("txnAmt"));
        if (original is null || original.OrigRespCode != UnionPayResultCodes.Success || amount is null or <= 0)
        {
            return await AnsweredAsync(key, answer, "35", "原交易不存在或状态不正确", ct);
        }

        if (behaviours.Take(ChannelName, key, BehaviourAction.RefundWindowPassed) is not null
            || behaviours.Take(ChannelName, original.BehaviourKey, BehaviourAction.RefundWindowPassed) is not null)
        {
            return await AnsweredAsync(key, answer, "35", "原交易不存在或状态不正确[超过退货期限]", ct);
        }

        UnionPayOrder refund;
        lock (original)
        {
            var refunded = _orders.Values.Where(o => o.OrigQryId == original.QueryId && o.OrigRespCode == UnionPayResultCodes.Success).Sum(o => o.Amount);
            if (refunded + amount > original.Amount)
            {
                return Answer(answer, "36", "与原交易信息不符[退货金额超限]");
            }

            refund = Place(fields);
            if (refund.Existing)
            {
                return Answer(answer, UnionPayResultCodes.Duplicate, "重复交易");
            }

            refund.OrigQryId = original.QueryId;
            refund.Currency = original.Currency;
            Complete(refund, UnionPayResultCodes.Success);
        }

        answer["queryId"] = refund.QueryId;
        return await AnsweredAsync(key, answer, UnionPayResultCodes.Success, "成功[0000000]", ct);
    }

    private async Task<IResult> QueryAsync(HttpRequest request, CancellationToken ct)
    {
        var (fields, key, answer, refused) = await ReadRequestAsync(request, ct);
        if (refused is not null)
        {
            return refused;
        }

        var order = _orders.GetValueOrDefault((fields.GetValueOrDefault("merId") ?? "", fields.GetValueOrDefault("orderId") ?? ""));
        // A front consume exists for queries only once the payer has submitted it at the cashier.
        if (order is null || order.TxnTime != fields.GetValueOrDefault("txnTime") || (order.OrigRespCode is null && order.TxnSubType == "01"))
        {
            return await AnsweredAsync(key, answer, UnionPayResultCodes.NotFound, "查无此交易", ct);
        }

        answer["txnType"] = order.TxnType;
        answer["queryId"] = order.QueryId;
        answer["txnAmt"] = Amount(order.Amount);
        answer["currencyCode"] = order.Currency;
        answer["reqReserved"] = order.ReqReserved;
        answer["origRespCode"] = order.OrigRespCode ?? "05";
        answer["origRespMsg"] = order.StatusText;
        if (order.OrigQryId is not null)
        {
            answer["origQryId"] = order.OrigQryId;
        }

        if (order.OrigRespCode == UnionPayResultCodes.Success)
        {
            answer["settleAmt"] = Amount(order.Amount);
            answer["settleCurrencyCode"] = order.Currency;
            answer["settleDate"] = order.SettleDate;
            answer["traceNo"] = order.QueryId[^6..];
            answer["traceTime"] = order.TraceTime;
        }

        return await AnsweredAsync(key, answer, UnionPayResultCodes.Success, "成功[0000000]", ct);
    }

    /// <summary>Reads a back-end request; a request that fails <see cref="Verify"/> is answered with ACP's refusal.</summary>
    private async Task<(Dictionary<string, string> Fields, string? Key, Dictionary<string, string> Answer, IResult? Refused)> ReadRequestAsync(HttpRequest request, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var answer = Echo(fields);
        var refusal = Verify(fields);
        var refused = refusal switch
        {
            null => null,
            "31" => Answer(answer, refusal, "商户状态不正确"),
            "10" => Answer(answer, refusal, "报文格式错误"),
            _ => Answer(answer, refusal, "验证签名失败"),
        };
        return (fields, fields.GetValueOrDefault("reqReserved") ?? fields.GetValueOrDefault("orderId"), answer, refused);
    }

    /// <summary>Checks a merchant's request: known merId, its registered certId, and the signature with its key. Null when valid.</summary>
    private string? Verify(Dictionary<string, string> fields)
    {
        var merchant = merchants.Find(ChannelName, fields.GetValueOrDefault("merId") ?? "");
        if (merchant?.Setting("public_key_pem") is not { } publicKeyPem)
        {
            return "31";
        }

        if (fields.GetValueOrDefault("version") != AcpVersion || fields.GetValueOrDefault("signMethod") != SignMethodRsa)
        {
            return "10";
        }

        if (merchant.Setting("cert_id") is { } certId && fields.GetValueOrDefault("certId") != certId)
        {
            return "11";
        }

        using var rsa = RSA.Create();
        rsa.ImportFromPem(publicKeyPem);
        return UnionPayProtocol.Verify(fields, rsa) ? null : "11";
    }

    private static Dictionary<string, string> Echo(Dictionary<string, string> request)
    {
        var answer = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in new[] { "version", "encoding", "bizType", "txnType", "txnSubType", "accessType", "merId", "orderId", "txnTime", "txnAmt", "currencyCode", "reqReserved" })
        {
            if (request.TryGetValue(name, out var value) && value.Length > 0)
            {
                answer[name] = value;
            }
        }

        answer["signMethod"] = SignMethodRsa;
        return answer;
    }

    private async Task<IResult> AnsweredAsync(string? key, Dictionary<string, string> answer, string respCode, string respMsg, CancellationToken ct) =>
        await behaviours.BeforeAnswerAsync(ChannelName, key, ct) ?? Answer(answer, respCode, respMsg);

    /// <summary>A synchronous answer, signed with UnionPay's key, carrying <c>signPubKeyCert</c>; raw <c>k=v</c> text.</summary>
    private IResult Answer(Dictionary<string, string> answer, string respCode, string respMsg)
    {
        answer["respCode"] = respCode;
        answer["respMsg"] = respMsg;
        answer["signPubKeyCert"] = certificates.Signing.ExportCertificatePem();
        answer.Remove("signature");
        answer["signature"] = Sign(answer, certificates.SigningKey);
        return Results.Text(WriteAnswer(answer), "text/plain", Encoding.UTF8);
    }

    private UnionPayOrder Place(Dictionary<string, string> fields)
    {
        var merId = fields.GetValueOrDefault("merId") ?? "";
        var orderId = fields.GetValueOrDefault("orderId") ?? "";
        var created = new UnionPayOrder
        {
            MerId = merId,
            OrderId = orderId,
            TxnType = fields.GetValueOrDefault("txnType") ?? "",
            TxnSubType = fields.GetValueOrDefault("txnSubType") ?? "",
            TxnTime = fields.GetValueOrDefault("txnTime") ?? "",
            Amount = ParseAmount(fields.GetValueOrDefault("txnAmt")) ?? 0,
            Currency = fields.GetValueOrDefault("currencyCode") is { Length: > 0 } c ? c : CurrencyCny,
            BackUrl = fields.GetValueOrDefault("backUrl"),
            ReqReserved = fields.GetValueOrDefault("reqReserved") ?? "",
            BizType = fields.GetValueOrDefault("bizType") ?? "",
            QueryId = NewQueryId(),
        };
        var stored = _orders.GetOrAdd((merId, orderId), created);
        if (!ReferenceEquals(stored, created))
        {
            return stored with { Existing = true };
        }

        return stored;
    }

    private string NewQueryId() =>
        TxnTime(clock.GetUtcNow())[2..] + Interlocked.Increment(ref _nextQueryId).ToString("D9", CultureInfo.InvariantCulture);

    private UnionPayOrder? FindForControl(string orderId) =>
        _orders.Values.FirstOrDefault(o => o.OrderId == orderId || o.ReqReserved == orderId || o.OrderId == OrderId(orderId));

    /// <summary>
    /// What the payer's card answers when the payer pays: <c>64</c> (卡上的余额不足) under insufficient_balance,
    /// <c>63</c> (卡状态不正确: the card's account is closed) under payer_account_closed, else <c>00</c>.
    /// </summary>
    private string PayerPays(UnionPayOrder order) =>
        behaviours.Take(ChannelName, order.BehaviourKey, BehaviourAction.InsufficientBalance) is not null ? "64"
        : behaviours.Take(ChannelName, order.BehaviourKey, BehaviourAction.PayerAccountClosed) is not null ? "63"
        : UnionPayResultCodes.Success;

    /// <summary>The transaction ends with <paramref name="respCode"/>; a successful one is notified to its backUrl.</summary>
    private void Complete(UnionPayOrder order, string respCode)
    {
        lock (order)
        {
            if (order.OrigRespCode is not null)
            {
                return;
            }

            order.OrigRespCode = respCode;
            order.CompletedAt = clock.GetUtcNow();
        }

        if (respCode == UnionPayResultCodes.Success && order.BackUrl is { Length: > 0 } backUrl && Uri.TryCreate(backUrl, UriKind.Absolute, out var url))
        {
            callbacks.Enqueue(new SimulatedCallback(ChannelName, order.BehaviourKey, order.TxnType == TxnTypes.Refund ? "refund" : "payment", url,
                forged => BuildNotice(order, url, forged), (status, _) => status == 200, CallbackRetrySchedule));
        }
    }

    private HttpRequestMessage BuildNotice(UnionPayOrder order, Uri url, bool forged)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = AcpVersion,
            ["encoding"] = Charset,
            ["signMethod"] = SignMethodRsa,
            ["accessType"] = "0",
            ["bizType"] = order.BizType,
            ["txnType"] = order.TxnType,
            ["txnSubType"] = order.TxnSubType,
            ["merId"] = order.MerId,
            ["orderId"] = order.OrderId,
            ["txnTime"] = order.TxnTime,
            ["txnAmt"] = Amount(order.Amount),
            ["currencyCode"] = order.Currency,
            ["queryId"] = order.QueryId,
            ["reqReserved"] = order.ReqReserved,
            ["respCode"] = order.OrigRespCode ?? "05",
            ["respMsg"] = "success",
            ["settleAmt"] = Amount(order.Amount),
            ["settleCurrencyCode"] = order.Currency,
            ["settleDate"] = order.SettleDate,
            ["traceNo"] = order.QueryId[^6..],
            ["traceTime"] = order.TraceTime,
        };
        if (order.OrigQryId is not null)
        {
            fields["origQryId"] = order.OrigQryId;
        }

        var signer = forged ? keys.Forger(ChannelName) : certificates.Signing;
        fields["signPubKeyCert"] = signer.ExportCertificatePem();
        using var key = forged ? keys.Forger(ChannelName).GetRSAPrivateKey()! : null;
        fields["signature"] = Sign(fields, key ?? certificates.SigningKey);
        return new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(FormEncode(fields), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
    }

    /// <summary>
    /// The day's transactions for a merchant. Simplified: ACP's fileTransfer answers a zip of fixed-width files
    /// (INN…ZM_ with some 30 fields per line); the simulator serves one UTF-8 text file of those fields Sluice
    /// reconciles on, space-separated in fixed widths: txnType(2) orderId(40) queryId(21) txnTime(14) txnAmt(12)
    /// currencyCode(3) respCode(2) origQryId(21).
    /// </summary>
    private string Statement(string merId, string date)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"# UnionPay ACP simplified statement merId={merId} date={date}\n");
        foreach (var o in _orders.Values.Where(o => o.MerId == merId && o.OrigRespCode is not null && o.TxnTime.StartsWith(date, StringComparison.Ordinal))
                     .OrderBy(o => o.TxnTime, StringComparer.Ordinal).ThenBy(o => o.QueryId, StringComparer.Ordinal))
        {
            builder.Append(CultureInfo.InvariantCulture,
                $"{o.TxnType,-2} {o.OrderId,-40} {o.QueryId,-21} {o.TxnTime,-14} {o.Amount.ToString("D12", CultureInfo.InvariantCulture)} {o.Currency,-3} {o.OrigRespCode,-2} {o.OrigQryId ?? "",-21}\n");
        }

        return builder.ToString();
    }

    private static string Page(string title, string body) =>
        $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>";

    public sealed record MerchantRequest(string MerId);

    public sealed record PayDecision(string? Decision, string? Code);
}

/// <summary>A transaction at the simulated UnionPay: a consume or a refund.</summary>
internal sealed record UnionPayOrder
{
    public required string MerId { get; init; }
    public required string OrderId { get; init; }
    public required string TxnType { get; init; }
    public required string TxnSubType { get; init; }
    public required string TxnTime { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; set; }
    public required string? BackUrl { get; init; }
    public required string ReqReserved { get; init; }
    public required string BizType { get; init; }
    public required string QueryId { get; init; }
    public bool Existing { get; init; }
    public string? OrigQryId { get; set; }
    public string? OrigRespCode { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Behaviours are keyed by Sluice's own id (reqReserved), which tests know.</summary>
    public string BehaviourKey => ReqReserved.Length > 0 ? ReqReserved : OrderId;

    /// <summary>When the transaction completed, Beijing <c>MMddHHmmss</c> (ACP's <c>traceTime</c>).</summary>
    public string TraceTime => UnionPayProtocol.TxnTime(CompletedAt ?? DateTimeOffset.UtcNow)[4..];

    public string SettleDate => TxnTime.Length >= 8 ? TxnTime[4..8] : "";

    public string StatusText => OrigRespCode switch
    {
        null => "交易已受理，请稍后查询交易结果",
        UnionPayResultCodes.Success => "成功[0000000]",
        _ => "交易失败[" + OrigRespCode + "]",
    };
}
