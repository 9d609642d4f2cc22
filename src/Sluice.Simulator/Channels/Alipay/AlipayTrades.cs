using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Sluice.Channels.Alipay;

namespace Sluice.Simulator.Channels.Alipay;

/// <summary>One trade as Alipay holds it. Mutated under its own lock.</summary>
public sealed class SimulatedTrade
{
    public required string AppId { get; init; }
    public required string OutTradeNo { get; init; }
    public required string TradeNo { get; init; }
    public required long TotalFen { get; init; }
    public required string Subject { get; init; }
    public required string Method { get; init; }
    public string? NotifyUrl { get; init; }
    public string? AppAuthToken { get; init; }
    public required string QrCode { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The request's <c>time_expire</c>: after it the payer can no longer pay and the trade closes.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    public string Status { get; set; } = AlipayProtocol.States.WaitBuyerPay;
    public DateTimeOffset? PaidAt { get; set; }
    public long RefundedFen { get; set; }
    public List<SimulatedRefund> Refunds { get; } = [];

    public object View() => new
    {
        app_id = AppId, out_trade_no = OutTradeNo, trade_no = TradeNo, total_amount = AlipayProtocol.ToYuan(TotalFen), subject = Subject,
        method = Method, trade_status = Status, app_auth_token = AppAuthToken, refunded_amount = AlipayProtocol.ToYuan(RefundedFen),
        paid_at = PaidAt, refunds = Refunds.Select(r => new { out_request_no = r.OutRequestNo, refund_amount = AlipayProtocol.ToYuan(r.AmountFen), r.At }),
    };
}

public sealed record SimulatedRefund(string OutRequestNo, long AmountFen, DateTimeOffset At);

/// <summary>One transfer (alipay.fund.trans.uni.transfer) as Alipay holds it.</summary>
public sealed record SimulatedTransfer(
    string AppId, string OutBizNo, string OrderId, string PayFundOrderId, long AmountFen, string PayeeIdentity, string Status, DateTimeOffset At);

/// <summary>The simulated Alipay's books: trades and transfers per app_id, in memory.</summary>
public sealed class AlipayTrades
{
    private readonly ConcurrentDictionary<(string AppId, string OutTradeNo), SimulatedTrade> _trades = new();
    private readonly ConcurrentDictionary<(string AppId, string OutBizNo), SimulatedTransfer> _transfers = new();
    private readonly ConcurrentDictionary<string, string> _bills = new(StringComparer.Ordinal);
    private long _sequence;

    public SimulatedTrade GetOrAdd(SimulatedTrade trade) => _trades.GetOrAdd((trade.AppId, trade.OutTradeNo), trade);

    public SimulatedTrade? Find(string appId, string? outTradeNo, string? tradeNo) =>
        !string.IsNullOrEmpty(outTradeNo) && _trades.TryGetValue((appId, outTradeNo), out var t) ? t
        : string.IsNullOrEmpty(tradeNo) ? null
        : _trades.Values.FirstOrDefault(x => x.AppId == appId && x.TradeNo == tradeNo);

    /// <summary>A trade by the merchant's order number, whichever app made it (for the payer's control endpoint).</summary>
    public SimulatedTrade? FindAnyApp(string outTradeNo) => _trades.Values.FirstOrDefault(t => t.OutTradeNo == outTradeNo);

    public SimulatedTransfer GetOrAdd(SimulatedTransfer transfer) => _transfers.GetOrAdd((transfer.AppId, transfer.OutBizNo), transfer);

    public SimulatedTransfer? FindTransfer(string appId, string? outBizNo, string? orderId) =>
        !string.IsNullOrEmpty(outBizNo) && _transfers.TryGetValue((appId, outBizNo), out var t) ? t
        : string.IsNullOrEmpty(orderId) ? null
        : _transfers.Values.FirstOrDefault(x => x.AppId == appId && x.OrderId == orderId);

    /// <summary>An Alipay-style 28-digit number: date, a sequence and random digits.</summary>
    public string NewNumber(DateTimeOffset now) =>
        BeijingDate(now, "yyyyMMdd") + "2200" + Interlocked.Increment(ref _sequence).ToString("D8", CultureInfo.InvariantCulture)
        + RandomNumberGenerator.GetInt32(10_000_000, 99_999_999).ToString(CultureInfo.InvariantCulture);

    public string StoreBill(string csv)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _bills[token] = csv;
        return token;
    }

    public string? Bill(string token) => _bills.GetValueOrDefault(token);

    /// <summary>
    /// The trade statement ("业务明细") of one app for one Beijing date, in the column layout of Alipay's
    /// <c>{pid}_{date}_业务明细.csv</c>: comment header lines, the column names, one row per payment and per refund,
    /// a summary. Alipay serves it GBK-encoded inside a zip; the simulator serves the CSV itself in UTF-8.
    /// </summary>
    public string Statement(string appId, DateOnly date)
    {
        var csv = new StringBuilder();
        csv.AppendLine("#支付宝业务明细查询");
        csv.AppendLine(CultureInfo.InvariantCulture, $"#账号：[{appId}]");
        csv.AppendLine(CultureInfo.InvariantCulture, $"#起始日期：[{date:yyyy年MM月dd日} 00:00:00]   终止日期：[{date.AddDays(1):yyyy年MM月dd日} 00:00:00]");
        csv.AppendLine("#-----------------------------------------业务明细列表----------------------------------------");
        csv.AppendLine("支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注");
        int payments = 0, refunds = 0;
        foreach (var trade in _trades.Values.Where(t => t.AppId == appId).OrderBy(t => t.CreatedAt))
        {
            lock (trade)
            {
                if (trade.PaidAt is { } paid && DateOnly.FromDateTime(paid.ToOffset(AlipayProtocol.BeijingOffset).DateTime) == date)
                {
                    payments++;
                    csv.AppendLine(Row(trade, "交易", trade.CreatedAt, paid, trade.TotalFen, ""));
                }

                foreach (var refund in trade.Refunds.Where(r => DateOnly.FromDateTime(r.At.ToOffset(AlipayProtocol.BeijingOffset).DateTime) == date))
                {
                    refunds++;
                    csv.AppendLine(Row(trade, "退款", refund.At, refund.At, -refund.AmountFen, refund.OutRequestNo));
                }
            }
        }

        csv.AppendLine("#-----------------------------------------业务明细列表结束------------------------------------");
        csv.AppendLine(CultureInfo.InvariantCulture, $"#交易合计：{payments}笔，退款合计：{refunds}笔");
        return csv.ToString();
    }

    private static string Row(SimulatedTrade trade, string kind, DateTimeOffset created, DateTimeOffset completed, long fen, string refundNo)
    {
        var amount = (fen < 0 ? "-" : "") + AlipayProtocol.ToYuan(Math.Abs(fen));
        return string.Join(',',
            trade.TradeNo + "\t", trade.OutTradeNo + "\t", kind, trade.Subject.Replace(',', ' '),
            AlipayProtocol.BeijingTime(created), AlipayProtocol.BeijingTime(completed), "", "", "", "", "buyer@example.com",
            amount, amount, "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00", refundNo, "0.00", "0.00", "");
    }

    private static string BeijingDate(DateTimeOffset at, string format) =>
        at.ToOffset(AlipayProtocol.BeijingOffset).ToString(format, CultureInfo.InvariantCulture);
}
