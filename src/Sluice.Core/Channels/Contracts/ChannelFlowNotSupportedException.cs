namespace Sluice.Channels.Contracts;

/// <summary>
/// A flow the channel's profile does not list, asked of the channel registry (for example a payout of a payment-only
/// channel). The channel was never called: <see cref="Result"/> is the definite refusal a caller records, failed and not
/// taken (raw code <see cref="RawCode"/>, mapped to <c>flow_not_supported</c>).
/// </summary>
public sealed class ChannelFlowNotSupportedException : InvalidOperationException
{
    /// <summary>The raw code of a refused flow; every protocol's result-code map has a rule for it.</summary>
    public const string RawCode = "UNSUPPORTED_FLOW";

    public ChannelFlowNotSupportedException(string protocol, ChannelFlow flow)
        : base($"Protocol '{protocol}' does not support the {ChannelFlows.Name(flow)} flow.")
    {
        Protocol = protocol;
        Flow = flow;
    }

    public string Protocol { get; }

    public ChannelFlow Flow { get; }

    /// <summary>What the refused call stands for: failed, and definitely not taken by the channel.</summary>
    public ChannelResult Result => new(ChannelOutcome.Failed, RawCode, null, Message) { NotTakenByChannel = true };
}
