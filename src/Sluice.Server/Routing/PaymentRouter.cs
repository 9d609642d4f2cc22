using System.Text.Json;
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
    /// <summary>Eligible channels in failover order, each with the merchant's account there.</summary>
    public IReadOnlyList<(ChannelInfo Channel, ChannelAccount Account)> Candidates =>
        Decision.Ranked.Select(c => (c, Facts.AccountFor(c.Code)!)).ToList();

    public PaymentRoutingRecord RecordFor(string paymentId, DateTimeOffset at) => new()
    {
        PaymentId = paymentId,
        RuleSet = Rules.Name,
        Strategy = Rules.Strategy.ToString().ToLowerInvariant(),
        ChosenChannel = Decision.Chosen?.Code,
        CatalogVersion = Catalog.Version,
        ExplanationJson = JsonSerializer.Serialize(Decision.Explain(), SluiceJson.Options),
        DecidedAt = at,
    };
}

/// <summary>
/// Routes with the engine over the current channel catalog and the merchant's facts: its enabled accounts that take
/// the method, today's limit usage. The rule set is the default one until rule sets are configurable.
/// </summary>
public sealed class PaymentRouter(ChannelCatalog catalog, ChannelAccountContexts accounts, DailyLimitLedger ledger)
{
    public async Task<RoutedRequest> RouteAsync(SluiceDbContext db, string merchantId, RoutingRequest request, CancellationToken ct)
    {
        var snapshot = await catalog.GetAsync(ct);
        var usable = (await accounts.EnabledForMerchantAsync(db, merchantId, ct)).Where(a => a.Supports(request.PaymentMethod)).ToList();
        var facts = new RoutingFacts(usable, await ledger.UsedTodayAsync(db, ct));
        var rules = RoutingRuleSet.Default;
        return new RoutedRequest(RoutingEngine.Decide(request, snapshot.Channels, rules, facts), facts, snapshot, rules);
    }
}
