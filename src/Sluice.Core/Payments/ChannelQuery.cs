namespace Sluice.Payments;

/// <summary>What kind of order a channel query follows.</summary>
public enum ChannelQueryKind
{
    Payment,

    /// <summary>A refund the channel has not confirmed yet.</summary>
    Refund,

    /// <summary>
    /// A withdrawal not yet final: queried at its channel, or, while it is held (no channel has it), re-routed; its row
    /// has no channel account then.
    /// </summary>
    Withdrawal,
}

public enum ChannelQueryStatus
{
    /// <summary>The order still needs the channel's word: due at <see cref="ChannelQuery.NextQueryAt"/>.</summary>
    Pending,

    /// <summary>The order is terminal; nothing more to ask.</summary>
    Done,
}

/// <summary>
/// One order that needs the channel's word (补单): a payment, refund or withdrawal left pending or unknown. A durable
/// row claimed with a lease by one node at a time, written in the same transaction as the state it follows.
/// </summary>
public sealed class ChannelQuery
{
    public required string Id { get; init; }
    public required ChannelQueryKind Kind { get; init; }

    /// <summary>The Sluice id of the order (payment, refund or withdrawal).</summary>
    public required string OrderId { get; init; }

    /// <summary>The channel account asked; none for a held withdrawal, which no channel has yet.</summary>
    public string? ChannelAccountId { get; set; }

    /// <summary>The protocol of the account, which picks the query schedule (none with no account).</summary>
    public string? Protocol { get; set; }

    public ChannelQueryStatus Status { get; set; }

    /// <summary>Queries (or closes) made so far; the next interval of the schedule is picked by it.</summary>
    public int AttemptCount { get; set; }

    public DateTimeOffset NextQueryAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>The channel's last answer, raw (<c>operation: code/sub-code: effect</c>), for operators.</summary>
    public string? LastResult { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}
