using Sluice.Channels.Contracts;

namespace Sluice.Channels;

/// <summary>
/// Rules for the <c>HTTP_5xx</c> raw codes <see cref="ChannelTransport"/> reports for a channel's server errors
/// (<see cref="ChannelTransport.Rules"/> has none, and a code without a rule is unknown anyway; these name it).
/// </summary>
public static class ServerErrorRules
{
    public static readonly IReadOnlyList<ResultCodeRule> Rules =
    [
        .. new[] { 500, 501, 502, 503, 504 }.Select(status => new ResultCodeRule(null, ChannelTransport.ServerErrorPrefix + status, null,
            "channel_result_unknown", ChannelOutcome.Unknown, false, "The result is being confirmed.", "结果确认中。")),
    ];
}
