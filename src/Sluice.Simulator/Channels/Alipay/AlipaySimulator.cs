using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Sluice.Channels.Alipay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.Alipay.AlipayProtocol;

namespace Sluice.Simulator.Channels.Alipay;

/// <summary>
/// Plays the Alipay open platform gateway at <c>/alipay/gateway.do</c>: verifies each request's RSA2 signature with the
/// public key registered for its app_id, answers in <c>{method}_response</c> signed with the platform key, keeps trades
/// and transfers, and sends signed <c>trade_status_sync</c> notices until the merchant answers <c>success</c>.
/// Control: <c>POST /control/alipay/orders/{out_trade_no}/pay</c> (the payer pays), <c>GET /control/alipay/orders/{no}</c>,
/// <c>POST /control/alipay/sdk</c> (the Alipay app receives an <c>alipay.trade.app.pay</c> order string).
/// Statements: <c>alipay.data.dataservice.bill.downloadurl.query</c> gives a URL serving the CSV (no zip, UTF-8).
/// </summary>
public sealed partial class AlipaySimulator(
    MerchantRegistry merchants,
    SimulatorKeys keys,
    AnswerBehaviours answers,
    CallbackSender callbacks,
    AlipayTrades trades,
    TimeProvider clock,
    IOptions<SimulatorOptions> options) : ISimulatedChannel
{
    public const string ChannelName = "alipay";
    public const string BuyerLogonId = "buy***@example.com";
    public const string BuyerUserId = "2088102177846880";
    public const string SellerId = "2088102146225135";

    private static readonly JsonSerializerOptions AnswerJson = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Name => ChannelName;

    /// <summary>Alipay's documented notify schedule: 4m, 10m, 10m, 1h, 2h, 6h, 15h (8 attempts over about 25 hours).</summary>
    public IReadOnlyList<TimeSpan> CallbackRetrySchedule { get; } =
    [
        TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1),
        TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(15),
    ];

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/alipay/gateway.do", (HttpRequest request, CancellationToken ct) => GatewayAsync(request, ct));
        routes.MapGet("/alipay/gateway.do", CashierPage);
        routes.MapGet("/alipay/bills/{token}", (string token) =>
            trades.Bill(token) is { } csv ? Results.Text(csv, "text/csv", Encoding.UTF8) : Results.NotFound());

        var control = routes.MapGroup("/control/alipay");
        // finish=true: a trade of a product without refunds, which Alipay finishes at once: TRADE_SUCCESS then TRADE_FINISHED.
        control.MapPost("/orders/{outTradeNo}/pay", (string outTradeNo, bool? finish) => PayerPays(outTradeNo, finish ?? false));
        control.MapGet("/orders/{outTradeNo}", (string outTradeNo) =>
            trades.FindAnyApp(outTradeNo) is { } trade ? Results.Ok(Locked(trade, trade.View)) : Results.NotFound());
        control.MapPost("/sdk", (AppOrderString body) => AppReceivesOrderString(body.OrderString));
    }

    public sealed record AppOrderString(string OrderString);

    private async Task<IResult> GatewayAsync(HttpRequest request, CancellationToken ct)
    {
        var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            foreach (var (key, value) in form)
            {
                parameters[key] = value.ToString();
            }
        }

        var method = parameters.GetValueOrDefault("method");
        var (node, merchant, refusal) = Authenticate(parameters);
        if (refusal is not null)
        {
            return Answer(node, refusal);
        }

        JsonElement biz;
        try
        {
            biz = JsonDocument.Parse(parameters.GetValueOrDefault("biz_content") is { Length: > 0 } text ? text : "{}").RootElement.Clone();
        }
        catch (JsonException)
        {
            return Answer(node, Error(Codes.BusinessFailed, Codes.InvalidBizParameter, "biz_content is not JSON"));
        }

        var orderId = method is Methods.Transfer or Methods.TransferQuery ? Str(biz, "out_biz_no") : Str(biz, "out_trade_no");
        var declined = method == Methods.BillDownloadUrl ? null : answers.Decline(ChannelName, orderId);
        var content = declined is not null
            ? Error(declined.Code ?? Codes.BusinessFailed, declined.SubCode ?? DefaultDecline(method!), declined.Message ?? "declined by the simulator")
            : method switch
            {
                Methods.Precreate => Precreate(merchant!, parameters, biz),
                Methods.Query => Query(merchant!, biz),
                Methods.Close => Close(merchant!, biz),
                Methods.Refund => Refund(merchant!, biz),
                Methods.RefundQuery => RefundQuery(merchant!, biz),
                Methods.Transfer => Transfer(merchant!, biz),
                Methods.TransferQuery => TransferQuery(merchant!, biz),
                Methods.BillDownloadUrl => BillUrl(merchant!, biz, request),
                _ => Error(Codes.InvalidParameter, Codes.InvalidMethod, "不存在的方法名"),
            };

        content = answers.NamingAnotherOrder(ChannelName, orderId, content, v => (object?)v, "out_trade_no", "out_request_no", "out_biz_no");
        return await answers.BeforeAnswerAsync(ChannelName, orderId, ct) ?? Answer(node, content);
    }

    /// <summary>Checks app_id, sign_type, signature and timestamp as the gateway does, before any business logic.</summary>
    private (string Node, SimulatedMerchant? Merchant, Dictionary<string, object?>? Refusal) Authenticate(Dictionary<string, string> parameters)
    {
        var method = parameters.GetValueOrDefault("method");
        if (string.IsNullOrEmpty(method) || !method.StartsWith("alipay.", StringComparison.Ordinal))
        {
            return (ErrorResponseNode, null, Error(Codes.InvalidParameter, Codes.InvalidMethod, "不存在的方法名"));
        }

        var node = ResponseNode(method);
        var merchant = merchants.Find(ChannelName, parameters.GetValueOrDefault("app_id") ?? "");
        if (merchant?.Setting("public_key_pem") is not { } publicKey)
        {
            return (node, null, Error(Codes.InvalidParameter, Codes.InvalidAppId, "无效的AppID参数"));
        }

        if (string.IsNullOrEmpty(parameters.GetValueOrDefault("sign")))
        {
            return (node, merchant, Error(Codes.MissingParameter, Codes.MissingSignature, "缺少签名参数"));
        }

        if (parameters.GetValueOrDefault("sign_type") != SignType
            || !AlipaySignature.Verify(AlipaySignature.RequestSignContent(parameters), parameters["sign"], publicKey))
        {
            return (node, merchant, Error(Codes.InvalidParameter, Codes.InvalidSignature, "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配"));
        }

        var timestamp = ParseBeijingTime(parameters.GetValueOrDefault("timestamp"));
        if (timestamp is null || (timestamp.Value - clock.GetUtcNow()).Duration() > options.Value.RequestTimestampTolerance)
        {
            return (node, merchant, Error(Codes.InvalidParameter, Codes.InvalidTimestamp, "非法的时间戳参数"));
        }

        return (node, merchant, null);
    }

    /// <summary>An answer as Alipay writes it: the node's JSON, then <c>sign</c> over exactly that text.</summary>
    private IResult Answer(string node, Dictionary<string, object?> content)
    {
        var json = JsonSerializer.Serialize(content, AnswerJson);
        var sign = AlipaySignature.Sign(json, PrivateKeyPem(forged: false));
        return Results.Text($"{{\"{node}\":{json},\"sign\":\"{sign}\"}}", "application/json", Encoding.UTF8);
    }

    private string PrivateKeyPem(bool forged)
    {
        var certificate = forged ? keys.Forger(ChannelName) : keys.Platform(ChannelName);
        using var key = certificate.GetRSAPrivateKey()!;
        return key.ExportPkcs8PrivateKeyPem();
    }

    private static Dictionary<string, object?> Ok(Dictionary<string, object?> fields)
    {
        var content = new Dictionary<string, object?> { ["code"] = Codes.Success, ["msg"] = "Success" };
        foreach (var (key, value) in fields)
        {
            content[key] = value;
        }

        return content;
    }

    private static Dictionary<string, object?> Error(string code, string subCode, string subMessage) => new()
    {
        ["code"] = code,
        ["msg"] = code switch
        {
            Codes.ServiceUnavailable => "Service Currently Unavailable",
            Codes.InsufficientAuthorization => "Insufficient Token Permissions",
            Codes.MissingParameter => "Missing Required Arguments",
            Codes.InvalidParameter => "Invalid Arguments",
            Codes.InsufficientPermissions => "Insufficient Permissions",
            _ => "Business Failed",
        },
        ["sub_code"] = subCode,
        ["sub_msg"] = subMessage,
    };

    private static string DefaultDecline(string method) =>
        method is Methods.Transfer or Methods.TransferQuery ? Codes.PayeeNotExist : Codes.AccessForbidden;

    private static T Locked<T>(SimulatedTrade trade, Func<T> read)
    {
        lock (trade)
        {
            return read();
        }
    }

    private static string? Str(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
