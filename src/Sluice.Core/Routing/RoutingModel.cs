using System.Collections.Frozen;

namespace Sluice.Routing;

/// <summary>What the routing engine is asked: where should this payment (or withdrawal) go?</summary>
public sealed record RoutingRequest(
    BusinessType BusinessType,
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

public enum BusinessType
{
    Payment,
    Refund,
    Withdrawal,
}

public enum CardType
{
    Debit,
    Credit,
}

/// <summary>A channel's limits at one bank for one card type (minor units of the channel's currency).</summary>
public readonly record struct BankLimit(long? SingleMax, long? DailyLimit);

/// <summary>
/// One channel as routing sees it: an immutable snapshot built from the channel catalog, so a decision reads only
/// memory. Sets are null when the channel accepts any value (no environment or product-code restriction).
/// </summary>
public sealed class RoutingChannel
{
    public required string Code { get; init; }
    public required BusinessType BusinessType { get; init; }
    public bool Online { get; init; } = true;
    public required FrozenSet<string> Methods { get; init; }
    public required FrozenSet<string> Currencies { get; init; }
    public FrozenSet<string>? Environments { get; init; }
    public FrozenSet<string>? ProductCodes { get; init; }

    /// <summary>Fee rate per payment method in parts per million of the amount (6000 = 0.6 %).</summary>
    public required FrozenDictionary<string, int> FeeRatePpm { get; init; }

    public int Weight { get; init; } = 100;
    public long SingleMin { get; init; } = 1;
    public long? SingleMax { get; init; }
    public long? DailyLimit { get; init; }
    public IReadOnlyList<RoutingWindow> Maintenance { get; init; } = [];

    /// <summary>Banks served for bank-card payments, by (bank code, card type). Null: the channel takes no bank cards by bank.</summary>
    public FrozenDictionary<(string Bank, CardType Card), BankLimit>? Banks { get; init; }
}

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
}
