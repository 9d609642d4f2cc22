using Sluice.Channels;

namespace Sluice.Routing;

/// <summary>
/// Chooses a channel for a payment or withdrawal. It filters every channel by the request (business type, status,
/// maintenance window at the request's time, method, currency, environment, product code, a usable account, single
/// and daily limits, bank), lets whitelisted channels compete first, then scores the rest by the rule set (fee rate,
/// weight, recent success rate and latency, each normalised over the candidates) and picks the highest, with a
/// deterministic tie-break; or, with the weighted-split strategy, picks by weight with a stable hash of the routing
/// key. It reads memory only and allocates one array per decision.
/// </summary>
public static class RoutingEngine
{
    public static RoutingDecision Decide(RoutingRequest request, IReadOnlyList<ChannelInfo> channels, RoutingRuleSet rules, IRoutingFacts facts)
    {
        var filters = new RoutingFilter[channels.Count];
        var zones = new ZoneClock(request.At);
        var eligible = 0;
        for (var i = 0; i < channels.Count; i++)
        {
            var filter = Filter(request, channels[i], facts, ref zones);
            filters[i] = filter;
            eligible += filter == RoutingFilter.None ? 1 : 0;
        }

        var (matched, fellBack) = ApplyWhitelist(request, channels, rules, filters, ref eligible);
        var scoredIndex = new int[eligible];
        var scored = new ChannelEvaluation[eligible];
        for (int i = 0, k = 0; i < channels.Count; i++)
        {
            if (filters[i] == RoutingFilter.None)
            {
                scoredIndex[k++] = i;
            }
        }

        if (eligible == 0)
        {
            return new RoutingDecision(request, channels, filters, scored, scoredIndex, -1, rules.Strategy, matched, fellBack);
        }

        Score(request, channels, rules.Weights, facts, scoredIndex, scored);
        var chosen = rules.Strategy == RoutingStrategy.WeightedSplit
            ? PickByWeight(request, channels, scoredIndex, scored)
            : PickBest(channels, scoredIndex, scored);
        return new RoutingDecision(request, channels, filters, scored, scoredIndex, chosen, rules.Strategy, matched, fellBack);
    }

    /// <summary>The filters in their documented order; the first that fails names the reason.</summary>
    private static RoutingFilter Filter(RoutingRequest r, ChannelInfo c, IRoutingFacts facts, ref ZoneClock zones)
    {
        if (c.BusinessType != r.BusinessType)
        {
            return RoutingFilter.BusinessType;
        }

        if (!c.IsOnline)
        {
            return RoutingFilter.Offline;
        }

        foreach (var window in c.MaintenanceWindows)
        {
            if (zones.IsActive(window))
            {
                return RoutingFilter.Maintenance;
            }
        }

        if (facts.CircuitOpen(c.Code))
        {
            return RoutingFilter.CircuitOpen;
        }

        if (!c.PaymentMethods.Contains(r.PaymentMethod))
        {
            return RoutingFilter.Method;
        }

        if (!c.Currencies.Contains(r.Currency))
        {
            return RoutingFilter.Currency;
        }

        // An empty set means the channel is not restricted. The environment binds when the request states one; a
        // channel kept for some product codes takes only requests that carry one of them.
        if (r.Environment is not null && c.Environments.Count > 0 && !c.Environments.Contains(r.Environment))
        {
            return RoutingFilter.Environment;
        }

        if (c.ProductCodes.Count > 0 && (r.ProductCode is null || !c.ProductCodes.Contains(r.ProductCode)))
        {
            return RoutingFilter.ProductCode;
        }

        if (!facts.HasUsableAccount(c.Code))
        {
            return RoutingFilter.NoUsableAccount;
        }

        // Limits are kept in the channel's limit currency. Without exchange rates an amount in another currency cannot
        // be compared with them, so they bind only payments in that currency.
        if (!string.Equals(r.Currency, c.LimitCurrency, StringComparison.Ordinal))
        {
            return RoutingFilter.None;
        }

        if (r.Amount < c.SingleMinMinor)
        {
            return RoutingFilter.BelowMinimum;
        }

        if (r.Amount > c.SingleMaxMinor)
        {
            return RoutingFilter.AboveMaximum;
        }

        if (r.BankCode is not null)
        {
            var card = r.CardType ?? CardType.Debit;
            if (!c.Banks.TryGetValue((r.BankCode, card), out var bank))
            {
                return RoutingFilter.BankNotServed;
            }

            if (r.Amount > bank.SingleMaxMinor)
            {
                return RoutingFilter.AboveBankLimit;
            }

            if (bank.DailyLimitMinor is { } bankDaily && facts.UsedTodayAtBank(c.Code, r.BankCode, card) + r.Amount > bankDaily)
            {
                return RoutingFilter.BankDailyLimit;
            }
        }

        if (c.DailyLimitMinor is { } daily && facts.UsedToday(c.Code) + r.Amount > daily)
        {
            return RoutingFilter.DailyLimit;
        }

        return RoutingFilter.None;
    }

    private static (bool Matched, bool FellBack) ApplyWhitelist(
        RoutingRequest r, IReadOnlyList<ChannelInfo> channels, RoutingRuleSet rules, RoutingFilter[] filters, ref int eligible)
    {
        if (rules.Whitelist.Count == 0 || (r.CardNumberHash is null && r.BuyerId is null && r.SellerId is null))
        {
            return (false, false);
        }

        HashSet<string>? preferred = null;
        foreach (var entry in rules.Whitelist)
        {
            var value = entry.Kind switch
            {
                WhitelistKind.CardHash => r.CardNumberHash,
                WhitelistKind.BuyerId => r.BuyerId,
                _ => r.SellerId,
            };
            if (value is not null && string.Equals(entry.Value, value, StringComparison.Ordinal))
            {
                preferred ??= new HashSet<string>(StringComparer.Ordinal);
                preferred.UnionWith(entry.ChannelCodes);
            }
        }

        if (preferred is null)
        {
            return (false, false);
        }

        var preferredEligible = 0;
        for (var i = 0; i < channels.Count; i++)
        {
            preferredEligible += filters[i] == RoutingFilter.None && preferred.Contains(channels[i].Code) ? 1 : 0;
        }

        if (preferredEligible == 0)
        {
            return (true, true);
        }

        for (var i = 0; i < channels.Count; i++)
        {
            if (filters[i] == RoutingFilter.None && !preferred.Contains(channels[i].Code))
            {
                filters[i] = RoutingFilter.NotWhitelisted;
            }
        }

        eligible = preferredEligible;
        return (true, false);
    }

    private static void Score(RoutingRequest r, IReadOnlyList<ChannelInfo> channels, ScoreWeights weights, IRoutingFacts facts, int[] index, ChannelEvaluation[] scored)
    {
        int minFee = int.MaxValue, maxFee = int.MinValue, maxWeight = 1;
        double minLatency = double.MaxValue, maxLatency = double.MinValue;
        for (var k = 0; k < index.Length; k++)
        {
            var c = channels[index[k]];
            var fee = c.FeeRatePpm.GetValueOrDefault(r.PaymentMethod);
            var health = facts.Health(c.Code);
            minFee = Math.Min(minFee, fee);
            maxFee = Math.Max(maxFee, fee);
            maxWeight = Math.Max(maxWeight, c.Weight);
            minLatency = Math.Min(minLatency, health.LatencyMsP50);
            maxLatency = Math.Max(maxLatency, health.LatencyMsP50);

            // Park the raw figures; the second pass normalises them over the candidates.
            scored[k] = new ChannelEvaluation(RoutingFilter.None, 0, 0, 0, health.SuccessRate, health.LatencyMsP50, fee);
        }

        for (var k = 0; k < index.Length; k++)
        {
            var c = channels[index[k]];
            var raw = scored[k];
            var feeScore = maxFee == minFee ? 1.0 : (double)(maxFee - raw.FeeRatePpm) / (maxFee - minFee);
            var weightScore = (double)Math.Max(c.Weight, 0) / maxWeight;
            var successScore = Math.Clamp(raw.SuccessScore, 0, 1);
            var latencyScore = maxLatency <= minLatency ? 1.0 : (maxLatency - raw.LatencyScore) / (maxLatency - minLatency);
            var score = (weights.Fee * feeScore) + (weights.Weight * weightScore) + (weights.SuccessRate * successScore) + (weights.Latency * latencyScore);
            scored[k] = new ChannelEvaluation(RoutingFilter.None, score, feeScore, weightScore, successScore, latencyScore, raw.FeeRatePpm);
        }
    }

    private static int PickBest(IReadOnlyList<ChannelInfo> channels, int[] index, ChannelEvaluation[] scored)
    {
        var best = -1;
        for (var k = 0; k < index.Length; k++)
        {
            if (best < 0 || Compare(channels[index[k]], scored[k], channels[index[best]], scored[best]) < 0)
            {
                best = k;
            }
        }

        return best < 0 ? -1 : index[best];
    }

    /// <summary>Order of preference: higher score, then lower fee rate, then channel code (ordinal). Never a tie.</summary>
    internal static int Compare(ChannelInfo a, ChannelEvaluation ea, ChannelInfo b, ChannelEvaluation eb)
    {
        var byScore = eb.Score.CompareTo(ea.Score);
        if (byScore != 0 && Math.Abs(ea.Score - eb.Score) > 1e-12)
        {
            return byScore;
        }

        var byFee = ea.FeeRatePpm.CompareTo(eb.FeeRatePpm);
        return byFee != 0 ? byFee : string.CompareOrdinal(a.Code, b.Code);
    }

    /// <summary>Traffic shares by weight: a stable hash of the routing key picks a point on the eligible weights.</summary>
    private static int PickByWeight(RoutingRequest r, IReadOnlyList<ChannelInfo> channels, int[] index, ChannelEvaluation[] scored)
    {
        long total = 0;
        for (var k = 0; k < index.Length; k++)
        {
            total += Math.Max(channels[index[k]].Weight, 0);
        }

        if (total == 0)
        {
            return PickBest(channels, index, scored);
        }

        var point = (long)(StableHash(r.RoutingKey ?? $"{r.PaymentMethod}|{r.Amount}|{r.At.UtcTicks}") % (ulong)total);
        for (var k = 0; k < index.Length; k++)
        {
            point -= Math.Max(channels[index[k]].Weight, 0);
            if (point < 0)
            {
                return index[k];
            }
        }

        return PickBest(channels, index, scored);
    }

    /// <summary>FNV-1a over the UTF-16 code units, then a final avalanche: the same key always lands on the same point.</summary>
    internal static ulong StableHash(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var ch in key)
        {
            hash = (hash ^ ch) * 1099511628211UL;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        return hash;
    }

    /// <summary>Local time per time zone for one decision: most channels share a zone, so it converts once.</summary>
    private struct ZoneClock(DateTimeOffset at)
    {
        private TimeZoneInfo? _zone;
        private DateTime _local;

        public bool IsActive(MaintenanceWindow window)
        {
            if (!window.IsRecurring)
            {
                return window.IsActiveAt(at);
            }

            var zone = window.Zone;
            if (!ReferenceEquals(zone, _zone))
            {
                _zone = zone;
                _local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
            }

            return window.CoversLocal(_local);
        }
    }
}
