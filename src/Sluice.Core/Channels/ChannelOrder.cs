namespace Sluice.Channels;

/// <summary>
/// What payments, refunds and withdrawals have in common: a merchant's order for an amount, sent to a channel, changed
/// by compare-and-set, and what the channel last said about it — raw, for operators, and unified, for merchants. Each
/// is still its own table; this base only gives them one shape, so every flow records an answer and a failure the same
/// way.
/// </summary>
public abstract class ChannelOrder
{
    public required string Id { get; init; }
    public required string AppId { get; init; }
    public required string MerchantId { get; init; }

    /// <summary>Minor units of <see cref="Currency"/> (ISO 4217).</summary>
    public required long Amount { get; init; }

    public required string Currency { get; init; }

    /// <summary>Where this order's webhooks go; the app's default notify URL when empty.</summary>
    public string? NotifyUrl { get; init; }

    /// <summary>Incremented by every change of the order; part of each compare-and-set.</summary>
    public int Version { get; set; }

    /// <summary>The effect of the channel's last answer (succeeded, failed, pending, unknown).</summary>
    public string? LastChannelOutcome { get; set; }

    /// <summary>The channel's own codes and message, for operators only.</summary>
    public string? RawCode { get; set; }

    public string? RawSubCode { get; set; }
    public string? RawMessage { get; set; }

    /// <summary>The unified code the channel's last answer resolved to (see the result-code map).</summary>
    public string? ResultCode { get; set; }

    /// <summary>The unified code merchants see when the order failed.</summary>
    public string? FailureCode { get; set; }

    /// <summary>The failure's message in English; <see cref="FailureMessageZh"/> in Simplified Chinese.</summary>
    public string? FailureMessage { get; set; }

    public string? FailureMessageZh { get; set; }

    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A <see cref="ChannelOrder"/> with its kind's state: the one field every compare-and-set is about.</summary>
public abstract class ChannelOrder<TStatus> : ChannelOrder
    where TStatus : struct, Enum
{
    public TStatus Status { get; set; }
}

/// <summary>An order routed to a channel that may move it to another on failover (payments and withdrawals).</summary>
public interface IRoutedOrder
{
    string? ChannelCode { get; set; }

    string? ChannelAccountId { get; set; }
}
