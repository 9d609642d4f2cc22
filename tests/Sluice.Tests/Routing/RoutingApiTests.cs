using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Demo.Sandbox;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Routing;

/// <summary>Routing through the API: explained dry runs, stored decisions, daily limits held by real payments.</summary>
public abstract class RoutingApiTests(GatewayFixture gateway)
{
    private Task<string> CreateChannelAsync(string prefix, int feePpm, long? dailyLimit = null, string status = "online", string method = "alipay_qr") =>
        gateway.CreateSandboxChannelAsync(prefix, feePpm, dailyLimit, status, method);

    private Task<TestMerchant> MerchantAtAsync(params string[] channels) => gateway.SandboxMerchantAtAsync("alipay_qr", channels);

    private Task<TestMerchant> MerchantTakingAtAsync(string method, params string[] channels) => gateway.SandboxMerchantAtAsync(method, channels);

    [Fact]
    public async Task Explain_answers_where_a_payment_would_go_and_why_without_creating_anything()
    {
        var cheap = await CreateChannelAsync("cheap", 1000);
        var offline = await CreateChannelAsync("down", 500, status: "offline");
        var notMine = await CreateChannelAsync("other", 100);
        var merchant = await MerchantAtAsync(cheap, offline);
        var before = await gateway.WithDbAsync(db => db.Payments.CountAsync());
        using var admin = gateway.Admin();

        var response = await admin.PostAsync("/admin/api/routing/explain", Api.JsonBody(new
        {
            merchant_id = merchant.MerchantId, payment_method = "alipay_qr", amount = 2599, currency = "CNY",
        }));
        var view = await response.ReadJsonAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.OK, view.ToString());
        view.Str("chosen_channel").ShouldBe(cheap);
        view.GetProperty("failover_order").EnumerateArray().Select(e => e.GetString()).ShouldBe([cheap, "sandbox"]);
        var lines = view.GetProperty("channels").EnumerateArray().ToDictionary(l => l.Str("channel"));
        lines[offline].Str("dropped_by").ShouldBe("offline");
        lines[notMine].Str("dropped_by").ShouldBe("no_usable_account");
        lines[cheap].GetProperty("chosen").GetBoolean().ShouldBeTrue();
        lines[cheap].GetProperty("score_parts").GetProperty("fee_rate_ppm").GetDouble().ShouldBe(1000);
        (await gateway.WithDbAsync(db => db.Payments.CountAsync())).ShouldBe(before);

        var bad = await admin.PostAsync("/admin/api/routing/explain", Api.JsonBody(new { merchant_id = "mch_nope", payment_method = "alipay_qr", amount = 1, currency = "CNY" }));
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var merchantClient = gateway.Merchant(merchant.ApiKey);
        (await merchantClient.PostAsync("/admin/api/routing/explain", Api.JsonBody(new { }))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Every_payment_keeps_its_routing_decision_for_operators()
    {
        var cheap = await CreateChannelAsync("cheap", 1000);
        var merchant = await MerchantAtAsync(cheap);
        using var client = gateway.Merchant(merchant.ApiKey);

        var payment = await client.CreatePaymentAsync("R-" + Guid.NewGuid().ToString("N")[..10]);

        payment.Str("channel").ShouldBe(cheap);
        using var admin = gateway.Admin();
        var routing = await (await admin.GetAsync($"/admin/api/routing/payments/{payment.Str("id")}")).ReadJsonAsync();
        routing.Str("chosen_channel").ShouldBe(cheap);
        routing.Str("rule_set").ShouldBe("default");
        routing.GetProperty("channels").EnumerateArray().Single(l => l.Str("channel") == "sandbox").GetProperty("eligible").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task No_eligible_channel_is_a_clear_error_for_the_merchant_and_writes_no_order()
    {
        var offline = await CreateChannelAsync("only-down", 1000, status: "offline");
        var merchant = await MerchantAtAsync(offline);
        using var client = gateway.Merchant(merchant.ApiKey);
        var orderNo = "N-" + Guid.NewGuid().ToString("N")[..10];

        var response = await client.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest(orderNo, currency: "CNY", method: "wechat_h5")));

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ReadJsonAsync();
        problem.Str("code").ShouldBe("no_channel_available");
        problem.ToString().ShouldNotContain(offline);
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == orderNo))).ShouldBe(0);
    }

    [Fact]
    public async Task Payment_methods_come_from_the_catalog_a_disabled_method_is_refused_and_a_withdrawal_method_is_not_a_payment()
    {
        using var admin = gateway.Admin();
        using var merchant = gateway.Merchant();
        var method = await (await admin.GetAsync("/admin/api/payment-methods")).ReadJsonAsync();
        var wap = method.EnumerateArray().Single(m => m.Str("code") == "alipay_wap");

        var disable = await admin.PutAsync("/admin/api/payment-methods/alipay_wap", Api.JsonBody(new { enabled = false, version = wap.GetProperty("version").GetInt32() }));
        disable.StatusCode.ShouldBe(HttpStatusCode.OK, await disable.Content.ReadAsStringAsync());
        var refused = await merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("M-" + Guid.NewGuid().ToString("N")[..8], method: "alipay_wap")));
        var withdrawal = await merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("M-" + Guid.NewGuid().ToString("N")[..8], method: "withdraw_bank_account")));

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.ReadJsonAsync()).Str("field").ShouldBe("payment_method");
        withdrawal.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var enable = await admin.PutAsync("/admin/api/payment-methods/alipay_wap", Api.JsonBody(new { enabled = true, version = wap.GetProperty("version").GetInt32() + 1 }));
        enable.StatusCode.ShouldBe(HttpStatusCode.OK, await enable.Content.ReadAsStringAsync());
        (await merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("M-" + Guid.NewGuid().ToString("N")[..8], method: "alipay_wap")))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_bank_daily_limit_holds_for_bank_card_payments_and_a_closed_payment_gives_its_share_back()
    {
        var bankChannel = await CreateChannelAsync("cards", 1000, method: "bank_card");
        using var admin = gateway.Admin();
        var bank = await admin.PutAsync($"/admin/api/channels/{bankChannel}/banks/ICBC/debit", Api.JsonBody(new { single_max = 4_000, daily_limit = 5_000 }));
        ((int)bank.StatusCode).ShouldBeLessThan(300, await bank.Content.ReadAsStringAsync());
        var merchant = await MerchantTakingAtAsync("bank_card", bankChannel);
        using var client = gateway.Merchant(merchant.ApiKey);
        object CardPayment() => new Dictionary<string, object>
        {
            ["merchant_order_no"] = "B-" + Guid.NewGuid().ToString("N")[..10], ["amount"] = 3_000, ["currency"] = "CNY", ["subject"] = "Card",
            ["payment_method"] = "bank_card", ["bank_code"] = "ICBC", ["card_type"] = "debit",
        };

        var first = await client.PostAsync("/v1/payments", Api.JsonBody(CardPayment()));
        var second = await client.PostAsync("/v1/payments", Api.JsonBody(CardPayment()));
        var firstJson = await first.ReadJsonAsync();
        (await client.PostAsync($"/v1/payments/{firstJson.Str("id")}/close", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var third = await client.PostAsync("/v1/payments", Api.JsonBody(CardPayment()));

        first.StatusCode.ShouldBe(HttpStatusCode.Created, firstJson.ToString());
        firstJson.Str("channel").ShouldBe(bankChannel);
        second.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, "3,000 more would pass the bank's 5,000 daily limit and no other channel serves ICBC");
        third.StatusCode.ShouldBe(HttpStatusCode.Created);
        var bankKey = $"{bankChannel}@ICBC:debit";
        (await gateway.WithDbAsync(db => db.ChannelDailyUsage.Where(u => u.ChannelCode == bankKey).SumAsync(u => u.ReservedAmount))).ShouldBe(3_000);
    }

    [Fact]
    public async Task A_daily_limit_sends_payments_elsewhere_when_full_and_a_closed_payment_gives_its_share_back()
    {
        var limited = await CreateChannelAsync("limited", 1000, dailyLimit: 5_000);
        var merchant = await MerchantAtAsync(limited);
        using var client = gateway.Merchant(merchant.ApiKey);

        var first = await client.CreatePaymentAsync("L1-" + Guid.NewGuid().ToString("N")[..8], 3_000);
        var second = await client.CreatePaymentAsync("L2-" + Guid.NewGuid().ToString("N")[..8], 3_000);
        (await client.PostAsync($"/v1/payments/{first.Str("id")}/close", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var third = await client.CreatePaymentAsync("L3-" + Guid.NewGuid().ToString("N")[..8], 3_000);

        first.Str("channel").ShouldBe(limited);
        second.Str("channel").ShouldBe("sandbox");
        third.Str("channel").ShouldBe(limited);
        (await gateway.WithDbAsync(db => db.ChannelDailyUsage.Where(u => u.ChannelCode == limited).SumAsync(u => u.ReservedAmount))).ShouldBe(3_000);
    }
}

public sealed class RoutingApiSqliteTests(SqliteGateway gateway) : RoutingApiTests(gateway), IClassFixture<SqliteGateway>;

public sealed class RoutingApiPostgresTests(PostgresGateway gateway) : RoutingApiTests(gateway), IClassFixture<PostgresGateway>;
