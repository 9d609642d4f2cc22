using System.Globalization;
using System.Security.Cryptography;
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
public sealed class WeChatPaySimulator(
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

    private async Task<IResult> PrepayAsync(Call call, string kind, bool partner)
    {
        if (kind is not ("native" or "jsapi" or "h5" or "app"))
        {
            return Error(404, Codes.NotFound, "no such API");
        }

        var r = Read<WeChatPrepayRequest>(call.Body);
        var mchid = partner ? r?.SpMchid : r?.Mchid;
        var appid = partner ? r?.SpAppid : r?.Appid;
        var openid = r?.Payer?.Openid ?? r?.Payer?.SpOpenid ?? r?.Payer?.SubOpenid;
        var missing = r is null ? "body"
            : string.IsNullOrEmpty(r.OutTradeNo) ? "out_trade_no"
            : string.IsNullOrEmpty(appid) ? partner ? "sp_appid" : "appid"
            : partner && string.IsNullOrEmpty(r.SubMchid) ? "sub_mchid"
            : string.IsNullOrEmpty(r.NotifyUrl) ? "notify_url"
            : r.Amount is not { Total: > 0 } ? "amount.total"
            : kind == "jsapi" && string.IsNullOrEmpty(openid) ? "payer.openid"
            : kind == "h5" && string.IsNullOrEmpty(r.SceneInfo?.PayerClientIp) ? "scene_info.payer_client_ip"
            : null;
        if (missing is not null)
        {
            return Error(400, Codes.ParamError, $"输入源“/body/{missing}”映射到字段“{missing}”必填性规则校验失败，此字段为必填项");
        }

        if (mchid != call.Mchid)
        {
            return Error(400, Codes.ParamError, partner ? "sp_mchid 与请求签名的商户号不一致" : "mchid 与请求签名的商户号不一致");
        }

        var request = r!;
        if (behaviours.Decline(Name, request.OutTradeNo) is { } decline)
        {
            var code = decline.Code ?? Codes.InvalidRequest;
            return Error(StatusOf(code), code, decline.Message ?? "模拟拒绝");
        }

        var fingerprint = $"{kind}|{request.Amount.Total}|{request.SubMchid}|{openid}";
        var created = new SimulatedTrade
        {
            OutTradeNo = request.OutTradeNo, Mchid = call.Mchid, SubMchid = partner ? request.SubMchid : null, Appid = appid!,
            TradeType = kind.ToUpperInvariant(), Total = request.Amount.Total, Currency = request.Amount.Currency ?? "CNY",
            Description = request.Description, NotifyUrl = request.NotifyUrl, Openid = openid,
            PrepayId = "wx" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(14)), RequestFingerprint = fingerprint,
            ExpiresAt = DateTimeOffset.TryParse(request.TimeExpire, CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires) ? expires : null,
        };
        var trade = _book.Trades.GetOrAdd(request.OutTradeNo, created);
        if (!ReferenceEquals(trade, created))
        {
            if (trade.State is TradeStates.Success or TradeStates.Refund)
            {
                return Error(403, Codes.OrderPaid, "该订单已支付");
            }

            if (trade.State == TradeStates.Closed)
            {
                return Error(400, Codes.OrderClosed, "订单已关闭");
            }

            if (trade.RequestFingerprint != fingerprint || trade.Mchid != call.Mchid)
            {
                return Error(403, Codes.OutTradeNoUsed, "商户订单号重复");
            }
        }

        if (behaviours.Take(Name, request.OutTradeNo, BehaviourAction.Approve) is not null)
        {
            Pay(trade);
        }

        if (await behaviours.BeforeAnswerAsync(Name, request.OutTradeNo, call.Http.RequestAborted) is { } instead)
        {
            return instead;
        }

        var host = $"{call.Http.Request.Scheme}://{call.Http.Request.Host}";
        return Ok(kind switch
        {
            "native" => new WeChatPrepayAnswer(CodeUrl: "weixin://wxpay/bizpayurl?pr=" + trade.PrepayId[2..12]),
            "h5" => new WeChatPrepayAnswer(H5Url: $"{host}/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={trade.PrepayId}&package=2056162962"),
            _ => new WeChatPrepayAnswer(PrepayId: trade.PrepayId),
        });
    }

    private async Task<IResult> QueryAsync(Call call, string outTradeNo)
    {
        var owner = call.Query("mchid") ?? call.Query("sp_mchid");
        if (owner != call.Mchid)
        {
            return Error(400, Codes.ParamError, "mchid 与请求签名的商户号不一致");
        }

        if (!_book.Trades.TryGetValue(outTradeNo, out var trade) || trade.Mchid != call.Mchid
            || (call.Query("sub_mchid") is { } sub && trade.SubMchid != sub))
        {
            return await AnswerAsync(call, outTradeNo, Error(404, Codes.OrderNotExist, "订单不存在"));
        }

        return await AnswerAsync(call, outTradeNo, Ok(trade.ToWire()));
    }

    private async Task<IResult> CloseAsync(Call call, string outTradeNo)
    {
        var r = Read<WeChatCloseRequest>(call.Body);
        if ((r?.Mchid ?? r?.SpMchid) != call.Mchid)
        {
            return Error(400, Codes.ParamError, "mchid 与请求签名的商户号不一致");
        }

        if (!_book.Trades.TryGetValue(outTradeNo, out var trade) || trade.Mchid != call.Mchid)
        {
            return await AnswerAsync(call, outTradeNo, Error(404, Codes.OrderNotExist, "订单不存在"));
        }

        lock (trade)
        {
            if (trade.State is TradeStates.Success or TradeStates.Refund)
            {
                return Error(403, Codes.OrderPaid, "订单已支付");
            }

            trade.State = TradeStates.Closed;
        }

        return await AnswerAsync(call, outTradeNo, Signed(204, ""));
    }

    private async Task<IResult> RefundAsync(Call call)
    {
        var r = Read<WeChatRefundRequest>(call.Body);
        if (r is null || string.IsNullOrEmpty(r.OutRefundNo) || r.Amount is not { Refund: > 0 })
        {
            return Error(400, Codes.ParamError, "参数错误");
        }

        var trade = r.OutTradeNo is { Length: > 0 } no && _book.Trades.TryGetValue(no, out var byNo) ? byNo
            : _book.Trades.Values.FirstOrDefault(t => t.TransactionId == r.TransactionId);
        if (trade is null || trade.Mchid != call.Mchid || (trade.SubMchid is not null && trade.SubMchid != r.SubMchid))
        {
            return Error(404, Codes.ResourceNotExists, "订单不存在");
        }

        if (_book.Refunds.TryGetValue(r.OutRefundNo, out var existing))
        {
            return await AnswerAsync(call, r.OutRefundNo, Ok(existing.ToWire()));
        }

        // A decline with code ABNORMAL accepts the refund and ends it ABNORMAL (REFUND.ABNORMAL); with code PROCESSING it
        // accepts the refund and leaves it PROCESSING until POST /control/wechatpay/refunds/{no}/finish; any other code
        // refuses it.
        var decline = behaviours.Decline(Name, r.OutRefundNo);
        if (decline is { Code: RefundStates.Abnormal or RefundStates.Processing })
        {
            return await CreateRefundAsync(call, trade, r, decline.Code);
        }

        if (decline is not null)
        {
            var code = decline.Code ?? Codes.InvalidRequest;
            return Error(StatusOf(code), code, decline.Message ?? "模拟拒绝");
        }

        if (behaviours.Take(Name, r.OutRefundNo, BehaviourAction.RefundWindowPassed) is not null)
        {
            return Error(400, Codes.InvalidRequest, "订单已超过退款期限");
        }

        if (behaviours.Take(Name, r.OutRefundNo, BehaviourAction.PayerAccountClosed) is not null)
        {
            return Error(403, Codes.UserAccountAbnormal, "退款请求失败，用户账号已注销");
        }

        if (behaviours.Take(Name, r.OutRefundNo, BehaviourAction.InsufficientBalance) is not null)
        {
            return Error(403, Codes.NotEnough, "基本账户余额不足，请充值后重新发起");
        }

        if (trade.State is not (TradeStates.Success or TradeStates.Refund))
        {
            return Error(400, Codes.InvalidRequest, "订单未支付，不能发起退款");
        }

        if (r.Amount.Total != trade.Total)
        {
            return Error(400, Codes.ParamError, "订单金额与原订单金额不一致");
        }

        return await CreateRefundAsync(call, trade, r, RefundStates.Success);
    }

    private async Task<IResult> CreateRefundAsync(Call call, SimulatedTrade trade, WeChatRefundRequest r, string finalState)
    {
        var refund = new SimulatedRefund
        {
            OutRefundNo = r.OutRefundNo, Trade = trade, Amount = r.Amount.Refund, NotifyUrl = r.NotifyUrl ?? trade.NotifyUrl, CreatedAt = clock.GetUtcNow(),
        };
        lock (trade)
        {
            if (trade.Refunded + refund.Amount > trade.Total)
            {
                return Error(400, Codes.InvalidRequest, "申请退款金额超过订单可退金额");
            }

            if (!_book.Refunds.TryAdd(refund.OutRefundNo, refund))
            {
                refund = _book.Refunds[refund.OutRefundNo];
            }
            else if (finalState is RefundStates.Success or RefundStates.Processing)
            {
                // The refundable amount is taken when the refund is accepted; one that ends otherwise gives it back.
                trade.Refunded += refund.Amount;
            }
        }

        var answer = refund.ToWire();

        // The refund is accepted as PROCESSING and settles right after: the next query sees its final state.
        if (refund.Status == RefundStates.Processing && finalState != RefundStates.Processing)
        {
            Finish(refund, finalState, reserved: false);
        }

        return await AnswerAsync(call, refund.OutRefundNo, Ok(answer));
    }

    /// <summary>A PROCESSING refund reaches its final state (SUCCESS, CLOSED or ABNORMAL) and its notice is sent.</summary>
    private bool Finish(SimulatedRefund refund, string finalState, bool reserved)
    {
        var trade = refund.Trade;
        lock (trade)
        {
            if (refund.Status != RefundStates.Processing)
            {
                return false;
            }

            refund.Status = finalState;
            if (finalState == RefundStates.Success)
            {
                refund.SucceededAt = clock.GetUtcNow();
                trade.State = TradeStates.Refund;
            }
            else if (reserved)
            {
                trade.Refunded -= refund.Amount;
            }
        }

        var (eventType, summary) = finalState switch
        {
            RefundStates.Success => ("REFUND.SUCCESS", "退款成功"),
            RefundStates.Closed => ("REFUND.CLOSED", "退款关闭"),
            _ => ("REFUND.ABNORMAL", "退款异常"),
        };
        SendNotice(trade.Mchid, refund.OutRefundNo, "refund", refund.NotifyUrl, eventType, summary, refund.ToNotice());
        return true;
    }

    private async Task<IResult> RefundQueryAsync(Call call, string outRefundNo)
    {
        if (!_book.Refunds.TryGetValue(outRefundNo, out var refund) || refund.Trade.Mchid != call.Mchid
            || (refund.Trade.SubMchid is not null && call.Query("sub_mchid") != refund.Trade.SubMchid))
        {
            return await AnswerAsync(call, outRefundNo, Error(404, Codes.ResourceNotExists, "退款单不存在"));
        }

        return await AnswerAsync(call, outRefundNo, Ok(refund.ToWire()));
    }

    private async Task<IResult> TransferAsync(Call call)
    {
        var r = Read<WeChatTransferRequest>(call.Body);
        if (r is null || string.IsNullOrEmpty(r.OutBillNo) || string.IsNullOrEmpty(r.Openid) || r.TransferAmount <= 0 || string.IsNullOrEmpty(r.Appid))
        {
            return Error(400, Codes.ParamError, "参数错误");
        }

        string? payeeName = null;
        if (r.UserName is { Length: > 0 } encrypted)
        {
            if (!string.Equals(call.Http.Request.Headers[WeChatPayProtocol.SerialHeader].ToString(), PlatformSerial, StringComparison.OrdinalIgnoreCase))
            {
                return Error(400, Codes.ParamError, "Wechatpay-Serial 与加密所用的平台证书不一致");
            }

            payeeName = WeChatPayProtocol.DecryptSensitive(PlatformKey, encrypted);
            if (payeeName is null)
            {
                return Error(400, Codes.ParamError, "user_name 解密失败");
            }
        }

        if (_book.Transfers.TryGetValue(r.OutBillNo, out var existing))
        {
            return await AnswerAsync(call, r.OutBillNo, Ok(existing.ToWire()));
        }

        if (behaviours.Decline(Name, r.OutBillNo) is { } decline)
        {
            var code = decline.Code ?? Codes.InvalidRequest;
            return Error(StatusOf(code), code, decline.Message ?? "模拟拒绝");
        }

        if (behaviours.Take(Name, r.OutBillNo, BehaviourAction.InsufficientBalance) is not null)
        {
            return Error(403, Codes.NotEnough, "商户运营账户资金不足");
        }

        var now = clock.GetUtcNow();
        var transfer = _book.Transfers.GetOrAdd(r.OutBillNo, _ => new SimulatedTransfer
        {
            OutBillNo = r.OutBillNo, Mchid = call.Mchid, Appid = r.Appid, Openid = r.Openid, Amount = r.TransferAmount,
            NotifyUrl = r.NotifyUrl, PayeeName = payeeName, CreatedAt = now, UpdatedAt = now,
        });
        var answer = transfer.ToWire();

        // Accepted now; it finishes right after (FAIL when the payee's account is closed), then the bill notice follows.
        var closed = behaviours.Take(Name, r.OutBillNo, BehaviourAction.PayerAccountClosed) is not null;
        transfer.State = closed ? TransferStates.Fail : TransferStates.Success;
        transfer.FailReason = closed ? "ACCOUNT_NOT_EXIST" : null;
        transfer.UpdatedAt = clock.GetUtcNow();
        if (transfer.NotifyUrl is not null)
        {
            SendNotice(call.Mchid, transfer.OutBillNo, "transfer", transfer.NotifyUrl, "MCHTRANSFER.BILL.FINISHED", "商家转账单据终态通知",
                new WeChatTransferBill(transfer.OutBillNo, transfer.TransferBillNo, transfer.State, WeChatPayProtocol.Rfc3339(transfer.CreatedAt),
                    WeChatPayProtocol.Rfc3339(transfer.UpdatedAt), transfer.Amount, transfer.FailReason, transfer.Mchid, transfer.Appid, transfer.Openid));
        }

        return await AnswerAsync(call, transfer.OutBillNo, Ok(answer));
    }

    private async Task<IResult> TransferQueryAsync(Call call, string outBillNo) =>
        await AnswerAsync(call, outBillNo, _book.Transfers.TryGetValue(outBillNo, out var transfer) && transfer.Mchid == call.Mchid
            ? Ok(transfer.ToWire())
            : Error(404, Codes.NotFound, "记录不存在"));

    private Task<IResult> TradeBillAsync(Call call)
    {
        if (!DateOnly.TryParseExact(call.Query("bill_date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Task.FromResult(Error(400, Codes.ParamError, "bill_date 格式错误，应为 yyyy-MM-dd"));
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(WeChatPayProtocol.ChinaOffset).DateTime);
        if (date > today)
        {
            return Task.FromResult(Error(400, Codes.InvalidRequest, "账单日期不能晚于今天"));
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _book.BillTokens[token] = (call.Mchid, call.Query("sub_mchid"), date);
        var bill = _book.TradeBill(call.Mchid, call.Query("sub_mchid"), date);
        var host = $"{call.Http.Request.Scheme}://{call.Http.Request.Host}";
        return Task.FromResult(Ok(new WeChatBillAnswer($"{host}/v3/billdownload/file?token={token}", "SHA1",
            Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(bill))))));
    }

    /// <summary>The bill file; like WeChat Pay's download, the file answer itself carries no signature.</summary>
    private Task<IResult> DownloadBillAsync(Call call) =>
        Task.FromResult(call.Query("token") is { } token && _book.BillTokens.TryGetValue(token, out var bill) && bill.Mchid == call.Mchid
            ? Results.Text(_book.TradeBill(bill.Mchid, bill.SubMchid, bill.Date), "text/plain; charset=utf-8", Encoding.UTF8)
            : Error(404, Codes.NotFound, "账单不存在或已过期"));

    /// <summary>The payer pays: the trade succeeds and TRANSACTION.SUCCESS is sent. False when it is not NOTPAY.</summary>
    private bool Pay(SimulatedTrade trade)
    {
        lock (trade)
        {
            if (trade.State != TradeStates.NotPay)
            {
                return false;
            }

            if (trade.ExpiresAt is { } expires && clock.GetUtcNow() > expires)
            {
                trade.State = TradeStates.Closed;
                return false;
            }

            trade.State = TradeStates.Success;
            trade.PaidAt = clock.GetUtcNow();
        }

        SendNotice(trade.Mchid, trade.OutTradeNo, "transaction", trade.NotifyUrl, "TRANSACTION.SUCCESS", "支付成功", trade.ToWire());
        return true;
    }

    /// <summary>Queues an encrypted notice: the resource is sealed once, each attempt is signed afresh (forged: by another key).</summary>
    private void SendNotice<T>(string mchid, string orderId, string originalType, string notifyUrl, string eventType, string summary, T resource)
    {
        if (merchants.Find(Name, mchid)?.Setting("api_v3_key") is not { } apiV3Key || !Uri.TryCreate(notifyUrl, UriKind.Absolute, out var url))
        {
            return;
        }

        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var ciphertext = WeChatPayProtocol.EncryptResource(Encoding.UTF8.GetBytes(apiV3Key), nonce, originalType,
            JsonSerializer.Serialize(resource, WeChatPayProtocol.Json));
        var notice = new WeChatNotice("EV-" + Guid.NewGuid().ToString("N")[..20], eventType,
            new WeChatNoticeResource(WeChatPayProtocol.AeadAlgorithm, ciphertext, nonce, originalType, originalType),
            WeChatPayProtocol.Rfc3339(clock.GetUtcNow()), "encrypt-resource", summary);
        var body = JsonSerializer.Serialize(notice, WeChatPayProtocol.Json);
        callbacks.Enqueue(new SimulatedCallback(Name, orderId, eventType, url, forged =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in SignatureHeaders(body, forged ? ForgerKey : PlatformKey))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }

            message.Headers.TryAddWithoutValidation(WeChatPayProtocol.SignatureTypeHeader, WeChatPayProtocol.AuthScheme);
            return message;
        }, (status, _) => status is 200 or 204, CallbackRetrySchedule));
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

    private async Task<IResult> AnswerAsync(Call call, string orderId, IResult answer) =>
        await behaviours.BeforeAnswerAsync(Name, orderId, call.Http.RequestAborted) ?? answer;

    private IResult Ok<T>(T body) => Signed(200, JsonSerializer.Serialize(body, WeChatPayProtocol.Json));

    private IResult Error(int status, string code, string message) =>
        Signed(status, JsonSerializer.Serialize(new WeChatError(code, message), WeChatPayProtocol.Json));

    private IResult Signed(int status, string body) => new SignedAnswer(status, body, SignatureHeaders(body, PlatformKey).ToList());

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
