using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Common;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Routing;
using Sluice.Security;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Auth;
using Sluice.Server.Channels;

namespace Sluice.Server.Routing;

public sealed record ScoreWeightsBody(double? Fee, double? Weight, double? SuccessRate, double? Latency);

/// <summary>Body of <c>PUT /admin/api/routing/rule-sets/{name}</c>: creates the rule set, or updates it at <c>version</c>.</summary>
public sealed record RuleSetRequest(string? Strategy, ScoreWeightsBody? Weights, string? Description, int? Version);

public sealed record WhitelistEntryView(string Id, string Kind, string Value, IReadOnlyList<string> ChannelCodes, string? Note, DateTimeOffset CreatedAt)
{
    public static WhitelistEntryView Of(RoutingWhitelistRule w) =>
        new(w.Id, KindName(w.Kind), w.Value, w.Channels, w.Note, w.CreatedAt);

    public static string KindName(WhitelistKind kind) => kind switch
    {
        WhitelistKind.CardHash => "card",
        WhitelistKind.BuyerId => "buyer_id",
        _ => "seller_id",
    };
}

public sealed record RuleSetView(
    string Name, string Strategy, ScoreWeights Weights, string? Description, int Version, DateTimeOffset UpdatedAt,
    IReadOnlyList<WhitelistEntryView> Whitelist)
{
    public static RuleSetView Of(RoutingRuleSetDefinition d, IEnumerable<RoutingWhitelistRule> whitelist) => new(
        d.Name, StrategyName(d.Strategy), d.Weights, d.Description, d.Version, d.UpdatedAt, [.. whitelist.Select(WhitelistEntryView.Of)]);

    public static string StrategyName(RoutingStrategy s) => s == RoutingStrategy.WeightedSplit ? "weighted_split" : "score";
}

/// <summary>
/// Body of <c>POST /admin/api/routing/rule-sets/{name}/whitelist</c>. <c>kind</c> is card, buyer_id or seller_id; a card
/// entry takes the card number in <c>value</c>, which is turned into its keyed fingerprint at once and never stored.
/// </summary>
public sealed record WhitelistEntryRequest(string? Kind, string? Value, IReadOnlyList<string>? ChannelCodes, string? Note);

public sealed record MerchantRoutingRequest(string? RuleSet);

public sealed record MerchantRoutingView(string MerchantId, string RuleSet, bool Assigned);

/// <summary>
/// Routing configuration through the admin API: rule sets (strategy and factor weights), their whitelists, and which
/// rule set each merchant uses. Every change is validated, audited and committed with a catalog version increment, so
/// every node routes by it within about a second.
/// </summary>
public static partial class RoutingConfigurationEndpoints
{
    public static void MapRoutingConfigurationEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("").WithTags("Admin: routing");
        admin.MapGet("/routing/rule-sets", ListAsync).WithSummary("Routing rule sets with their whitelists");
        admin.MapGet("/routing/rule-sets/{name}", GetAsync);
        admin.MapPut("/routing/rule-sets/{name}", PutAsync).WithSummary("Create a rule set, or update it at the version read");
        admin.MapDelete("/routing/rule-sets/{name}", DeleteAsync);
        admin.MapPost("/routing/rule-sets/{name}/whitelist", AddWhitelistAsync).WithSummary("Give channels precedence for a card, buyer or seller");
        admin.MapDelete("/routing/rule-sets/{name}/whitelist/{id}", DeleteWhitelistAsync);
        admin.MapGet("/merchants/{merchantId}/routing", GetMerchantAsync);
        admin.MapPut("/merchants/{merchantId}/routing", PutMerchantAsync).WithSummary("Choose the rule set a merchant's payments use (null: default)");
    }

    private static async Task<Ok<List<RuleSetView>>> ListAsync(SluiceDbContext db, CancellationToken ct)
    {
        var sets = await db.RoutingRuleSets.AsNoTracking().OrderBy(r => r.Name).ToListAsync(ct);
        var whitelist = (await db.RoutingWhitelist.AsNoTracking().OrderBy(w => w.CreatedAt).ToListAsync(ct)).ToLookup(w => w.RuleSetName);
        return TypedResults.Ok(sets.Select(s => RuleSetView.Of(s, whitelist[s.Name])).ToList());
    }

    private static async Task<Results<Ok<RuleSetView>, ProblemHttpResult>> GetAsync(string name, SluiceDbContext db, CancellationToken ct)
    {
        var set = await db.RoutingRuleSets.AsNoTracking().FirstOrDefaultAsync(r => r.Name == name, ct);
        return set is null ? Problems.NotFound("routing rule set") : TypedResults.Ok(await ViewAsync(db, set, ct));
    }

    private static async Task<Results<Ok<RuleSetView>, Created<RuleSetView>, ProblemHttpResult>> PutAsync(
        string name, RuleSetRequest? r, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!NamePattern().IsMatch(name))
        {
            return Invalid("name", "name must be 2-64 characters of lower-case letters, digits, '_' and '-'.");
        }

        if (r is null)
        {
            return Problems.Of(400, UnifiedCode.MalformedJson, "The request needs a JSON object body.");
        }

        var strategy = (r.Strategy ?? "score") switch
        {
            "score" => (RoutingStrategy?)RoutingStrategy.Score,
            "weighted_split" => RoutingStrategy.WeightedSplit,
            _ => null,
        };
        if (strategy is null)
        {
            return Invalid("strategy", "strategy must be score or weighted_split.");
        }

        var defaults = RoutingRuleSet.Default.Weights;
        var w = r.Weights;
        var weights = new ScoreWeights(w?.Fee ?? defaults.Fee, w?.Weight ?? defaults.Weight, w?.SuccessRate ?? defaults.SuccessRate, w?.Latency ?? defaults.Latency);
        double[] all = [weights.Fee, weights.Weight, weights.SuccessRate, weights.Latency];
        if (all.Any(x => !double.IsFinite(x) || x < 0 || x > 100) || all.Sum() <= 0)
        {
            return Invalid("weights", "weights must be between 0 and 100, and at least one must be positive.");
        }

        if (r.Description is { Length: > 512 })
        {
            return Invalid("description", "description must be at most 512 characters.");
        }

        var now = clock.GetUtcNow();
        var set = await db.RoutingRuleSets.FirstOrDefaultAsync(s => s.Name == name, ct);
        var created = set is null;
        RuleSetView? before = null;
        if (set is null)
        {
            set = new RoutingRuleSetDefinition { Name = name, CreatedAt = now };
            db.RoutingRuleSets.Add(set);
        }
        else
        {
            if (r.Version is not { } version)
            {
                return Problems.Validation(UnifiedCode.MissingField, "version", "version is required to update a rule set.");
            }

            if (version != set.Version)
            {
                return Problems.Conflict(UnifiedCode.ConcurrentModification, $"The rule set is at version {set.Version}; read it again and retry with that version.");
            }

            before = await ViewAsync(db, set, ct);
            set.Version++;
        }

        set.Strategy = strategy.Value;
        (set.FeeWeight, set.WeightWeight, set.SuccessRateWeight, set.LatencyWeight) = (weights.Fee, weights.Weight, weights.SuccessRate, weights.Latency);
        set.Description = r.Description ?? set.Description;
        set.UpdatedAt = now;
        var after = await ViewAsync(db, set, ct);
        AuditLog.Add(db, clock, user, created ? "create" : "update", "routing_rule_set", name, before, after);
        if (await AdminCatalogEndpoints.CommitAsync(db, catalog, ct) is { } conflict)
        {
            return conflict;
        }

        return created ? TypedResults.Created($"/admin/api/routing/rule-sets/{name}", after) : TypedResults.Ok(after);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string name, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var set = await db.RoutingRuleSets.FirstOrDefaultAsync(s => s.Name == name, ct);
        if (set is null)
        {
            return Problems.NotFound("routing rule set");
        }

        if (name == RoutingRuleSetDefinition.DefaultName)
        {
            return Problems.Conflict(UnifiedCode.InvalidField, "The default rule set cannot be deleted; change it instead.");
        }

        if (await db.Merchants.AnyAsync(m => m.RoutingRuleSet == name, ct))
        {
            return Problems.Conflict(UnifiedCode.InvalidField, "Merchants still use this rule set; assign them another one first.");
        }

        AuditLog.Add(db, clock, user, "delete", "routing_rule_set", name, await ViewAsync(db, set, ct), null);
        db.RoutingRuleSets.Remove(set);
        return await AdminCatalogEndpoints.CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.NoContent();
    }

    private static async Task<Results<Created<WhitelistEntryView>, ProblemHttpResult>> AddWhitelistAsync(
        string name, WhitelistEntryRequest? r, SluiceDbContext db, ChannelCatalog catalog, CardFingerprints cards, IdGenerator ids,
        TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.RoutingRuleSets.AnyAsync(s => s.Name == name, ct))
        {
            return Problems.NotFound("routing rule set");
        }

        var kind = r?.Kind switch
        {
            "card" => (WhitelistKind?)WhitelistKind.CardHash,
            "buyer_id" => WhitelistKind.BuyerId,
            "seller_id" => WhitelistKind.SellerId,
            _ => null,
        };
        if (kind is null)
        {
            return Invalid("kind", "kind must be card, buyer_id or seller_id.");
        }

        string? value;
        if (kind == WhitelistKind.CardHash)
        {
            value = cards.Of(r!.Value);
            if (value is null)
            {
                return Invalid("value", "value must be a card number: 12-19 digits passing the Luhn check.");
            }
        }
        else
        {
            value = r!.Value;
            if (value is null || value.Length is 0 or > 64 || value.Any(char.IsControl))
            {
                return Invalid("value", "value must be 1-64 printable characters.");
            }
        }

        var codes = (r.ChannelCodes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count == 0)
        {
            return Problems.Validation(UnifiedCode.MissingField, "channel_codes", "channel_codes must name at least one channel.");
        }

        var known = await db.Channels.Where(c => codes.Contains(c.Code)).Select(c => c.Code).ToListAsync(ct);
        if (codes.Except(known, StringComparer.Ordinal).FirstOrDefault() is { } unknown)
        {
            return Invalid("channel_codes", $"No channel is named '{unknown}'.");
        }

        if (r.Note is { Length: > 512 })
        {
            return Invalid("note", "note must be at most 512 characters.");
        }

        var entry = new RoutingWhitelistRule
        {
            Id = ids.Next("rwl"), RuleSetName = name, Kind = kind.Value, Value = value, ChannelCodes = string.Join(',', codes),
            Note = r.Note, CreatedAt = clock.GetUtcNow(),
        };
        db.RoutingWhitelist.Add(entry);
        var view = WhitelistEntryView.Of(entry);
        AuditLog.Add(db, clock, user, "create", "routing_whitelist", $"{name}:{entry.Id}", null, view);
        return await AdminCatalogEndpoints.CommitAsync(db, catalog, ct) is { } conflict
            ? conflict
            : TypedResults.Created($"/admin/api/routing/rule-sets/{name}/whitelist/{entry.Id}", view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWhitelistAsync(
        string name, string id, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var entry = await db.RoutingWhitelist.FirstOrDefaultAsync(w => w.Id == id && w.RuleSetName == name, ct);
        if (entry is null)
        {
            return Problems.NotFound("whitelist entry");
        }

        db.RoutingWhitelist.Remove(entry);
        AuditLog.Add(db, clock, user, "delete", "routing_whitelist", $"{name}:{id}", WhitelistEntryView.Of(entry), null);
        return await AdminCatalogEndpoints.CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<MerchantRoutingView>, ProblemHttpResult>> GetMerchantAsync(string merchantId, SluiceDbContext db, CancellationToken ct)
    {
        var merchant = await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.Id == merchantId, ct);
        return merchant is null ? Problems.NotFound("merchant") : TypedResults.Ok(MerchantView(merchant.Id, merchant.RoutingRuleSet));
    }

    private static async Task<Results<Ok<MerchantRoutingView>, ProblemHttpResult>> PutMerchantAsync(
        string merchantId, MerchantRoutingRequest? r, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var merchant = await db.Merchants.FirstOrDefaultAsync(m => m.Id == merchantId, ct);
        if (merchant is null)
        {
            return Problems.NotFound("merchant");
        }

        if (r is null)
        {
            return Problems.Of(400, UnifiedCode.MalformedJson, "The request needs a JSON object body.");
        }

        if (r.RuleSet is not null && !await db.RoutingRuleSets.AnyAsync(s => s.Name == r.RuleSet, ct))
        {
            return Invalid("rule_set", $"No routing rule set is named '{r.RuleSet}'.");
        }

        var before = MerchantView(merchant.Id, merchant.RoutingRuleSet);
        merchant.RoutingRuleSet = r.RuleSet == RoutingRuleSetDefinition.DefaultName ? null : r.RuleSet;
        var after = MerchantView(merchant.Id, merchant.RoutingRuleSet);
        AuditLog.Add(db, clock, user, "set_rule_set", "merchant_routing", merchant.Id, before, after);
        return await AdminCatalogEndpoints.CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.Ok(after);
    }

    private static MerchantRoutingView MerchantView(string merchantId, string? ruleSet) =>
        new(merchantId, ruleSet ?? RoutingRuleSetDefinition.DefaultName, ruleSet is not null);

    private static async Task<RuleSetView> ViewAsync(SluiceDbContext db, RoutingRuleSetDefinition set, CancellationToken ct) =>
        RuleSetView.Of(set, await db.RoutingWhitelist.AsNoTracking().Where(w => w.RuleSetName == set.Name).OrderBy(w => w.CreatedAt).ToListAsync(ct));

    private static ProblemHttpResult Invalid(string field, string detail) => Problems.Validation(UnifiedCode.InvalidField, field, detail);

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,63}$")]
    private static partial Regex NamePattern();
}
