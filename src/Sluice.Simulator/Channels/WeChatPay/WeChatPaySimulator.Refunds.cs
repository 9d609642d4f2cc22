using Sluice.Channels.WeChatPay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.WeChatPay.WeChatPayResultCodes;

namespace Sluice.Simulator.Channels.WeChatPay;

// Domestic refunds, their query, and the end of a refund left PROCESSING.
public sealed partial class WeChatPaySimulator
{
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
}
