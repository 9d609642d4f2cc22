using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
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
        await behaviours.BeforeAnswerAsync(ChannelName, key, ct)
            ?? Answer(behaviours.NamingAnotherOrder(ChannelName, key, answer, v => v, "orderId"), respCode, respMsg);

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

    private static string Page(string title, string body) =>
        $"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>";

    public sealed record MerchantRequest(string MerId);

    public sealed record PayDecision(string? Decision, string? Code);
}
