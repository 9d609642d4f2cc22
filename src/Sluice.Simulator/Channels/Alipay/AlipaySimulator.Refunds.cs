using System.Text.Json;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.Alipay.AlipayProtocol;

namespace Sluice.Simulator.Channels.Alipay;

// alipay.trade.refund and alipay.trade.fastpay.refund.query.
public sealed partial class AlipaySimulator
{
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
}
