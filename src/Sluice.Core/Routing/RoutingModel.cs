using Sluice.Channels;

namespace Sluice.Routing;

/// <summary>What the routing engine is asked: where should this payment (or withdrawal) go?</summary>
public sealed record RoutingRequest(
    ChannelBusinessType BusinessType,
    string PaymentMethod,
    long Amount,
    string Currency,
    DateTimeOffset At,
    string? ProductCode = null,
    string? Environment = null,
    string? BankCode = null,
    CardType? CardType = null,
    string? CardNumberHash = null,
    string? BuyerId = null,
    string? SellerId = null,
    string? RoutingKey = null);

/// <summary>Recent behaviour of a channel, used for scoring: success rate in [0,1] and median latency.</summary>
public readonly record struct ChannelHealth(double SuccessRate, double LatencyMsP50);

public enum RoutingStrategy
{
    /// <summary>Highest score wins; ties go to the lower fee, then the channel code in ordinal order.</summary>
    Score,

    /// <summary>Traffic shares by channel weight, chosen by a stable hash of the routing key.</summary>
    WeightedSplit,
}

/// <summary>How much each factor counts in a score. Zero switches a factor off.</summary>
public sealed record ScoreWeights(double Fee = 0.4, double Weight = 0.3, double SuccessRate = 0.2, double Latency = 0.1);

public enum WhitelistKind
{
    /// <summary>A keyed hash of the card number (Sluice never stores card numbers).</summary>
    CardHash,
    BuyerId,
    SellerId,
}

public sealed record WhitelistEntry(WhitelistKind Kind, string Value, IReadOnlyList<string> ChannelCodes);

/// <summary>A configured rule set: strategy, factor weights and whitelist. Configuration, not code.</summary>
public sealed record RoutingRuleSet(string Name, RoutingStrategy Strategy, ScoreWeights Weights, IReadOnlyList<WhitelistEntry> Whitelist)
{
    public static RoutingRuleSet Default { get; } = new("default", RoutingStrategy.Score, new ScoreWeights(), []);
}

/// <summary>Per-request facts that are not channel attributes: which channels this merchant has a usable account at, how
/// much of each daily limit is used, and recent health.</summary>
public interface IRoutingFacts
{
    bool HasUsableAccount(string channelCode);

    long UsedToday(string channelCode);

    long UsedTodayAtBank(string channelCode, string bankCode, CardType cardType);

    ChannelHealth Health(string channelCode);

    /// <summary>Whether the channel's circuit breaker keeps it out of routing now (open, or half-open with its probe out).</summary>
    bool CircuitOpen(string channelCode) => false;
}
