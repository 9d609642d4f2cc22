using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.Alipay.AlipayProtocol;

namespace Sluice.Simulator.Channels.Alipay;

// The payment side of the gateway: precreate, query and close, the payer's cashier page and app order string,
// and the payer paying.
public sealed partial class AlipaySimulator
{
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
}
