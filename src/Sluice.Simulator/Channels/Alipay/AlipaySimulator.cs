using System.Globalization;
using System.Net;
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
public sealed class AlipaySimulator(
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

    private Dictionary<string, object?> Precreate(SimulatedMerchant merchant, Dictionary<string, string> parameters, JsonElement biz)
    {
        var (trade, error) = OpenTrade(merchant, parameters, biz);
        if (trade is null)
        {
            return error!;
        }

        return Ok(new() { ["out_trade_no"] = trade.OutTradeNo, ["qr_code"] = trade.QrCode });
    }

    /// <summary>Creates the trade a pay request describes, or finds the same one again; a different one under the same number is refused.</summary>
    private (SimulatedTrade? Trade, Dictionary<string, object?>? Error) OpenTrade(SimulatedMerchant merchant, Dictionary<string, string> parameters, JsonElement biz)
    {
        var outTradeNo = Str(biz, "out_trade_no");
        var amount = ParseYuan(Str(biz, "total_amount"));
        var subject = Str(biz, "subject");
        if (string.IsNullOrEmpty(outTradeNo) || amount is null or <= 0 || string.IsNullOrEmpty(subject))
        {
            return (null, Error(Codes.BusinessFailed, Codes.InvalidBizParameter, "参数无效"));
        }

        var now = clock.GetUtcNow();
        var trade = trades.GetOrAdd(new SimulatedTrade
        {
            AppId = merchant.MerchantId, OutTradeNo = outTradeNo, TradeNo = trades.NewNumber(now), TotalFen = amount.Value, Subject = subject,
            Method = parameters["method"], NotifyUrl = parameters.GetValueOrDefault("notify_url"), AppAuthToken = parameters.GetValueOrDefault("app_auth_token"),
            QrCode = "https://qr.alipay.com/bax0" + Guid.NewGuid().ToString("N")[..20], CreatedAt = now,
            ExpiresAt = ParseBeijingTime(Str(biz, "time_expire")),
        });
        lock (trade)
        {
            var refusal = trade.TotalFen != amount || trade.Subject != subject ? Error(Codes.BusinessFailed, Codes.ContextInconsistent, "交易信息被篡改")
                : trade.Status is States.TradeSuccess or States.TradeFinished ? Error(Codes.BusinessFailed, Codes.TradeHasSuccess, "交易已被支付")
                : trade.Status == States.TradeClosed ? Error(Codes.BusinessFailed, Codes.TradeHasClose, "交易已经关闭")
                : null;
            if (refusal is not null)
            {
                return (null, refusal);
            }
        }

        // The "approve" behaviour: the payer pays the moment the trade exists.
        if (answers.Take(ChannelName, trade.OutTradeNo, BehaviourAction.Approve) is not null)
        {
            MarkPaid(trade);
        }

        return (trade, null);
    }

    private Dictionary<string, object?> Query(SimulatedMerchant merchant, JsonElement biz)
    {
        if (trades.Find(merchant.MerchantId, Str(biz, "out_trade_no"), Str(biz, "trade_no")) is not { } trade)
        {
            return Error(Codes.BusinessFailed, Codes.TradeNotExist, "交易不存在");
        }

        lock (trade)
        {
            return Ok(new()
            {
                ["trade_no"] = trade.TradeNo, ["out_trade_no"] = trade.OutTradeNo, ["buyer_logon_id"] = BuyerLogonId,
                ["trade_status"] = trade.Status, ["total_amount"] = ToYuan(trade.TotalFen),
                ["buyer_pay_amount"] = trade.PaidAt is null ? "0.00" : ToYuan(trade.TotalFen),
                ["send_pay_date"] = trade.PaidAt is { } paid ? BeijingTime(paid) : null,
                ["buyer_user_id"] = trade.PaidAt is null ? null : BuyerUserId,
            });
        }
    }

    private Dictionary<string, object?> Close(SimulatedMerchant merchant, JsonElement biz)
    {
        if (trades.Find(merchant.MerchantId, Str(biz, "out_trade_no"), Str(biz, "trade_no")) is not { } trade)
        {
            return Error(Codes.BusinessFailed, Codes.TradeNotExist, "交易不存在");
        }

        lock (trade)
        {
            if (trade.Status is States.TradeSuccess or States.TradeFinished)
            {
                return Error(Codes.BusinessFailed, Codes.TradeStatusError, "交易状态不合法");
            }

            trade.Status = States.TradeClosed;
            return Ok(new() { ["trade_no"] = trade.TradeNo, ["out_trade_no"] = trade.OutTradeNo });
        }
    }

    private Dictionary<string, object?> Refund(SimulatedMerchant merchant, JsonElement biz)
    {
        var amount = ParseYuan(Str(biz, "refund_amount"));
        if (amount is null or <= 0)
        {
            return Error(Codes.BusinessFailed, Codes.InvalidBizParameter, "参数无效");
        }

        if (trades.Find(merchant.MerchantId, Str(biz, "out_trade_no"), Str(biz, "trade_no")) is not { } trade)
        {
            return Error(Codes.BusinessFailed, Codes.TradeNotExist, "交易不存在");
        }

        if (answers.Take(ChannelName, trade.OutTradeNo, BehaviourAction.RefundWindowPassed) is not null)
        {
            return Error(Codes.BusinessFailed, Codes.TradeNotAllowRefund, "当前交易不允许退款（已超过退款期限）");
        }

        if (answers.Take(ChannelName, trade.OutTradeNo, BehaviourAction.InsufficientBalance) is not null)
        {
            return Error(Codes.BusinessFailed, "ACQ.SELLER_BALANCE_NOT_ENOUGH", "卖家余额不足");
        }

        // Without out_request_no Alipay takes the trade's own number as the refund's (one full refund).
        var requestNo = Str(biz, "out_request_no") is { Length: > 0 } no ? no : trade.OutTradeNo;
        var now = clock.GetUtcNow();
        var fullyRefunded = false;
        Dictionary<string, object?> answer;
        lock (trade)
        {
            var earlier = trade.Refunds.FirstOrDefault(r => r.OutRequestNo == requestNo);
            if (earlier is not null && earlier.AmountFen != amount)
            {
                return Error(Codes.BusinessFailed, Codes.DiscordantRepeatRequest, "请求信息不一致");
            }

            if (earlier is null)
            {
                if (trade.Status == States.WaitBuyerPay)
                {
                    return Error(Codes.BusinessFailed, Codes.TradeStatusError, "交易状态不合法");
                }

                if (trade.Status == States.TradeClosed)
                {
                    return Error(Codes.BusinessFailed, Codes.TradeHasClose, "交易已经关闭");
                }

                if (trade.RefundedFen + amount > trade.TotalFen)
                {
                    return Error(Codes.BusinessFailed, Codes.RefundAmountExceeds, "退款金额超限");
                }

                trade.Refunds.Add(new SimulatedRefund(requestNo, amount.Value, now));
                trade.RefundedFen += amount.Value;
                if (trade.RefundedFen == trade.TotalFen)
                {
                    trade.Status = States.TradeClosed;
                    fullyRefunded = true;
                }
            }

            answer = Ok(new()
            {
                ["trade_no"] = trade.TradeNo, ["out_trade_no"] = trade.OutTradeNo, ["buyer_logon_id"] = BuyerLogonId,
                ["fund_change"] = earlier is null ? "Y" : "N", ["refund_fee"] = ToYuan(trade.RefundedFen),
                ["gmt_refund_pay"] = BeijingTime(earlier?.At ?? now), ["buyer_user_id"] = BuyerUserId,
            });
        }

        if (fullyRefunded)
        {
            SendNotice(trade, requestNo);
        }

        return answer;
    }

    private Dictionary<string, object?> RefundQuery(SimulatedMerchant merchant, JsonElement biz)
    {
        if (trades.Find(merchant.MerchantId, Str(biz, "out_trade_no"), Str(biz, "trade_no")) is not { } trade)
        {
            return Error(Codes.BusinessFailed, Codes.TradeNotExist, "交易不存在");
        }

        var requestNo = Str(biz, "out_request_no") is { Length: > 0 } no ? no : trade.OutTradeNo;
        lock (trade)
        {
            var refund = trade.Refunds.FirstOrDefault(r => r.OutRequestNo == requestNo);
            return refund is null
                ? Ok(new() { ["trade_no"] = trade.TradeNo, ["out_trade_no"] = trade.OutTradeNo, ["out_request_no"] = requestNo })
                : Ok(new()
                {
                    ["trade_no"] = trade.TradeNo, ["out_trade_no"] = trade.OutTradeNo, ["out_request_no"] = requestNo,
                    // As Alipay: refund_status is returned only for the asynchronous refund API; for alipay.trade.refund the
                    // refund's data being there at all is what says it succeeded.
                    ["total_amount"] = ToYuan(trade.TotalFen), ["refund_amount"] = ToYuan(refund.AmountFen),
                    ["gmt_refund_pay"] = BeijingTime(refund.At),
                });
        }
    }

    private Dictionary<string, object?> Transfer(SimulatedMerchant merchant, JsonElement biz)
    {
        var outBizNo = Str(biz, "out_biz_no");
        var amount = ParseYuan(Str(biz, "trans_amount"));
        var payee = biz.TryGetProperty("payee_info", out var p) ? p : default;
        var identity = payee.ValueKind == JsonValueKind.Object ? Str(payee, "identity") : null;
        if (string.IsNullOrEmpty(outBizNo) || amount is null or <= 0 || string.IsNullOrEmpty(identity)
            || Str(biz, "product_code") != "TRANS_ACCOUNT_NO_PWD" || Str(biz, "biz_scene") != "DIRECT_TRANSFER"
            || Str(payee, "identity_type") is not ("ALIPAY_USER_ID" or "ALIPAY_LOGON_ID"))
        {
            return Error(Codes.BusinessFailed, "INVALID_PARAMETER", "参数有误");
        }

        if (trades.FindTransfer(merchant.MerchantId, outBizNo, null) is null)
        {
            if (answers.Take(ChannelName, outBizNo, BehaviourAction.InsufficientBalance) is not null)
            {
                return Error(Codes.BusinessFailed, Codes.PayerBalanceNotEnough, "付款方余额不足");
            }

            if (answers.Take(ChannelName, outBizNo, BehaviourAction.PayerAccountClosed) is not null)
            {
                return Error(Codes.BusinessFailed, Codes.PayeeAccountStatusError, "收款方账户状态异常");
            }
        }

        var now = clock.GetUtcNow();
        var transfer = trades.GetOrAdd(new SimulatedTransfer(merchant.MerchantId, outBizNo, trades.NewNumber(now), trades.NewNumber(now),
            amount.Value, identity, States.TransferSuccess, now));
        return transfer.AmountFen != amount || transfer.PayeeIdentity != identity
            ? Error(Codes.BusinessFailed, "INVALID_PARAMETER", "请求信息与已有订单不一致")
            : Ok(new()
            {
                ["out_biz_no"] = transfer.OutBizNo, ["order_id"] = transfer.OrderId, ["pay_fund_order_id"] = transfer.PayFundOrderId,
                ["status"] = transfer.Status, ["trans_date"] = BeijingTime(transfer.At),
            });
    }

    private Dictionary<string, object?> TransferQuery(SimulatedMerchant merchant, JsonElement biz) =>
        trades.FindTransfer(merchant.MerchantId, Str(biz, "out_biz_no"), Str(biz, "order_id")) is not { } transfer
            ? Error(Codes.BusinessFailed, Codes.TransferOrderNotExist, "转账订单不存在")
            : Ok(new()
            {
                ["order_id"] = transfer.OrderId, ["pay_fund_order_id"] = transfer.PayFundOrderId, ["out_biz_no"] = transfer.OutBizNo,
                ["trans_amount"] = ToYuan(transfer.AmountFen), ["status"] = transfer.Status, ["pay_date"] = BeijingTime(transfer.At),
            });

    private Dictionary<string, object?> BillUrl(SimulatedMerchant merchant, JsonElement biz, HttpRequest request)
    {
        if (Str(biz, "bill_type") is not ("trade" or "signcustomer")
            || !DateOnly.TryParseExact(Str(biz, "bill_date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Error(Codes.BusinessFailed, "isp.bill_not_exist", "账单不存在");
        }

        var token = trades.StoreBill(trades.Statement(merchant.MerchantId, date));
        return Ok(new() { ["bill_download_url"] = $"{request.Scheme}://{request.Host}/alipay/bills/{token}" });
    }

    /// <summary>
    /// The payer's browser arriving with a signed alipay.trade.page.pay / wap.pay request: verified like a POST, the trade
    /// opened, and a one-button cashier shown whose form is the payer paying.
    /// </summary>
    private IResult CashierPage(HttpRequest request)
    {
        var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var (_, merchant, refusal) = Authenticate(parameters);
        if (refusal is null && parameters["method"] is not (Methods.PagePay or Methods.WapPay))
        {
            refusal = Error(Codes.InvalidParameter, Codes.InvalidMethod, "不存在的方法名");
        }

        SimulatedTrade? trade = null;
        if (refusal is null)
        {
            var biz = JsonDocument.Parse(parameters.GetValueOrDefault("biz_content") ?? "{}").RootElement;
            (trade, refusal) = OpenTrade(merchant!, parameters, biz);
        }

        if (trade is null)
        {
            return Results.Content($"<!doctype html><html><body><h1>支付宝 - 错误</h1><p>错误代码 {WebUtility.HtmlEncode(refusal!["sub_code"]?.ToString())}</p>"
                + $"<p>{WebUtility.HtmlEncode(refusal["sub_msg"]?.ToString())}</p></body></html>", "text/html", Encoding.UTF8, StatusCodes.Status400BadRequest);
        }

        var no = WebUtility.HtmlEncode(trade.OutTradeNo);
        return Results.Content(
            $"<!doctype html><html><head><meta charset=\"utf-8\"><title>支付宝收银台</title></head><body><h1>支付宝收银台 (simulator)</h1>"
            + $"<p>{WebUtility.HtmlEncode(trade.Subject)} — ¥{ToYuan(trade.TotalFen)}</p>"
            + $"<form method=\"post\" action=\"/control/alipay/orders/{Uri.EscapeDataString(trade.OutTradeNo)}/pay\"><button>确认付款 {no}</button></form></body></html>",
            "text/html", Encoding.UTF8);
    }

    /// <summary>The Alipay app handed an alipay.trade.app.pay order string: verified, and the trade opened for the payer.</summary>
    private IResult AppReceivesOrderString(string orderString)
    {
        var parameters = ParseForm(orderString);
        var (_, merchant, refusal) = Authenticate(parameters);
        if (refusal is null && parameters["method"] != Methods.AppPay)
        {
            refusal = Error(Codes.InvalidParameter, Codes.InvalidMethod, "不存在的方法名");
        }

        SimulatedTrade? trade = null;
        if (refusal is null)
        {
            (trade, refusal) = OpenTrade(merchant!, parameters, JsonDocument.Parse(parameters.GetValueOrDefault("biz_content") ?? "{}").RootElement);
        }

        return trade is null ? Results.BadRequest(refusal) : Results.Ok(Locked(trade, trade.View));
    }

    private IResult PayerPays(string outTradeNo, bool finish = false)
    {
        if (trades.FindAnyApp(outTradeNo) is not { } trade)
        {
            return Results.NotFound();
        }

        lock (trade)
        {
            if (trade.Status == States.WaitBuyerPay && trade.ExpiresAt < clock.GetUtcNow())
            {
                trade.Status = States.TradeClosed;
            }

            if (trade.Status != States.WaitBuyerPay)
            {
                return Results.Conflict(trade.View());
            }
        }

        MarkPaid(trade, finish);
        return Results.Ok(Locked(trade, trade.View));
    }

    private void MarkPaid(SimulatedTrade trade, bool finish = false)
    {
        lock (trade)
        {
            if (trade.Status != States.WaitBuyerPay)
            {
                return;
            }

            trade.Status = States.TradeSuccess;
            trade.PaidAt = clock.GetUtcNow();
        }

        if (!finish)
        {
            SendNotice(trade, refundRequestNo: null);
            return;
        }

        var success = Notice(trade, refundRequestNo: null);
        lock (trade)
        {
            trade.Status = States.TradeFinished;
        }

        // One sequence, so the out-of-order behaviour can deliver TRADE_FINISHED before TRADE_SUCCESS.
        callbacks.Enqueue([.. new[] { success, Notice(trade, refundRequestNo: null) }.OfType<SimulatedCallback>()]);
    }

    /// <summary>
    /// A trade_status_sync notice: form-urlencoded, RSA2-signed over every parameter but sign and sign_type with the
    /// platform key (or the forger's for a forged callback). After a full refund it carries out_biz_no, refund_fee, gmt_refund.
    /// </summary>
    private void SendNotice(SimulatedTrade trade, string? refundRequestNo)
    {
        if (Notice(trade, refundRequestNo) is { } notice)
        {
            callbacks.Enqueue(notice);
        }
    }

    /// <summary>The notice of the trade's current state; null when the trade has no notify_url.</summary>
    private SimulatedCallback? Notice(SimulatedTrade trade, string? refundRequestNo)
    {
        if (string.IsNullOrEmpty(trade.NotifyUrl) || !Uri.TryCreate(trade.NotifyUrl, UriKind.Absolute, out var url))
        {
            return null;
        }

        Dictionary<string, string> notice;
        lock (trade)
        {
            notice = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["notify_time"] = BeijingTime(clock.GetUtcNow()),
                ["notify_type"] = "trade_status_sync",
                ["notify_id"] = Guid.NewGuid().ToString("N"),
                ["app_id"] = trade.AppId,
                ["auth_app_id"] = trade.AppId,
                ["charset"] = Charset,
                ["version"] = AlipayProtocol.Version,
                ["sign_type"] = SignType,
                ["trade_no"] = trade.TradeNo,
                ["out_trade_no"] = trade.OutTradeNo,
                ["buyer_id"] = BuyerUserId,
                ["buyer_logon_id"] = BuyerLogonId,
                ["seller_id"] = SellerId,
                ["trade_status"] = trade.Status,
                ["total_amount"] = ToYuan(trade.TotalFen),
                ["receipt_amount"] = ToYuan(trade.TotalFen),
                ["invoice_amount"] = ToYuan(trade.TotalFen),
                ["buyer_pay_amount"] = ToYuan(trade.TotalFen),
                ["point_amount"] = "0.00",
                ["subject"] = trade.Subject,
                ["gmt_create"] = BeijingTime(trade.CreatedAt),
            };
            if (trade.PaidAt is { } paid)
            {
                notice["gmt_payment"] = BeijingTime(paid);
            }

            if (refundRequestNo is not null)
            {
                notice["out_biz_no"] = refundRequestNo;
                notice["refund_fee"] = ToYuan(trade.RefundedFen);
                notice["gmt_refund"] = BeijingTime(trade.Refunds.Last().At);
                notice["gmt_close"] = BeijingTime(trade.Refunds.Last().At);
            }
        }

        return new SimulatedCallback(ChannelName, trade.OutTradeNo, refundRequestNo is null ? "payment" : "refund", url,
            forged =>
            {
                var signed = new Dictionary<string, string>(notice, StringComparer.Ordinal)
                {
                    ["sign"] = AlipaySignature.Sign(AlipaySignature.NoticeSignContent(notice), PrivateKeyPem(forged)),
                };
                return new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(ToQuery(signed), Encoding.UTF8, "application/x-www-form-urlencoded"),
                };
            },
            (status, body) => status == StatusCodes.Status200OK && body.Trim() == NoticeAccepted,
            CallbackRetrySchedule);
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
