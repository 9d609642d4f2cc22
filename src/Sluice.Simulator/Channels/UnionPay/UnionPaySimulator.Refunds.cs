using Sluice.Channels.UnionPay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.UnionPay.UnionPayProtocol;

namespace Sluice.Simulator.Channels.UnionPay;

// Refunds (txnType 04) of a successful consume.
public sealed partial class UnionPaySimulator
{
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
}
