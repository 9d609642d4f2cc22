using Sluice.Channels.UnionPay;

namespace Sluice.Simulator.Channels.UnionPay;

/// <summary>A transaction at the simulated UnionPay: a consume or a refund.</summary>
internal sealed record UnionPayOrder
{
    public required string MerId { get; init; }
    public required string OrderId { get; init; }
    public required string TxnType { get; init; }
    public required string TxnSubType { get; init; }
    public required string TxnTime { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; set; }
    public required string? BackUrl { get; init; }
    public required string ReqReserved { get; init; }
    public required string BizType { get; init; }
    public required string QueryId { get; init; }
    public bool Existing { get; init; }
    public string? OrigQryId { get; set; }
    public string? OrigRespCode { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Behaviours are keyed by Sluice's own id (reqReserved), which tests know.</summary>
    public string BehaviourKey => ReqReserved.Length > 0 ? ReqReserved : OrderId;

    /// <summary>When the transaction completed, Beijing <c>MMddHHmmss</c> (ACP's <c>traceTime</c>).</summary>
    public string TraceTime => UnionPayProtocol.TxnTime(CompletedAt ?? DateTimeOffset.UtcNow)[4..];

    public string SettleDate => TxnTime.Length >= 8 ? TxnTime[4..8] : "";

    public string StatusText => OrigRespCode switch
    {
        null => "交易已受理，请稍后查询交易结果",
        UnionPayResultCodes.Success => "成功[0000000]",
        _ => "交易失败[" + OrigRespCode + "]",
    };
}
