namespace Sluice.Routing;

/// <summary>
/// A routing rule set as operators configure it: a strategy and the weight of each scoring factor. Merchants are
/// assigned one by name; those without an assignment use <see cref="DefaultName"/>. Changes ride the catalog version,
/// so every node routes by the same rules within about a second.
/// </summary>
public sealed class RoutingRuleSetDefinition
{
    public const string DefaultName = "default";

    public required string Name { get; init; }
    public string? Description { get; set; }
    public RoutingStrategy Strategy { get; set; }
    public double FeeWeight { get; set; }
    public double WeightWeight { get; set; }
    public double SuccessRateWeight { get; set; }
    public double LatencyWeight { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Compare-and-set token: an update names the version it read.</summary>
    public int Version { get; set; } = 1;

    public ScoreWeights Weights => new(FeeWeight, WeightWeight, SuccessRateWeight, LatencyWeight);

    public RoutingRuleSet ToRuleSet(IEnumerable<RoutingWhitelistRule> whitelist) =>
        new(Name, Strategy, Weights, [.. whitelist.Select(w => new WhitelistEntry(w.Kind, w.Value, w.Channels))]);
}

/// <summary>
/// A whitelist entry of a rule set: payments matching it (a card's keyed fingerprint, a buyer id or a seller id) go
/// to these channels first. Card entries hold the fingerprint only, never the card number.
/// </summary>
public sealed class RoutingWhitelistRule
{
    public required string Id { get; init; }
    public required string RuleSetName { get; init; }
    public required WhitelistKind Kind { get; init; }
    public required string Value { get; init; }

    /// <summary>Comma-separated channel codes.</summary>
    public required string ChannelCodes { get; init; }

    public string? Note { get; init; }
    public DateTimeOffset CreatedAt { get; init; }

    public IReadOnlyList<string> Channels => ChannelCodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
