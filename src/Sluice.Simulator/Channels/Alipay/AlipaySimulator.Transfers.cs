using System.Text.Json;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.Alipay.AlipayProtocol;

namespace Sluice.Simulator.Channels.Alipay;

// alipay.fund.trans.uni.transfer and alipay.fund.trans.common.query: payouts to an Alipay account.
public sealed partial class AlipaySimulator
{
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
}
