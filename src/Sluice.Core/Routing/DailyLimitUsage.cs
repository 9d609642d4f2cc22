namespace Sluice.Routing;

/// <summary>
/// How much of a channel's daily limit is taken on one business day: the sum of the amounts reserved by orders routed
/// to it that have not failed or closed. A reservation only succeeds while the sum stays within the limit.
/// </summary>
public sealed class ChannelDailyUsage
{
    public required string ChannelCode { get; init; }

    /// <summary>The business day (in the limits' time zone) as yyyy-MM-dd.</summary>
    public required string BusinessDay { get; init; }

    public long ReservedAmount { get; set; }
}

/// <summary>
/// One order's share of a daily limit (the channel's, or the channel's at one bank: <c>channel@BANK:debit</c>),
/// released exactly once when the order fails, closes or moves to another channel.
/// </summary>
public sealed class LimitReservation
{
    public required string OrderId { get; init; }
    public required string ChannelCode { get; init; }
    public required string BusinessDay { get; init; }
    public required long Amount { get; init; }
    public DateTimeOffset ReservedAt { get; init; }
    public DateTimeOffset? ReleasedAt { get; set; }
}
