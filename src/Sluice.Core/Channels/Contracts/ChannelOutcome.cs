namespace Sluice.Channels.Contracts;

/// <summary>What an upstream call or notice says about an order. Unknown never fails an order: it schedules a query.</summary>
public enum ChannelOutcome
{
    Succeeded,
    Failed,
    Pending,
    Unknown,
}

/// <summary>The outcome of one upstream call, with the channel's raw codes kept for operators.</summary>
public record ChannelResult(
    ChannelOutcome Outcome,
    string? RawCode = null,
    string? RawSubCode = null,
    string? RawMessage = null,
    string? ChannelReference = null)
{
    /// <summary>
    /// True when the channel definitively did not take the order (connection refused, system busy before acceptance),
    /// so trying another channel cannot pay twice. Never true after an unknown outcome.
    /// </summary>
    public bool NotTakenByChannel { get; init; }

    /// <summary>
    /// The order the signed answer names (its <c>out_trade_no</c>, <c>out_request_no</c>, <c>out_biz_no</c>,
    /// <c>out_refund_no</c>, <c>orderId</c>…), in Sluice's own ids; null when the answer names none (an error answer,
    /// an empty 204). The channel caller refuses an answer that names another order than the one asked about.
    /// </summary>
    public string? AnsweredFor { get; init; }

    public static ChannelResult Unknown(string rawCode, string? message) => new(ChannelOutcome.Unknown, rawCode, null, message);
}

/// <summary>What a payer does next to pay: open a URL, scan a QR code, or hand parameters to an app SDK.</summary>
public sealed record PayAction(string Type, string Value);

public sealed record ChannelPayResult(ChannelResult Result, PayAction? Action);

/// <summary>The channel's view of a payment, refund or withdrawal, from a query or a notice.</summary>
public sealed record ChannelReport(
    ChannelResult Result,
    long? Amount = null,
    string? Currency = null,
    DateTimeOffset? CompletedAt = null);
