namespace Sluice.Merchants;

public enum MerchantKind
{
    /// <summary>An ordinary merchant with its own channel contracts.</summary>
    Normal,

    /// <summary>A micro-merchant (小微商户) onboarded through a service provider's supplier account.</summary>
    Micro,
}

public sealed class Merchant
{
    public required string Id { get; init; }
    public required string ServiceProviderId { get; init; }
    public required string Name { get; set; }
    public MerchantKind Kind { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The routing rule set this merchant's payments use; null for the default rule set.</summary>
    public string? RoutingRuleSet { get; set; }
}
