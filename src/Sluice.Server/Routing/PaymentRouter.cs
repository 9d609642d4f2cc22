using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Routing;
using Sluice.Server.Api;
using Sluice.Server.ChannelAccounts;
using Sluice.Server.Channels;

namespace Sluice.Server.Routing;

/// <summary>A routing decision with what it was made from, ready to be acted on or explained.</summary>
public sealed record RoutedRequest(RoutingDecision Decision, RoutingFacts Facts, ChannelCatalogSnapshot Catalog, RoutingRuleSet Rules)
{
    /// <summary>The channels' circuit breakers as routing read them.</summary>
    public BreakerSnapshot? Breakers { get; init; }

    /// <summary>
    /// Eligible channels in failover order, each with the merchant's account there. A cooled-down (half-open) channel
    /// is a candidate only as the choice, whose probe the router claimed: never a failover target whose probe some
    /// other request may hold.
    /// </summary>
    public IReadOnlyList<(ChannelInfo Channel, ChannelAccount Account)> Candidates =>
        Decision.Ranked.Where((c, i) => i == 0 || Breakers?.Of(c.Code).NeedsProbeClaim != true).Select(c => (c, Facts.AccountFor(c.Code)!)).ToList();

    public PaymentRoutingRecord RecordFor(string paymentId, DateTimeOffset at) => new()
    {
        PaymentId = paymentId,
        RuleSet = Rules.Name,
        Strategy = RuleSetView.StrategyName(Rules.Strategy),
        ChosenChannel = Decision.Chosen?.Code,
        CatalogVersion = Catalog.Version,
        ExplanationJson = JsonSerializer.Serialize(Decision.Explain(), SluiceJson.Options),
        DecidedAt = at,
    };
}

/// <summary>
/// Routes with the engine over the current channel catalog and the merchant's facts: its enabled accounts that take
/// the method, today's limit usage, recent channel health, the channels' circuit breakers; by the merchant's rule set
/// (or one named for an explanation). A cooled-down channel's half-open probe is claimed for the request that chooses
/// it (one request on any node); a request that loses the claim is routed again without that channel.
/// </summary>
public sealed class PaymentRouter(
    SluiceDbContext db, ChannelCatalog catalog, ChannelAccountContexts accounts, DailyLimitLedger ledger, ChannelHealthMonitor health, ChannelBreakers breakers)
{
    private const int MaxProbeRaces = 3;

    private static readonly Dictionary<string, long> NothingUsed = new(StringComparer.Ordinal);
    private LimitsOf _limits = new(ChannelCatalogSnapshot.Empty, false);

    /// <param name="explainOnly">Routes without claiming any probe (an operator's explanation sends nothing).</param>
    public async Task<RoutedRequest> RouteAsync(string merchantId, RoutingRequest request, CancellationToken ct, RoutingRuleSet? ruleSet = null, bool explainOnly = false)
    {
        var snapshot = await catalog.GetAsync(ct);
        var enabled = accounts.EnabledForMerchant(merchantId)
            ?? accounts.RememberEnabledForMerchant(merchantId, await db.ChannelAccounts.AsNoTracking()
                .Where(a => a.MerchantId == merchantId && a.Enabled).OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).ToListAsync(ct));
        var usable = enabled.Where(a => a.Supports(request.PaymentMethod)).ToList();

        // Today's usage is read only when some channel has a daily limit at all.
        var used = HasDailyLimits(snapshot) ? await ledger.UsedTodayAsync(ct) : NothingUsed;
        var rules = ruleSet ?? snapshot.RuleSetFor(merchantId);
        var breaker = await breakers.CurrentAsync(ct);
        HashSet<string>? probeTaken = null;
        for (var race = 0; ; race++)
        {
            var facts = new RoutingFacts(usable, used, health.Health, code => breaker.KeepsOut(code) || probeTaken?.Contains(code) == true);
            var routed = new RoutedRequest(RoutingEngine.Decide(request, snapshot.Channels, rules, facts), facts, snapshot, rules) { Breakers = breaker };
            if (explainOnly || race >= MaxProbeRaces)
            {
                return routed;
            }

            if (routed.Decision.Chosen is not { } chosen || !breaker.Of(chosen.Code).NeedsProbeClaim
                || await breakers.TryClaimProbeAsync(db, chosen.Code, breaker.Of(chosen.Code), ct))
            {
                return routed;
            }

            (probeTaken ??= new(StringComparer.Ordinal)).Add(chosen.Code);
        }
    }

    private bool HasDailyLimits(ChannelCatalogSnapshot snapshot)
    {
        var known = Volatile.Read(ref _limits);
        if (ReferenceEquals(known.Snapshot, snapshot))
        {
            return known.HasDailyLimits;
        }

        var has = snapshot.Channels.Any(c => c.DailyLimitMinor is not null || c.Banks.Values.Any(b => b.DailyLimitMinor is not null));
        Volatile.Write(ref _limits, new LimitsOf(snapshot, has));
        return has;
    }

    /// <summary>Whether a catalog snapshot has any daily limit, swapped in as one reference so readers never see a mix.</summary>
    private sealed record LimitsOf(ChannelCatalogSnapshot Snapshot, bool HasDailyLimits);
}
