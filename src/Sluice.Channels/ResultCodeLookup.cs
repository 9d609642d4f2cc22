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
