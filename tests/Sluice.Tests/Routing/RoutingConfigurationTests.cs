using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Server.Routing;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Routing;

/// <summary>
/// Routing configured through the admin API: rule sets with their strategy and weights, per-merchant choice,
/// whitelists (card numbers by keyed fingerprint, buyers, sellers), and channel health feeding the scores.
/// </summary>
public abstract class RoutingConfigurationTests(GatewayFixture gateway)
{
    private const string WhitelistedCard = "4111 1111 1111 1111";

    private async Task<string> PutRuleSetAsync(object body, string? name = null, HttpStatusCode expected = HttpStatusCode.Created)
    {
        name ??= RoutingTestKit.Code("rs");
        using var admin = gateway.Admin();
        var response = await admin.PutAsync($"/admin/api/routing/rule-sets/{name}", Api.JsonBody(body));
        response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
        return name;
    }

    private async Task AssignAsync(string merchantId, string? ruleSet)
    {
        using var admin = gateway.Admin();
        var response = await admin.PutAsync($"/admin/api/merchants/{merchantId}/routing", Api.JsonBody(new { rule_set = ruleSet }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> ExplainAsync(HttpClient admin, object body)
    {
        var response = await admin.PostAsync("/admin/api/routing/explain", Api.JsonBody(body));
        var json = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json;
    }

    private async Task<string?> ChosenAsync(string merchantId, long amount = 2599, string? cardNumber = null, string? buyerId = null, string? ruleSet = null)
    {
        using var admin = gateway.Admin();
        var view = await ExplainAsync(admin, new
        {
            merchant_id = merchantId, payment_method = "alipay_qr", amount, currency = "CNY", card_number = cardNumber, buyer_id = buyerId, rule_set = ruleSet,
        });
        return view.TryGetProperty("chosen_channel", out var chosen) ? chosen.GetString() : null;
    }

    [Fact]
    public async Task A_merchants_rule_set_decides_where_its_payments_go_and_is_stored_with_each_decision()
    {
        var cheap = await gateway.CreateSandboxChannelAsync("cheap", 1000, weight: 10);
        var heavy = await gateway.CreateSandboxChannelAsync("heavy", 5000, weight: 100);
        var merchant = await gateway.SandboxMerchantAtAsync("alipay_qr", cheap, heavy);
        (await ChosenAsync(merchant.MerchantId)).ShouldBe(cheap, "the default rule set weighs the fee most");

        var byWeight = await PutRuleSetAsync(new { strategy = "score", weights = new { fee = 0, weight = 1, success_rate = 0, latency = 0 }, description = "weight only" });
        await AssignAsync(merchant.MerchantId, byWeight);

        using var client = gateway.Merchant(merchant.ApiKey);
        var payment = await client.CreatePaymentAsync("RS-" + Guid.NewGuid().ToString("N")[..10]);
        payment.Str("channel").ShouldBe(heavy, "heavy and the sandbox tie on weight; the lower fee breaks the tie");
        var record = await gateway.WithDbAsync(db => db.PaymentRouting.AsNoTracking().FirstAsync(r => r.PaymentId == payment.Str("id")));
        record.RuleSet.ShouldBe(byWeight);
        record.ChosenChannel.ShouldBe(heavy);

        await AssignAsync(merchant.MerchantId, null);
        (await ChosenAsync(merchant.MerchantId)).ShouldBe(cheap);
        (await ChosenAsync(merchant.MerchantId, ruleSet: byWeight)).ShouldBe(heavy, "explain can try a rule set before it is assigned");
    }

    [Fact]
    public async Task A_weighted_split_rule_set_shares_traffic_by_channel_weight()
    {
        var small = await gateway.CreateSandboxChannelAsync("small", 1000, weight: 100);
        var large = await gateway.CreateSandboxChannelAsync("large", 1000, weight: 300);
        var merchant = await gateway.SandboxMerchantAtAsync("alipay_qr", small, large);
        var split = await PutRuleSetAsync(new { strategy = "weighted_split" });
        await AssignAsync(merchant.MerchantId, split);
        using var admin = gateway.Admin();

        var counts = new Dictionary<string, int>();
        for (var amount = 1; amount <= 400; amount++)
        {
            var view = await ExplainAsync(admin, new { merchant_id = merchant.MerchantId, payment_method = "alipay_qr", amount, currency = "CNY" });
            view.Str("strategy").ShouldBe("weighted_split");
            var chosen = view.Str("chosen_channel");
            counts[chosen] = counts.GetValueOrDefault(chosen) + 1;
        }

        // Weights 100 : 300 : 100 (the demo sandbox channel) over 400 different requests.
        counts.GetValueOrDefault(large).ShouldBeInRange(200, 280);
        counts.GetValueOrDefault(small).ShouldBeInRange(50, 110);
        counts.GetValueOrDefault("sandbox").ShouldBeInRange(50, 110);
    }

    [Fact]
    public async Task A_whitelisted_card_goes_to_its_channel_and_the_card_number_is_never_stored_or_logged()
    {
        var cheap = await gateway.CreateSandboxChannelAsync("cheap", 1000);
        var premium = await gateway.CreateSandboxChannelAsync("premium", 9000);
        var merchant = await gateway.SandboxMerchantAtAsync("alipay_qr", cheap, premium);
        var vip = await PutRuleSetAsync(new { strategy = "score" });
        await AssignAsync(merchant.MerchantId, vip);
        using var admin = gateway.Admin();
        var entry = await admin.PostAsync($"/admin/api/routing/rule-sets/{vip}/whitelist", Api.JsonBody(new
        {
            kind = "card", value = WhitelistedCard, channel_codes = new[] { premium }, note = "issuer promotion",
        }));
        var entryJson = await entry.ReadJsonAsync();
        entry.StatusCode.ShouldBe(HttpStatusCode.Created, entryJson.ToString());
        entryJson.Str("value").ShouldStartWith("cfp_");

        (await ChosenAsync(merchant.MerchantId, cardNumber: "4111-1111-1111-1111")).ShouldBe(premium);
        (await ChosenAsync(merchant.MerchantId, cardNumber: "5555555555554444")).ShouldBe(cheap, "another card is not whitelisted");
        (await ChosenAsync(merchant.MerchantId)).ShouldBe(cheap);

        using var client = gateway.Merchant(merchant.ApiKey);
        var body = Api.PaymentRequest("CARD-" + Guid.NewGuid().ToString("N")[..10]);
        var withCard = JsonSerializer.SerializeToNode(body)!.AsObject();
        withCard["card_number"] = "4111111111111111";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payments") { Content = Api.JsonBody(withCard.ToJsonString()) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var created = await client.SendAsync(request);
        var payment = await created.ReadJsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, payment.ToString());
        payment.Str("channel").ShouldBe(premium);

        var bad = await client.PostAsync("/v1/payments", Api.JsonBody(new { merchant_order_no = "CARD-BAD", amount = 100, currency = "CNY", subject = "x", payment_method = "alipay_qr", card_number = "4111111111111112" }));
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.ReadJsonAsync()).Str("code").ShouldBe("invalid_field");

        var stored = await gateway.WithDbAsync(async db => JsonSerializer.Serialize(new object[]
        {
            await db.Payments.AsNoTracking().ToListAsync(), await db.PaymentRouting.AsNoTracking().ToListAsync(),
            await db.PaymentEvents.AsNoTracking().ToListAsync(), await db.AuditEntries.AsNoTracking().ToListAsync(),
            await db.RoutingWhitelist.AsNoTracking().ToListAsync(), await db.IdempotencyRecords.AsNoTracking().ToListAsync(),
            await db.WebhookDeliveries.AsNoTracking().ToListAsync(),
        }));
        foreach (var form in new[] { "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111" })
        {
            stored.ShouldNotContain(form);
            gateway.Logs.Lines.ShouldNotContain(l => l.Contains(form));
        }
    }

    [Fact]
    public async Task A_whitelisted_buyer_falls_back_to_the_other_channels_when_its_channel_cannot_take_the_payment()
    {
        var cheap = await gateway.CreateSandboxChannelAsync("cheap", 1000);
        var partner = await gateway.CreateSandboxChannelAsync("partner", 8000);
        var merchant = await gateway.SandboxMerchantAtAsync("alipay_qr", cheap, partner);
        var rules = await PutRuleSetAsync(new { strategy = "score" });
        await AssignAsync(merchant.MerchantId, rules);
        using var admin = gateway.Admin();
        (await admin.PostAsync($"/admin/api/routing/rule-sets/{rules}/whitelist", Api.JsonBody(new
        {
            kind = "buyer_id", value = "buyer-42", channel_codes = new[] { partner },
        }))).StatusCode.ShouldBe(HttpStatusCode.Created);

        var matched = await ExplainAsync(admin, new { merchant_id = merchant.MerchantId, payment_method = "alipay_qr", amount = 100, currency = "CNY", buyer_id = "buyer-42" });
        matched.Str("chosen_channel").ShouldBe(partner);
        matched.GetProperty("whitelist_matched").GetBoolean().ShouldBeTrue();
        matched.GetProperty("channels").EnumerateArray().First(c => c.Str("channel") == cheap).Str("dropped_by").ShouldBe("whitelist_precedence");

        (await admin.PutAsync($"/admin/api/channels/{partner}/status", Api.JsonBody(new { status = "offline" }))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var fellBack = await ExplainAsync(admin, new { merchant_id = merchant.MerchantId, payment_method = "alipay_qr", amount = 100, currency = "CNY", buyer_id = "buyer-42" });
        fellBack.Str("chosen_channel").ShouldBe(cheap);
        fellBack.GetProperty("whitelist_fell_back").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_rule_set_change_made_on_one_node_is_in_force_on_another_within_a_second()
    {
        var cheap = await gateway.CreateSandboxChannelAsync("cheap", 1000, weight: 10);
        var heavy = await gateway.CreateSandboxChannelAsync("heavy", 5000, weight: 100);
        var merchant = await gateway.SandboxMerchantAtAsync("alipay_qr", cheap, heavy);
        var node = gateway.StartNode("routing-node-b");
        try
        {
            using var adminB = node.Client(GatewayFixture.AdminToken);
            var before = await ExplainAsync(adminB, new { merchant_id = merchant.MerchantId, payment_method = "alipay_qr", amount = 2599, currency = "CNY" });
            before.Str("chosen_channel").ShouldBe(cheap);

            var byWeight = await PutRuleSetAsync(new { weights = new { fee = 0, weight = 1, success_rate = 0, latency = 0 } });
            await AssignAsync(merchant.MerchantId, byWeight);
            gateway.Clock.Advance(TimeSpan.FromSeconds(2));

            var after = await ExplainAsync(adminB, new { merchant_id = merchant.MerchantId, payment_method = "alipay_qr", amount = 2599, currency = "CNY" });
            after.Str("rule_set").ShouldBe(byWeight);
            after.Str("chosen_channel").ShouldBe(heavy);
        }
        finally
        {
            await node.DisposeAsync();
        }
    }

    [Fact]
    public async Task Rule_set_changes_are_validated_compare_and_set_and_audited()
    {
        var name = RoutingTestKit.Code("audited");
        await PutRuleSetAsync(new { strategy = "sideways" }, name, HttpStatusCode.BadRequest);
        await PutRuleSetAsync(new { weights = new { fee = -1 } }, name, HttpStatusCode.BadRequest);
        await PutRuleSetAsync(new { weights = new { fee = 0, weight = 0, success_rate = 0, latency = 0 } }, name, HttpStatusCode.BadRequest);
        (await gateway.WithDbAsync(db => db.RoutingRuleSets.CountAsync(r => r.Name == name))).ShouldBe(0, "a refused change writes nothing");

        await PutRuleSetAsync(new { strategy = "score", description = "first" }, name);
        await PutRuleSetAsync(new { strategy = "weighted_split" }, name, HttpStatusCode.BadRequest); // no version
        await PutRuleSetAsync(new { strategy = "weighted_split", version = 7 }, name, HttpStatusCode.Conflict);
        await PutRuleSetAsync(new { strategy = "weighted_split", version = 1 }, name, HttpStatusCode.OK);

        using var admin = gateway.Admin();
        var view = await (await admin.GetAsync($"/admin/api/routing/rule-sets/{name}")).ReadJsonAsync();
        view.Str("strategy").ShouldBe("weighted_split");
        view.GetProperty("version").GetInt32().ShouldBe(2);
        view.Str("description").ShouldBe("first");

        var unknownChannel = await admin.PostAsync($"/admin/api/routing/rule-sets/{name}/whitelist", Api.JsonBody(new { kind = "seller_id", value = "s1", channel_codes = new[] { "no-such-channel" } }));
        unknownChannel.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var badCard = await admin.PostAsync($"/admin/api/routing/rule-sets/{name}/whitelist", Api.JsonBody(new { kind = "card", value = "1234", channel_codes = new[] { "sandbox" } }));
        badCard.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.PutAsync("/admin/api/merchants/mch_none/routing", Api.JsonBody(new { rule_set = name }))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await admin.PutAsync($"/admin/api/merchants/{gateway.Demo.MerchantId}/routing", Api.JsonBody(new { rule_set = "nope" }))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var merchant = await gateway.SandboxMerchantAtAsync("alipay_qr");
        await AssignAsync(merchant.MerchantId, name);
        (await admin.DeleteAsync($"/admin/api/routing/rule-sets/{name}")).StatusCode.ShouldBe(HttpStatusCode.Conflict, "a merchant still uses it");
        (await admin.DeleteAsync("/admin/api/routing/rule-sets/default")).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        await AssignAsync(merchant.MerchantId, null);
        (await admin.DeleteAsync($"/admin/api/routing/rule-sets/{name}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var audit = await (await admin.GetAsync("/admin/api/audit?entityType=routing_rule_set")).ReadJsonAsync();
        var mine = audit.EnumerateArray().Where(a => a.Str("entity_id") == name).Select(a => a.Str("action")).ToList();
        mine.ShouldBe(["delete", "update", "create"], ignoreOrder: true);
        var update = audit.EnumerateArray().First(a => a.Str("entity_id") == name && a.Str("action") == "update");
        update.GetProperty("old_value").ToString().ShouldContain("\"score\"");
        update.GetProperty("new_value").ToString().ShouldContain("weighted_split");
        var assignments = await (await admin.GetAsync("/admin/api/audit?entityType=merchant_routing")).ReadJsonAsync();
        assignments.EnumerateArray().Count(a => a.Str("entity_id") == merchant.MerchantId).ShouldBe(2);
    }

    [Fact]
    public async Task Withdrawals_are_routed_among_withdrawal_channels_by_the_same_engine_and_rules()
    {
        var payout = await gateway.CreateSandboxChannelAsync("payout", 3000, method: "withdraw_bank_account", businessType: "withdrawal");
        var cheapPayout = await gateway.CreateSandboxChannelAsync("payout-cheap", 1000, method: "withdraw_bank_account", businessType: "withdrawal");
        var pay = await gateway.CreateSandboxChannelAsync("pay", 100);
        var merchant = await gateway.SandboxMerchantAtAsync("withdraw_bank_account", payout, cheapPayout);
        using var admin = gateway.Admin();

        var view = await ExplainAsync(admin, new
        {
            merchant_id = merchant.MerchantId, business_type = "withdrawal", payment_method = "withdraw_bank_account", amount = 50_000, currency = "CNY",
        });

        view.Str("chosen_channel").ShouldBe(cheapPayout);
        view.GetProperty("failover_order").EnumerateArray().Select(e => e.GetString()).ShouldBe([cheapPayout, payout]);
        var lines = view.GetProperty("channels").EnumerateArray().ToDictionary(l => l.Str("channel"));
        lines[pay].Str("dropped_by").ShouldBe("business_type");
        lines["sandbox"].Str("dropped_by").ShouldBe("business_type");

        var byWeight = await PutRuleSetAsync(new { strategy = "weighted_split" });
        var split = await ExplainAsync(admin, new
        {
            merchant_id = merchant.MerchantId, business_type = "withdrawal", payment_method = "withdraw_bank_account", amount = 50_000, currency = "CNY", rule_set = byWeight,
        });
        split.Str("strategy").ShouldBe("weighted_split");
        split.Str("chosen_channel").ShouldBeOneOf(payout, cheapPayout);
    }

    [Fact]
    public async Task A_channel_that_keeps_refusing_connections_loses_its_place_by_success_rate()
    {
        var broken = await gateway.CreateSandboxChannelAsync("refusing", 1000);
        var merchant = await gateway.SandboxMerchantAtAsync("alipay_qr");
        using var admin = gateway.Admin();
        var account = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = broken, protocol = "sandbox", merchant_id = merchant.MerchantId, payment_methods = new[] { "alipay_qr" },
            credentials = new Dictionary<string, string> { ["merchant_no"] = "SBXDEAD", ["api_secret"] = "x", ["base_url"] = $"http://127.0.0.1:{GatewayFixture.FreePort()}/" },
        }));
        account.StatusCode.ShouldBe(HttpStatusCode.Created);
        var healthFirst = await PutRuleSetAsync(new { weights = new { fee = 0.1, weight = 0, success_rate = 0.9, latency = 0 } });
        await AssignAsync(merchant.MerchantId, healthFirst);
        using var client = gateway.Merchant(merchant.ApiKey);

        var first = await client.CreatePaymentAsync("H1-" + Guid.NewGuid().ToString("N")[..10]);
        first.Str("channel").ShouldBe("sandbox", "the refused channel was tried first and failed over");
        (await gateway.WithDbAsync(db => db.PaymentEvents.CountAsync(e => e.PaymentId == first.Str("id") && e.Kind == "failover"))).ShouldBe(1);

        var second = await client.CreatePaymentAsync("H2-" + Guid.NewGuid().ToString("N")[..10]);
        second.Str("channel").ShouldBe("sandbox");
        (await gateway.WithDbAsync(db => db.PaymentEvents.CountAsync(e => e.PaymentId == second.Str("id") && e.Kind == "failover"))).ShouldBe(0, "the sandbox now ranks first");
        var record = await gateway.WithDbAsync(db => db.PaymentRouting.AsNoTracking().FirstAsync(r => r.PaymentId == second.Str("id")));
        var lines = JsonDocument.Parse(record.ExplanationJson).RootElement.EnumerateArray().ToDictionary(l => l.Str("channel"));
        lines[broken].GetProperty("score_parts").GetProperty("success_rate").GetDouble().ShouldBeLessThan(1.0);
        lines["sandbox"].GetProperty("score_parts").GetProperty("success_rate").GetDouble().ShouldBe(1.0);

        // Trouble ages out: after the health window the channel competes on fee again.
        gateway.Clock.Advance(ChannelHealthMonitor.Window + TimeSpan.FromMinutes(1));
        (await ChosenAsync(merchant.MerchantId)).ShouldBe(broken);
    }
}

public sealed class RoutingConfigurationSqliteTests(SqliteGateway gateway) : RoutingConfigurationTests(gateway), IClassFixture<SqliteGateway>;

public sealed class RoutingConfigurationPostgresTests(PostgresGateway gateway) : RoutingConfigurationTests(gateway), IClassFixture<PostgresGateway>;
