using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Money;
using Sluice.Routing;
using Sluice.Server.Api;
using Sluice.Security;
using Sluice.Server.Channels;
using Sluice.Server.Payments;

namespace Sluice.Server.Routing;

/// <summary>A hypothetical payment or withdrawal to route without creating anything.</summary>
public sealed record RoutingExplainRequest(
    string? MerchantId,
    string? PaymentMethod,
    long? Amount,
    string? Currency,
    string? BusinessType = null,
    DateTimeOffset? At = null,
    string? PaymentEnvironment = null,
    string? ProductCode = null,
    string? BankCode = null,
    string? CardType = null,
    string? BuyerId = null,
    string? SellerId = null,
    string? CardNumber = null,
    string? RuleSet = null);

/// <summary>Where a payment would go and why: the choice, the failover order, and every channel's filter or score.</summary>
public sealed record RoutingExplanationView(
    string? ChosenChannel,
    string RuleSet,
    string Strategy,
    long CatalogVersion,
    bool WhitelistMatched,
    bool WhitelistFellBack,
    IReadOnlyList<string> FailoverOrder,
    IReadOnlyList<ChannelExplanation> Channels)
{
    /// <summary>Every channel's health on this node and its circuit breaker (shared by every node), as routing read them.</summary>
    public IReadOnlyList<ChannelHealthView> Health { get; init; } = [];
}

/// <summary>The routing decision stored with a payment.</summary>
public sealed record PaymentRoutingView(string? ChosenChannel, string RuleSet, string Strategy, long CatalogVersion, DateTimeOffset DecidedAt, JsonElement Channels);

public static class RoutingEndpoints
{
    public static void MapRoutingEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("/routing").WithTags("Admin: routing");
        admin.MapPost("/explain", ExplainAsync)
            .WithSummary("Where would this payment go, and why? Creates nothing.");
        admin.MapGet("/payments/{paymentId}", async Task<Results<Ok<PaymentRoutingView>, ProblemHttpResult>> (string paymentId, SluiceDbContext db, CancellationToken ct) =>
        {
            var record = await db.PaymentRouting.AsNoTracking().FirstOrDefaultAsync(r => r.PaymentId == paymentId, ct);
            return record is null
                ? Problems.NotFound("routing decision")
                : TypedResults.Ok(new PaymentRoutingView(record.ChosenChannel, record.RuleSet, record.Strategy, record.CatalogVersion, record.DecidedAt,
                    JsonDocument.Parse(record.ExplanationJson).RootElement.Clone()));
        }).WithSummary("The routing decision stored with a payment");
    }

    private static async Task<Results<Ok<RoutingExplanationView>, ProblemHttpResult>> ExplainAsync(
        RoutingExplainRequest? r, SluiceDbContext db, PaymentRouter router, ChannelCatalog catalog, CardFingerprints cards, TimeProvider clock, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r?.MerchantId) || !await db.Merchants.AnyAsync(m => m.Id == r.MerchantId, ct))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "merchant_id", "merchant_id must name an existing merchant.");
        }

        if (string.IsNullOrWhiteSpace(r.PaymentMethod))
        {
            return Problems.Validation(UnifiedCode.MissingField, "payment_method", "payment_method is required.");
        }

        if (r.Amount is not > 0 || r.Amount > MoneyAmount.MaxMinorUnits)
        {
            return Problems.Validation(UnifiedCode.InvalidAmount, "amount", "amount must be a positive integer of minor units.");
        }

        if (!Currency.TryGet(r.Currency, out _))
        {
            return Problems.Validation(UnifiedCode.UnsupportedCurrency, "currency", "currency must be a supported ISO 4217 code.");
        }

        var businessType = (r.BusinessType ?? "payment") switch
        {
            "payment" => (ChannelBusinessType?)ChannelBusinessType.Payment,
            "withdrawal" => ChannelBusinessType.Withdrawal,
            _ => null,
        };
        if (businessType is null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "business_type", "business_type must be payment or withdrawal.");
        }

        if (r.CardType is not null && PaymentValidation.CardTypeOf(r.CardType) is null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "card_type", "card_type must be debit or credit.");
        }

        if (r.CardNumber is not null && !CardFingerprints.IsCardNumber(r.CardNumber))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "card_number", "card_number must be 12-19 digits passing the Luhn check.");
        }

        RoutingRuleSet? ruleSet = null;
        if (r.RuleSet is not null && !(await catalog.GetAsync(ct)).RuleSets.TryGetValue(r.RuleSet, out ruleSet))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "rule_set", $"No routing rule set is named '{r.RuleSet}'.");
        }

        var routed = await router.RouteAsync(r.MerchantId, new RoutingRequest(
            businessType.Value, r.PaymentMethod, r.Amount.Value, r.Currency!, r.At ?? clock.GetUtcNow(),
            ProductCode: r.ProductCode, Environment: r.PaymentEnvironment, BankCode: r.BankCode, CardType: PaymentValidation.CardTypeOf(r.CardType),
            CardNumberHash: cards.Of(r.CardNumber), BuyerId: r.BuyerId, SellerId: r.SellerId), ct, ruleSet, explainOnly: true);
        var d = routed.Decision;
        return TypedResults.Ok(new RoutingExplanationView(
            d.Chosen?.Code, routed.Rules.Name, RuleSetView.StrategyName(routed.Rules.Strategy), routed.Catalog.Version,
            d.WhitelistMatched, d.WhitelistFellBack, d.Ranked.Select(c => c.Code).ToList(), d.Explain())
        {
            Health = [.. d.Channels.Select(c => ChannelHealthView.Of(c.Code, routed.Facts.Health(c.Code), routed.Breakers!))],
        });
    }
}
