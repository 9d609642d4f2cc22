namespace Sluice.Channels;

/// <summary>
/// The gateway's lookup order over a rule list: (flow, code, sub) → (flow, code, any) → (any flow, code, sub) →
/// (any flow, code, any). Adapters use it to give results the outcome their own default rules state.
/// </summary>
public static class ResultCodeLookup
{
    public static ResultCodeRule? Find(IReadOnlyList<ResultCodeRule> rules, ChannelFlow flow, string code, string? subCode) =>
        (subCode is null ? null : rules.FirstOrDefault(r => r.Flow == flow && r.RawCode == code && r.RawSubCode == subCode))
        ?? rules.FirstOrDefault(r => r.Flow == flow && r.RawCode == code && r.RawSubCode is null)
        ?? (subCode is null ? null : rules.FirstOrDefault(r => r.Flow is null && r.RawCode == code && r.RawSubCode == subCode))
        ?? rules.FirstOrDefault(r => r.Flow is null && r.RawCode == code && r.RawSubCode is null);
}

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
