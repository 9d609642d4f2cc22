using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sluice.Channels.WeChatPay;
using static Sluice.Channels.WeChatPay.WeChatPayResultCodes;

namespace Sluice.Simulator.Channels.WeChatPay;

// The trade bill: its download URL and the file.
public sealed partial class WeChatPaySimulator
{
    private Task<IResult> TradeBillAsync(Call call)
    {
        if (!DateOnly.TryParseExact(call.Query("bill_date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return Task.FromResult<IResult>(Error(400, Codes.ParamError, "bill_date 格式错误，应为 yyyy-MM-dd"));
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(WeChatPayProtocol.ChinaOffset).DateTime);
        if (date > today)
        {
            return Task.FromResult<IResult>(Error(400, Codes.InvalidRequest, "账单日期不能晚于今天"));
        }

        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _book.BillTokens[token] = (call.Mchid, call.Query("sub_mchid"), date);
        var bill = _book.TradeBill(call.Mchid, call.Query("sub_mchid"), date);
        var host = $"{call.Http.Request.Scheme}://{call.Http.Request.Host}";
        // WeChat Pay's bill answer names SHA1 as the file's hash_type: the simulator plays that protocol, not a choice of ours.
#pragma warning disable CA5350
        var hash = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(bill)));
#pragma warning restore CA5350
        return Task.FromResult<IResult>(Ok(new WeChatBillAnswer($"{host}/v3/billdownload/file?token={token}", "SHA1", hash)));
    }

    /// <summary>The bill file; like WeChat Pay's download, the file answer itself carries no signature.</summary>
    private Task<IResult> DownloadBillAsync(Call call) =>
        Task.FromResult(call.Query("token") is { } token && _book.BillTokens.TryGetValue(token, out var bill) && bill.Mchid == call.Mchid
            ? Results.Text(_book.TradeBill(bill.Mchid, bill.SubMchid, bill.Date), "text/plain; charset=utf-8", Encoding.UTF8)
            : Error(404, Codes.NotFound, "账单不存在或已过期"));
}
