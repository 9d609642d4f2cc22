using Sluice.Channels;

namespace Sluice.Routing;

/// <summary>The filter that dropped a channel, in the order the engine applies them.</summary>
public enum RoutingFilter : byte
{
    None,
    BusinessType,
    Offline,
    Maintenance,
    Method,
    Currency,
    Environment,
    ProductCode,
    NoUsableAccount,
    BelowMinimum,
    AboveMaximum,
    BankNotServed,
    AboveBankLimit,
    BankDailyLimit,
    DailyLimit,
    NotWhitelisted,
    CircuitOpen,
}

/// <summary>How one channel fared: the filter that dropped it, or its score and the parts of the score.</summary>
public readonly record struct ChannelEvaluation(
    RoutingFilter DroppedBy,
    double Score,
    double FeeScore,
    double WeightScore,
    double SuccessScore,
    double LatencyScore,
    int FeeRatePpm)
{
    public bool Eligible => DroppedBy == RoutingFilter.None;
}

/// <summary>One line of an explanation, as operators see it.</summary>
public sealed record ChannelExplanation(
    string Channel,
    bool Eligible,
    string? DroppedBy,
    string? Reason,
    double? Score,
    IReadOnlyDictionary<string, double>? ScoreParts,
    bool Chosen);

/// <summary>
/// A routing decision: the chosen channel, the order to fall over in, and for every channel the filter that dropped
/// it or its score. Everything an operator needs to answer "why did this payment go there?".
/// </summary>
public sealed class RoutingDecision
{
    private readonly RoutingFilter[] _filters;
    private readonly ChannelEvaluation[] _scored;
    private readonly int[] _scoredIndex;
    private readonly int _chosen;
    private IReadOnlyList<ChannelInfo>? _ranked;

    internal RoutingDecision(RoutingRequest request, IReadOnlyList<ChannelInfo> channels, RoutingFilter[] filters, ChannelEvaluation[] scored,
        int[] scoredIndex, int chosen, RoutingStrategy strategy, bool whitelistMatched, bool whitelistFellBack)
    {
        Request = request;
        Channels = channels;
        _filters = filters;
        _scored = scored;
        _scoredIndex = scoredIndex;
        _chosen = chosen;
        Strategy = strategy;
        WhitelistMatched = whitelistMatched;
        WhitelistFellBack = whitelistFellBack;
    }

    public RoutingRequest Request { get; }

    public IReadOnlyList<ChannelInfo> Channels { get; }

    public RoutingStrategy Strategy { get; }

    /// <summary>A whitelist entry matched the request, so its channels competed first.</summary>
    public bool WhitelistMatched { get; }

    /// <summary>A whitelist matched but none of its channels was eligible, so the others competed.</summary>
    public bool WhitelistFellBack { get; }

    public ChannelInfo? Chosen => _chosen >= 0 ? Channels[_chosen] : null;

    /// <summary>The evaluation of the channel at <paramref name="index"/> of <see cref="Channels"/>.</summary>
    public ChannelEvaluation EvaluationOf(int index)
    {
        var at = Array.IndexOf(_scoredIndex, index);
        return at >= 0 ? _scored[at] : new ChannelEvaluation(_filters[index], 0, 0, 0, 0, 0, 0);
    }

    /// <summary>Eligible channels in failover order: the chosen one first, then by score, lower fee, channel code.</summary>
    public IReadOnlyList<ChannelInfo> Ranked => _ranked ??= Rank();

    /// <summary>Every channel with the filter that dropped it (and why) or its score.</summary>
    public IReadOnlyList<ChannelExplanation> Explain()
    {
        var lines = new List<ChannelExplanation>(Channels.Count);
        for (var i = 0; i < Channels.Count; i++)
        {
            var e = EvaluationOf(i);
            var channel = Channels[i];
            lines.Add(e.Eligible
                ? new ChannelExplanation(channel.Code, true, null, null, Math.Round(e.Score, 6), new Dictionary<string, double>
                {
                    ["fee"] = Math.Round(e.FeeScore, 6),
                    ["weight"] = Math.Round(e.WeightScore, 6),
                    ["success_rate"] = Math.Round(e.SuccessScore, 6),
                    ["latency"] = Math.Round(e.LatencyScore, 6),
                    ["fee_rate_ppm"] = e.FeeRatePpm,
                }, i == _chosen)
                : new ChannelExplanation(channel.Code, false, FilterName(e.DroppedBy), Reason(e.DroppedBy, channel, Request), null, null, false));
        }

        return lines;
    }

    public static string FilterName(RoutingFilter filter) => filter switch
    {
        RoutingFilter.BusinessType => "business_type",
        RoutingFilter.Offline => "offline",
        RoutingFilter.Maintenance => "maintenance_window",
        RoutingFilter.Method => "payment_method",
        RoutingFilter.Currency => "currency",
        RoutingFilter.Environment => "payment_environment",
        RoutingFilter.ProductCode => "product_code",
        RoutingFilter.NoUsableAccount => "no_usable_account",
        RoutingFilter.BelowMinimum => "single_min",
        RoutingFilter.AboveMaximum => "single_max",
        RoutingFilter.BankNotServed => "bank_not_served",
        RoutingFilter.AboveBankLimit => "bank_single_max",
        RoutingFilter.BankDailyLimit => "bank_daily_limit",
        RoutingFilter.DailyLimit => "daily_limit",
        RoutingFilter.NotWhitelisted => "whitelist_precedence",
        RoutingFilter.CircuitOpen => "circuit_open",
        _ => "none",
    };

    private static string Reason(RoutingFilter filter, ChannelInfo c, RoutingRequest r) => filter switch
    {
        RoutingFilter.BusinessType => $"channel handles {c.BusinessType.ToString().ToLowerInvariant()}, not {r.BusinessType.ToString().ToLowerInvariant()}",
        RoutingFilter.Offline => "channel is offline",
        RoutingFilter.Maintenance => $"in a maintenance window at {r.At:O}: {string.Join("; ", c.MaintenanceWindows.Where(w => w.IsActiveAt(r.At)).Select(Describe))}",
        RoutingFilter.Method => $"does not support payment method {r.PaymentMethod}",
        RoutingFilter.Currency => $"does not take {r.Currency}",
        RoutingFilter.Environment => $"does not support environment {r.Environment}",
        RoutingFilter.ProductCode => $"not enabled for product code {r.ProductCode}",
        RoutingFilter.NoUsableAccount => "the merchant has no usable account at this channel",
        RoutingFilter.BelowMinimum => $"amount {r.Amount} is below the single-transaction minimum {c.SingleMinMinor}",
        RoutingFilter.AboveMaximum => $"amount {r.Amount} is above the single-transaction maximum {c.SingleMaxMinor}",
        RoutingFilter.BankNotServed => $"does not serve bank {r.BankCode} ({r.CardType?.ToString().ToLowerInvariant()} cards)",
        RoutingFilter.AboveBankLimit => $"amount {r.Amount} is above the single limit at bank {r.BankCode}",
        RoutingFilter.BankDailyLimit => $"the daily limit at bank {r.BankCode} would be exceeded",
        RoutingFilter.DailyLimit => $"the daily limit {c.DailyLimitMinor} would be exceeded",
        RoutingFilter.NotWhitelisted => "a whitelist entry matched and gives other channels precedence",
        RoutingFilter.CircuitOpen => "the channel's circuit breaker is open: it did not answer several calls in a row; one probe goes to it after the cool-down",
        _ => "",
    };

    private static string Describe(MaintenanceWindow w) => w.IsRecurring
        ? $"{w.Kind.ToString().ToLowerInvariant()} {w.LocalStart:HH\\:mm}-{w.LocalEnd:HH\\:mm} {w.TimeZoneId}{(w.Reason is null ? "" : " (" + w.Reason + ")")}"
        : $"one-off {w.StartsAt:O} to {w.EndsAt:O}{(w.Reason is null ? "" : " (" + w.Reason + ")")}";

    private List<ChannelInfo> Rank()
    {
        var order = new List<int>();
        for (var k = 0; k < _scoredIndex.Length; k++)
        {
            if (_scored[k].Eligible && _scoredIndex[k] != _chosen)
            {
                order.Add(k);
            }
        }

        order.Sort((a, b) => RoutingEngine.Compare(Channels[_scoredIndex[a]], _scored[a], Channels[_scoredIndex[b]], _scored[b]));
        var ranked = order.ConvertAll(k => Channels[_scoredIndex[k]]);
        if (_chosen >= 0)
        {
            ranked.Insert(0, Channels[_chosen]);
        }

        return ranked;
    }
}
