using System.Collections.Frozen;
using Sluice.Channels.Contracts;

namespace Sluice.Channels;

/// <summary>Wire names of <see cref="ChannelFlow"/> (<c>pay</c>, <c>refund_query</c>...), as the admin API and the tables store them.</summary>
public static class ChannelFlows
{
    private static readonly FrozenDictionary<ChannelFlow, string> Names = Enum.GetValues<ChannelFlow>().ToFrozenDictionary(f => f, SnakeCase);

    private static readonly FrozenDictionary<string, ChannelFlow> ByName = Names.ToFrozenDictionary(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal);

    public static IEnumerable<string> All => Names.Values.Order(StringComparer.Ordinal);

    public static string Name(ChannelFlow flow) => Names[flow];

    public static bool TryParse(string? name, out ChannelFlow flow) => ByName.TryGetValue(name ?? "", out flow);

    private static string SnakeCase(ChannelFlow flow) =>
        string.Concat(flow.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>
/// An operator's rule for one raw code of one protocol, taking precedence over the adapter's default for the same key.
/// The key is (protocol, flow, raw code, raw sub-code); "any flow" and "any sub-code" are stored as empty strings so the
/// key is unique on every provider (a NULL never conflicts with another NULL).
/// </summary>
public sealed class ResultCodeOverride
{
    public const string Any = "";

    public required string Protocol { get; init; }

    /// <summary>A <see cref="ChannelFlows"/> name, or <see cref="Any"/>.</summary>
    public required string Flow { get; init; }

    public required string RawCode { get; init; }

    /// <summary>The sub-code, or <see cref="Any"/>.</summary>
    public required string RawSubCode { get; init; }

    public required string UnifiedCode { get; set; }
    public ChannelOutcome Effect { get; set; }
    public bool Retryable { get; set; }
    public required string MessageEn { get; set; }
    public required string MessageZh { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public ResultCodeRule ToRule() => new(
        ChannelFlows.TryParse(Flow, out var flow) ? flow : null,
        RawCode,
        RawSubCode.Length == 0 ? null : RawSubCode,
        UnifiedCode,
        Effect,
        Retryable,
        MessageEn,
        MessageZh);
}

/// <summary>
/// A raw result no rule maps, counted per (protocol, flow, code, sub-code) so operators can add a rule for it. An empty
/// <see cref="RawSubCode"/> (or <see cref="RawCode"/>) means the channel gave none.
/// </summary>
public sealed class UnmappedResultCode
{
    public const int MaxSampleLength = 512;

    public required string Protocol { get; init; }
    public required string Flow { get; init; }
    public required string RawCode { get; init; }
    public required string RawSubCode { get; init; }
    public long Count { get; init; }
    public DateTimeOffset FirstSeenAt { get; init; }
    public DateTimeOffset LastSeenAt { get; init; }
    public string? SampleMessage { get; init; }
}
