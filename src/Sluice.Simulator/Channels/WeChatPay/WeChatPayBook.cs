using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Sluice.Channels.WeChatPay;

namespace Sluice.Simulator.Channels.WeChatPay;

/// <summary>A trade WeChat Pay holds, by out_trade_no. Mutated under its own lock.</summary>
internal sealed class SimulatedTrade
{
    public required string OutTradeNo { get; init; }
    public required string Mchid { get; init; }
    public string? SubMchid { get; init; }
    public required string Appid { get; init; }
    public required string TradeType { get; init; }
    public required long Total { get; init; }
    public required string Currency { get; init; }
    public required string Description { get; init; }
    public required string NotifyUrl { get; init; }
    public required string PrepayId { get; init; }
    public required string RequestFingerprint { get; init; }
    public string? Openid { get; init; }

    /// <summary>time_expire: a payer arriving later finds the trade closed.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    public string TransactionId { get; } = "4200" + Random.Shared.NextInt64(100_000_000_000L, 999_999_999_999L) + Random.Shared.NextInt64(100_000_000_000_000L, 999_999_999_999_999L);
    public string State { get; set; } = WeChatPayResultCodes.TradeStates.NotPay;
    public DateTimeOffset? PaidAt { get; set; }
    public long Refunded { get; set; }

    public bool Partner => SubMchid is not null;

    public WeChatTransaction ToWire() => new(
        OutTradeNo, State, StateDescription, PaidAt is null ? null : TransactionId, TradeType,
        PaidAt is { } at ? WeChatPayProtocol.Rfc3339(at) : null,
        new WeChatAmount(Total, Currency, PaidAt is null ? null : Total, PaidAt is null ? null : Currency),
        Appid: Partner ? null : Appid, Mchid: Partner ? null : Mchid, SpAppid: Partner ? Appid : null, SpMchid: Partner ? Mchid : null, SubMchid: SubMchid,
        Payer: Openid is null && PaidAt is null ? null : new WeChatPayer(Openid: Openid ?? "oSimulatedPayer0000000000000"),
        BankType: PaidAt is null ? null : "OTHERS", Attach: "");

    private string StateDescription => State switch
    {
        WeChatPayResultCodes.TradeStates.Success => "支付成功",
        WeChatPayResultCodes.TradeStates.Refund => "转入退款",
        WeChatPayResultCodes.TradeStates.Closed => "已关闭",
        _ => "订单未支付",
    };
}

internal sealed class SimulatedRefund
{
    public required string OutRefundNo { get; init; }
    public required SimulatedTrade Trade { get; init; }
    public required long Amount { get; init; }
    public required string NotifyUrl { get; init; }
    public string RefundId { get; } = "50300" + Random.Shared.NextInt64(100_000_000_000_000L, 999_999_999_999_999L);
    public string Status { get; set; } = WeChatPayResultCodes.RefundStates.Processing;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? SucceededAt { get; set; }

    public WeChatRefund ToWire() => new(
        OutRefundNo, RefundId, Trade.OutTradeNo, Trade.TransactionId, Status, null,
        SucceededAt is { } at ? WeChatPayProtocol.Rfc3339(at) : null, WeChatPayProtocol.Rfc3339(CreatedAt), "支付用户零钱",
        new WeChatRefundAmount(Amount, Trade.Total, Trade.Currency, Trade.Total, Amount));

    /// <summary>The plaintext of a REFUND.* notice (refund_status, and the merchant it belongs to).</summary>
    public WeChatRefund ToNotice() => ToWire() with
    {
        Status = null, RefundStatus = Status, CreateTime = null,
        Mchid = Trade.Partner ? null : Trade.Mchid, SpMchid = Trade.Partner ? Trade.Mchid : null, SubMchid = Trade.SubMchid,
    };
}

internal sealed class SimulatedTransfer
{
    public required string OutBillNo { get; init; }
    public required string Mchid { get; init; }
    public required string Appid { get; init; }
    public required string Openid { get; init; }
    public required long Amount { get; init; }
    public string? NotifyUrl { get; init; }
    public string? PayeeName { get; init; }
    public string TransferBillNo { get; } = "1330000" + Random.Shared.NextInt64(100_000_000_000_000L, 999_999_999_999_999L);
    public string State { get; set; } = WeChatPayResultCodes.TransferStates.Accepted;
    public string? FailReason { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public WeChatTransferBill ToWire() => new(
        OutBillNo, TransferBillNo, State, WeChatPayProtocol.Rfc3339(CreatedAt), WeChatPayProtocol.Rfc3339(UpdatedAt), Amount, FailReason,
        Mchid, Appid, Openid);
}

/// <summary>WeChat Pay's books in the simulator: trades, refunds and transfers in memory, and the daily trade bill.</summary>
internal sealed class WeChatPayBook
{
    public ConcurrentDictionary<string, SimulatedTrade> Trades { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, SimulatedRefund> Refunds { get; } = new(StringComparer.Ordinal);
    public ConcurrentDictionary<string, SimulatedTransfer> Transfers { get; } = new(StringComparer.Ordinal);

    /// <summary>Download tokens handed out by the trade-bill call: merchant, sub-merchant and China-local date.</summary>
    public ConcurrentDictionary<string, (string Mchid, string? SubMchid, DateOnly Date)> BillTokens { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The ALL trade bill of one day as WeChat Pay writes it: a header line, one line per payment and per refund with each
    /// field prefixed by a backtick, then the summary header and its line. Not gzipped (the simulator ignores tar_type).
    /// </summary>
    public string TradeBill(string mchid, string? subMchid, DateOnly date)
    {
        var bill = new StringBuilder();
        bill.Append("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,")
            .Append("微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注\r\n");
        long count = 0, settled = 0, refunded = 0, fees = 0, ordered = 0;
        bool OnDay(DateTimeOffset? at) => at is { } t && DateOnly.FromDateTime(t.ToOffset(WeChatPayProtocol.ChinaOffset).DateTime) == date;

        foreach (var trade in Trades.Values.Where(t => t.Mchid == mchid && (subMchid is null || t.SubMchid == subMchid) && OnDay(t.PaidAt))
                     .OrderBy(t => t.PaidAt))
        {
            var fee = Fee(trade.Total);
            count++;
            settled += trade.Total;
            ordered += trade.Total;
            fees += fee;
            Line(bill, trade, trade.PaidAt!.Value, "SUCCESS", trade.Total, "0", "0", 0, "", "", fee, trade.Total, 0);
        }

        foreach (var refund in Refunds.Values.Where(r => r.Trade.Mchid == mchid && (subMchid is null || r.Trade.SubMchid == subMchid) && OnDay(r.SucceededAt))
                     .OrderBy(r => r.SucceededAt))
        {
            var fee = -Fee(refund.Amount);
            count++;
            refunded += refund.Amount;
            fees += fee;
            Line(bill, refund.Trade, refund.SucceededAt!.Value, "REFUND", 0, refund.RefundId, refund.OutRefundNo, refund.Amount, "ORIGINAL", "SUCCESS", fee, 0, refund.Amount);
        }

        bill.Append("总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额\r\n");
        bill.Append(string.Join(',', new[]
        {
            count.ToString(CultureInfo.InvariantCulture), WeChatPayProtocol.Yuan(settled), WeChatPayProtocol.Yuan(refunded), "0.00",
            WeChatPayProtocol.Yuan(fees), WeChatPayProtocol.Yuan(ordered), WeChatPayProtocol.Yuan(refunded),
        }.Select(f => "`" + f))).Append("\r\n");
        return bill.ToString();
    }

    /// <summary>0.6% of the amount in fen, rounded half up.</summary>
    private static long Fee(long fen) => (fen * 6 + 500) / 1000;

    private static void Line(StringBuilder bill, SimulatedTrade t, DateTimeOffset at, string state, long settledFen, string refundId, string outRefundNo,
        long refundFen, string refundType, string refundState, long feeFen, long orderFen, long refundAppliedFen)
    {
        var fields = new[]
        {
            at.ToOffset(WeChatPayProtocol.ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), t.Appid, t.Mchid, t.SubMchid ?? "0", "",
            t.TransactionId, t.OutTradeNo, t.Openid ?? "oSimulatedPayer0000000000000", t.TradeType, state, "OTHERS", t.Currency,
            WeChatPayProtocol.Yuan(settledFen), "0.00", refundId, outRefundNo, WeChatPayProtocol.Yuan(refundFen), "0.00", refundType, refundState,
            t.Description, "", WeChatPayProtocol.Yuan(feeFen), "0.60%", WeChatPayProtocol.Yuan(orderFen), WeChatPayProtocol.Yuan(refundAppliedFen), "",
        };
        bill.Append(string.Join(',', fields.Select(f => "`" + f.Replace(",", "，", StringComparison.Ordinal)))).Append("\r\n");
    }
}
