using System.Globalization;
using System.Text;

namespace Sluice.Simulator.Channels.UnionPay;

// The day's statement file of a merchant.
public sealed partial class UnionPaySimulator
{
    /// <summary>
    /// The day's transactions for a merchant. Simplified: ACP's fileTransfer answers a zip of fixed-width files
    /// (INN…ZM_ with some 30 fields per line); the simulator serves one UTF-8 text file of those fields Sluice
    /// reconciles on, space-separated in fixed widths: txnType(2) orderId(40) queryId(21) txnTime(14) txnAmt(12)
    /// currencyCode(3) respCode(2) origQryId(21).
    /// </summary>
    private string Statement(string merId, string date)
    {
        var builder = new StringBuilder();
        builder.Append(CultureInfo.InvariantCulture, $"# UnionPay ACP simplified statement merId={merId} date={date}\n");
        foreach (var o in _orders.Values.Where(o => o.MerId == merId && o.OrigRespCode is not null && o.TxnTime.StartsWith(date, StringComparison.Ordinal))
                     .OrderBy(o => o.TxnTime, StringComparer.Ordinal).ThenBy(o => o.QueryId, StringComparer.Ordinal))
        {
            builder.Append(CultureInfo.InvariantCulture,
                $"{o.TxnType,-2} {o.OrderId,-40} {o.QueryId,-21} {o.TxnTime,-14} {o.Amount.ToString("D12", CultureInfo.InvariantCulture)} {o.Currency,-3} {o.OrigRespCode,-2} {o.OrigQryId ?? "",-21}\n");
        }

        return builder.ToString();
    }
}
