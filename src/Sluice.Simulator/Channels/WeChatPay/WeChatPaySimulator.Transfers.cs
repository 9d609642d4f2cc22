using Sluice.Channels.WeChatPay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.WeChatPay.WeChatPayResultCodes;

namespace Sluice.Simulator.Channels.WeChatPay;

// Merchant transfers (transfer-bills) and their query.
public sealed partial class WeChatPaySimulator
{
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
}
