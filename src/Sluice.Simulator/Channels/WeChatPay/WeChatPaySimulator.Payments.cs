using System.Globalization;
using System.Security.Cryptography;
using Sluice.Channels.WeChatPay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.WeChatPay.WeChatPayResultCodes;

namespace Sluice.Simulator.Channels.WeChatPay;

// Prepay (native, jsapi, h5, app; direct and partner), query and close by out_trade_no, and the payer paying.
public sealed partial class WeChatPaySimulator
{
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
}
