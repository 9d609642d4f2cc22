using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Sluice.Channels;

/// <summary>A payment method as the catalog serves it.</summary>
public sealed record PaymentMethodInfo(string Code, string Name, PaymentMethodKind Kind, bool Enabled);

/// <summary>A bank's limits on one channel for one card type, in minor units of the channel's limit currency.</summary>
public sealed record ChannelBankLimit(string BankCode, CardType CardType, long SingleMaxMinor, long? DailyLimitMinor);

/// <summary>
/// One channel as the catalog serves it: immutable, with frozen look-ups, so the routing engine can filter and score
/// on every payment without allocating.
/// </summary>
public sealed class ChannelInfo
{
    public required string Code { get; init; }
    public required string InstitutionName { get; init; }
    public required ChannelBusinessType BusinessType { get; init; }
    public required string Protocol { get; init; }
    public required ChannelStatus Status { get; init; }
    public required int Weight { get; init; }
    public required string LimitCurrency { get; init; }
    public required long SingleMinMinor { get; init; }
    public required long SingleMaxMinor { get; init; }
    public required long? DailyLimitMinor { get; init; }
    public required FrozenSet<string> PaymentMethods { get; init; }
    public required FrozenSet<string> Environments { get; init; }
    public required FrozenSet<string> ProductCodes { get; init; }
    public required FrozenSet<string> Currencies { get; init; }

    /// <summary>Fee rate per payment method in parts per million of the amount.</summary>
    public required FrozenDictionary<string, int> FeeRatePpm { get; init; }

    public required ImmutableArray<MaintenanceWindow> MaintenanceWindows { get; init; }

    /// <summary>Bank limits keyed by bank code and card type; empty when the channel has no bank mappings.</summary>
    public required FrozenDictionary<(string BankCode, CardType CardType), ChannelBankLimit> Banks { get; init; }

    public required int Version { get; init; }

    public bool IsOnline => Status == ChannelStatus.Online;

    public bool Supports(string paymentMethod) => PaymentMethods.Contains(paymentMethod);

    /// <summary>True when any maintenance window of this channel covers <paramref name="instant"/>.</summary>
    public bool IsInMaintenanceAt(DateTimeOffset instant)
    {
        foreach (var window in MaintenanceWindows)
        {
            if (window.IsActiveAt(instant))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Online and outside every maintenance window.</summary>
    public bool IsAvailableAt(DateTimeOffset instant) => IsOnline && !IsInMaintenanceAt(instant);

    public bool TryGetFeeRatePpm(string paymentMethod, out int ratePpm) => FeeRatePpm.TryGetValue(paymentMethod, out ratePpm);

    public bool TryGetBank(string bankCode, CardType cardType, out ChannelBankLimit? limit) => Banks.TryGetValue((bankCode, cardType), out limit);
}

/// <summary>
/// Everything operators configured about methods and channels, as of one catalog version. Immutable: a reload builds a
/// new snapshot and swaps it in, so a reader holding one sees a consistent catalog.
/// </summary>
public sealed class ChannelCatalogSnapshot
{
    public static readonly ChannelCatalogSnapshot Empty = new(0, [], []);

    public ChannelCatalogSnapshot(
        long version,
        IEnumerable<PaymentMethodInfo> methods,
        IEnumerable<ChannelInfo> channels,
        IEnumerable<Routing.RoutingRuleSet>? ruleSets = null,
        IEnumerable<KeyValuePair<string, string>>? merchantRuleSets = null)
    {
        Version = version;
        RuleSets = (ruleSets ?? []).ToFrozenDictionary(r => r.Name, StringComparer.Ordinal);
        MerchantRuleSets = (merchantRuleSets ?? []).ToFrozenDictionary(StringComparer.Ordinal);
        Methods = methods.ToFrozenDictionary(m => m.Code, StringComparer.Ordinal);
        var list = channels.OrderBy(c => c.Code, StringComparer.Ordinal).ToImmutableArray();
        Channels = list;
        ByCode = list.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);
        ByMethod = list.SelectMany(c => c.PaymentMethods.Select(m => (Method: m, Channel: c)))
            .GroupBy(x => x.Method, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.Channel).ToImmutableArray(), StringComparer.Ordinal);
    }

    /// <summary>The <c>catalog_versions</c> value this snapshot was loaded at.</summary>
    public long Version { get; }

    public FrozenDictionary<string, PaymentMethodInfo> Methods { get; }

    /// <summary>Every channel, whatever its status, ordered by code.</summary>
    public ImmutableArray<ChannelInfo> Channels { get; }

    public FrozenDictionary<string, ChannelInfo> ByCode { get; }

    public bool TryGetChannel(string code, out ChannelInfo? channel) => ByCode.TryGetValue(code, out channel);

    /// <summary>Routing rule sets by name, as configured at this catalog version.</summary>
    public FrozenDictionary<string, Routing.RoutingRuleSet> RuleSets { get; }

    /// <summary>Merchants assigned a rule set other than the default, by merchant id.</summary>
    public FrozenDictionary<string, string> MerchantRuleSets { get; }

    /// <summary>The rule set a merchant's payments use: its assigned one, else the configured default, else the built-in default.</summary>
    public Routing.RoutingRuleSet RuleSetFor(string merchantId) =>
        MerchantRuleSets.TryGetValue(merchantId, out var name) && RuleSets.TryGetValue(name, out var assigned) ? assigned
        : RuleSets.TryGetValue(Routing.RoutingRuleSetDefinition.DefaultName, out var configured) ? configured
        : Routing.RoutingRuleSet.Default;

    /// <summary>Every channel (any status) that lists the method; empty when none does. No allocation.</summary>
    public ImmutableArray<ChannelInfo> ChannelsFor(string paymentMethod) =>
        ByMethod.TryGetValue(paymentMethod, out var channels) ? channels : [];

    private FrozenDictionary<string, ImmutableArray<ChannelInfo>> ByMethod { get; }
}
