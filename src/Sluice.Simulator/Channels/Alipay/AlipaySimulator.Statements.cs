using System.Globalization;
using System.Text.Json;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.Alipay.AlipayProtocol;

namespace Sluice.Simulator.Channels.Alipay;

// alipay.data.dataservice.bill.downloadurl.query: the URL of the day's statement (served at /alipay/bills/{token}).
public sealed partial class AlipaySimulator
{
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
}
