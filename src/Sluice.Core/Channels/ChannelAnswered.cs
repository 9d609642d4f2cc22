namespace Sluice.Channels;

/// <summary>
/// An order a channel answers about (payment, refund, withdrawal): what the channel last said, raw, for operators, and
/// what it means, unified, for merchants. One shape, so every flow records an answer and a failure the same way.
/// </summary>
public interface IChannelAnswered
{
    /// <summary>The effect of the channel's last answer (succeeded, failed, pending, unknown).</summary>
    string? LastChannelOutcome { get; set; }

    /// <summary>The channel's own codes and message, for operators only.</summary>
    string? RawCode { get; set; }

    string? RawSubCode { get; set; }

    string? RawMessage { get; set; }

    /// <summary>The unified code the last answer resolved to.</summary>
    string? ResultCode { get; set; }

    /// <summary>The unified code and messages merchants see when the order failed.</summary>
    string? FailureCode { get; set; }

    string? FailureMessage { get; set; }

    string? FailureMessageZh { get; set; }
}
