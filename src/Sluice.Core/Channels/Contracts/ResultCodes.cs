using System.Collections.Frozen;

namespace Sluice.Channels.Contracts;

/// <summary>The flow an upstream answer belongs to: the same raw code can mean different things in different flows.</summary>
public enum ChannelFlow
{
    Pay,
    Query,
    Close,
    Refund,
    RefundQuery,
    Withdraw,
    WithdrawQuery,
    Notify,
}

/// <summary>
/// One row of a channel's result-code map: a raw code (and optional sub-code) in a flow (null: any flow) means this
/// unified code, these messages for payers and merchants, this effect on the order, and whether retrying may help.
/// Adapters ship defaults for their channel's documented codes; operators override them through the admin API.
/// A raw code with no row is never guessed at: the answer's outcome becomes unknown and the order is re-queried.
/// </summary>
public sealed record ResultCodeRule(
    ChannelFlow? Flow,
    string RawCode,
    string? RawSubCode,
    string UnifiedCode,
    ChannelOutcome Effect,
    bool Retryable,
    string MessageEn,
    string MessageZh);

/// <summary>Rules of one protocol by key, each key holding the first rule listed for it.</summary>
public sealed class ResultCodeTable
{
    public static readonly ResultCodeTable Empty = new([]);

    private readonly FrozenDictionary<RuleKey, ResultCodeRule> _rules;

    public ResultCodeTable(IEnumerable<ResultCodeRule> rules)
    {
        var byKey = new Dictionary<RuleKey, ResultCodeRule>();
        foreach (var rule in rules)
        {
            byKey.TryAdd(RuleKey.Of(rule), rule);
        }

        _rules = byKey.ToFrozenDictionary();
    }

    public IEnumerable<ResultCodeRule> Rules => _rules.Values;

    public bool Contains(ResultCodeRule rule) => _rules.ContainsKey(RuleKey.Of(rule));

    public ResultCodeRule? Find(ChannelFlow? flow, string code, string? sub) =>
        _rules.TryGetValue(new RuleKey(flow, code, sub), out var rule) ? rule : null;

    /// <summary>
    /// The keys tried for a raw result, most specific first: (flow, code, sub) → (flow, code, any) → (any flow, code,
    /// sub) → (any flow, code, any). The gateway's map tries operators' overrides before defaults at each step.
    /// </summary>
    public static IEnumerable<(ChannelFlow? Flow, string? Sub)> LookupOrder(ChannelFlow flow, string? sub)
    {
        sub = string.IsNullOrEmpty(sub) ? null : sub;
        if (sub is not null)
        {
            yield return (flow, sub);
        }

        yield return (flow, null);
        if (sub is not null)
        {
            yield return (null, sub);
        }

        yield return (null, null);
    }

    /// <summary>The rule this table gives a raw result by <see cref="LookupOrder"/>; null when none covers it.</summary>
    public ResultCodeRule? Lookup(ChannelFlow flow, string code, string? sub)
    {
        foreach (var (stepFlow, stepSub) in LookupOrder(flow, sub))
        {
            if (Find(stepFlow, code, stepSub) is { } rule)
            {
                return rule;
            }
        }

        return null;
    }

    /// <summary>The effect of a raw result: what its rule says, or unknown when no rule covers it.</summary>
    public ChannelOutcome OutcomeOf(ChannelFlow flow, string code, string? sub) => Lookup(flow, code, sub)?.Effect ?? ChannelOutcome.Unknown;

    private readonly record struct RuleKey(ChannelFlow? Flow, string Code, string? Sub)
    {
        public static RuleKey Of(ResultCodeRule rule) => new(rule.Flow, rule.RawCode, rule.RawSubCode);
    }
}
