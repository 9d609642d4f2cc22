using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Sluice.Channels.WeChatPay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.WeChatPay.WeChatPayResultCodes;

namespace Sluice.Simulator.Channels.WeChatPay;

/// <summary>
/// Plays WeChat Pay API v3 at the v3 paths: prepay (native, jsapi, h5, app; direct and partner), query and close by
/// out_trade_no, domestic refunds and their query, merchant transfers and their query, and the trade bill. Requests must
/// carry a valid <c>WECHATPAY2-SHA256-RSA2048</c> Authorization from a registered merchant (merchant id = mchid, or the
/// service provider's sp_mchid; settings <c>public_key_pem</c>, <c>merchant_serial_no</c>, <c>api_v3_key</c>), else 401
/// SIGN_ERROR. Every answer is signed with the platform key (Wechatpay-Serial = platform certificate serial). Trades stay
/// NOTPAY until <c>POST /control/wechatpay/orders/{out_trade_no}/pay</c> (or at once with the approve behaviour); notices
/// are AES-GCM encrypted with the merchant's APIv3 key and retried on WeChat Pay's schedule until answered 200/204.
/// </summary>
public sealed partial class WeChatPaySimulator(
    MerchantRegistry merchants,
    SimulatorKeys keys,
    AnswerBehaviours behaviours,
    CallbackSender callbacks,
    TimeProvider clock) : ISimulatedChannel
{
    public const string ChannelName = "wechatpay";

    private readonly WeChatPayBook _book = new();
    private string? _platformKey;
    private string? _forgerKey;
    private string? _platformSerial;

    public string Name => ChannelName;

    /// <summary>WeChat Pay's notice retry intervals: 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h.</summary>
    public IReadOnlyList<TimeSpan> CallbackRetrySchedule { get; } =
    [
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60),
        TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(6),
    ];

    /// <summary>The platform's private key PEM (signs answers and notices; decrypts sensitive fields).</summary>
    private string PlatformKey => _platformKey ??= keys.Platform(Name).GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();

    private string ForgerKey => _forgerKey ??= keys.Forger(Name).GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();

    private string PlatformSerial => _platformSerial ??= keys.Platform(Name).SerialNumber;

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v3/pay/transactions/{kind}", (string kind, HttpContext http) => SignedAsync(http, call => PrepayAsync(call, kind, partner: false)));
        routes.MapPost("/v3/pay/partner/transactions/{kind}", (string kind, HttpContext http) => SignedAsync(http, call => PrepayAsync(call, kind, partner: true)));
        routes.MapGet("/v3/pay/transactions/out-trade-no/{no}", (string no, HttpContext http) => SignedAsync(http, call => QueryAsync(call, no)));
        routes.MapGet("/v3/pay/partner/transactions/out-trade-no/{no}", (string no, HttpContext http) => SignedAsync(http, call => QueryAsync(call, no)));
        routes.MapPost("/v3/pay/transactions/out-trade-no/{no}/close", (string no, HttpContext http) => SignedAsync(http, call => CloseAsync(call, no)));
        routes.MapPost("/v3/pay/partner/transactions/out-trade-no/{no}/close", (string no, HttpContext http) => SignedAsync(http, call => CloseAsync(call, no)));
        routes.MapPost("/v3/refund/domestic/refunds", Handler(RefundAsync));
        routes.MapGet("/v3/refund/domestic/refunds/{no}", (string no, HttpContext http) => SignedAsync(http, call => RefundQueryAsync(call, no)));
        routes.MapPost("/v3/fund-app/mch-transfer/transfer-bills", Handler(TransferAsync));
        routes.MapGet("/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/{no}", (string no, HttpContext http) => SignedAsync(http, call => TransferQueryAsync(call, no)));
        routes.MapGet("/v3/bill/tradebill", Handler(TradeBillAsync));
        routes.MapGet("/v3/billdownload/file", Handler(DownloadBillAsync));

        var control = routes.MapGroup("/control/" + ChannelName);
        control.MapPost("/orders/{outTradeNo}/pay", (string outTradeNo) =>
        {
            if (!_book.Trades.TryGetValue(outTradeNo, out var trade))
            {
                return Results.NotFound(new { code = Codes.OrderNotExist });
            }

            return Pay(trade) ? Results.Ok(trade.ToWire()) : Results.Conflict(new { code = "NOT_PAYABLE", trade_state = trade.State });
        });
        control.MapGet("/orders/{outTradeNo}", (string outTradeNo) =>
            _book.Trades.TryGetValue(outTradeNo, out var trade) ? Results.Ok(trade.ToWire()) : Results.NotFound());
        control.MapPost("/refunds/{outRefundNo}/finish", (string outRefundNo, RefundFinish body) =>
        {
            if (!_book.Refunds.TryGetValue(outRefundNo, out var refund))
            {
                return Results.NotFound(new { code = Codes.ResourceNotExists });
            }

            if (body.Status is not (RefundStates.Success or RefundStates.Closed or RefundStates.Abnormal))
            {
                return Results.BadRequest(new { code = Codes.ParamError, message = "status must be SUCCESS, CLOSED or ABNORMAL" });
            }

            return Finish(refund, body.Status, reserved: true) ? Results.Ok(refund.ToWire()) : Results.Conflict(new { code = "NOT_PROCESSING", status = refund.Status });
        });
    }

    /// <summary>Body of the control call that ends a refund left PROCESSING.</summary>
    public sealed record RefundFinish(string? Status);

    /// <summary>A route handler (not a bare RequestDelegate, so the IResult is executed) for a signed call.</summary>
    private Delegate Handler(Func<Call, Task<IResult>> work) => (HttpContext http) => SignedAsync(http, work);

    private sealed record Call(HttpContext Http, SimulatedMerchant Merchant, string Mchid, string Body)
    {
        public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var v) ? v.ToString() : null;
    }

    /// <summary>Verifies the merchant's Authorization over the exact request, then runs the call; every answer is signed.</summary>
    private async Task<IResult> SignedAsync(HttpContext http, Func<Call, Task<IResult>> work)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(http.RequestAborted);
        var auth = WeChatPayProtocol.ParseAuthorization(http.Request.Headers.Authorization.ToString());
        if (auth is null || !auth.TryGetValue("mchid", out var mchid) || !auth.TryGetValue("nonce_str", out var nonce)
            || !auth.TryGetValue("timestamp", out var timestamp) || !auth.TryGetValue("signature", out var signature)
            || !auth.TryGetValue("serial_no", out var serial))
        {
            return Error(401, Codes.SignError, "Authorization 头缺失或格式错误");
        }

        var merchant = merchants.Find(Name, mchid);
        if (merchant?.Setting("public_key_pem") is not { } publicKey)
        {
            return Error(400, Codes.MchNotExists, "商户号不存在");
        }

        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (http.Request.Path + http.Request.QueryString);
        var signed = WeChatPayProtocol.RequestSignString(http.Request.Method, target, long.TryParse(timestamp, out var ts) ? ts : 0, nonce, body);
        if ((merchant.Setting("merchant_serial_no") is { } expectedSerial && !string.Equals(expectedSerial, serial, StringComparison.OrdinalIgnoreCase))
            || !WeChatPayProtocol.IsFresh(timestamp, clock.GetUtcNow())
            || !WeChatPayProtocol.Verify(publicKey, signed, signature))
        {
            return Error(401, Codes.SignError, "签名错误");
        }

        return await work(new Call(http, merchant, mchid, body));
    }

    /// <summary>Wechatpay-Timestamp/-Nonce/-Serial/-Signature for a body, as WeChat Pay signs answers and notices.</summary>
    internal IEnumerable<(string Name, string Value)> SignatureHeaders(string body, string keyPem)
    {
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = WeChatPayProtocol.NewNonce();
        yield return (WeChatPayProtocol.TimestampHeader, timestamp);
        yield return (WeChatPayProtocol.NonceHeader, nonce);
        yield return (WeChatPayProtocol.SerialHeader, PlatformSerial);
        yield return (WeChatPayProtocol.SignatureHeader, WeChatPayProtocol.Sign(keyPem, WeChatPayProtocol.AnswerSignString(timestamp, nonce, body)));
    }

    private async Task<IResult> AnswerAsync(Call call, string orderId, IResult answer)
    {
        if (await behaviours.BeforeAnswerAsync(Name, orderId, call.Http.RequestAborted) is { } instead)
        {
            return instead;
        }

        return answer is SignedAnswer { Body.Length: > 0 } signed && behaviours.AnotherOrder(Name, orderId) is { } other
            ? Signed(signed.Status, NamingAnotherOrder(signed.Body, other))
            : answer;
    }

    private static readonly string[] OrderNumberFields = ["out_trade_no", "out_refund_no", "out_bill_no"];

    /// <summary>The answer's merchant order numbers replaced by another order's (the answer is signed afresh over it).</summary>
    private static string NamingAnotherOrder(string body, string other)
    {
        var answer = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        foreach (var field in OrderNumberFields.Where(answer.ContainsKey))
        {
            answer[field] = other;
        }

        return answer.ToJsonString();
    }

    private SignedAnswer Ok<T>(T body) => Signed(200, JsonSerializer.Serialize(body, WeChatPayProtocol.Json));

    private SignedAnswer Error(int status, string code, string message) =>
        Signed(status, JsonSerializer.Serialize(new WeChatError(code, message), WeChatPayProtocol.Json));

    private SignedAnswer Signed(int status, string body) => new SignedAnswer(status, body, SignatureHeaders(body, PlatformKey).ToList());

    private static T? Read<T>(string body)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, WeChatPayProtocol.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The HTTP status WeChat Pay answers an error code with.</summary>
    internal static int StatusOf(string code) => code switch
    {
        Codes.SignError => 401,
        Codes.OrderPaid or Codes.NotEnough or Codes.NoAuth or Codes.NoAuthV3 or Codes.OutTradeNoUsed or Codes.UserAccountAbnormal
            or Codes.AccountError or Codes.RuleLimit or Codes.TradeError => 403,
        Codes.OrderNotExist or Codes.OrderNotExistLegacy or Codes.ResourceNotExists or Codes.NotFound => 404,
        Codes.FrequencyLimited => 429,
        Codes.SystemError or Codes.BankError => 500,
        _ => 400,
    };

    private sealed class SignedAnswer(int status, string body, IReadOnlyList<(string Name, string Value)> headers) : IResult
    {
        public int Status => status;

        public string Body => body;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            foreach (var (name, value) in headers)
            {
                httpContext.Response.Headers[name] = value;
            }

            if (body.Length > 0)
            {
                httpContext.Response.ContentType = "application/json; charset=utf-8";
                await httpContext.Response.WriteAsync(body, Encoding.UTF8);
            }
        }
    }
}
