using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Data;
using Sluice.Demo;
using Sluice.Demo.Sandbox;
using Sluice.Server.Ledger;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Hosting;

/// <summary>
/// Demo mode: on for the embedded SQLite quick start (the suite's SQLite gateway sets nothing), on for PostgreSQL only
/// when asked for (the suite's PostgreSQL gateway asks). On, the demo is seeded and its routes answer.
/// </summary>
public abstract class DemoModeOnTests(GatewayFixture gateway)
{
    [Fact]
    public async Task The_demo_is_seeded_and_its_cashier_sandbox_api_and_webhook_inbox_answer()
    {
        using var http = gateway.Anonymous();

        gateway.Demo.ApiKey.ShouldStartWith("sk_test_");
        (await gateway.WithDbAsync(db => db.Channels.AnyAsync(c => c.Code == DemoSeeder.SandboxChannelCode))).ShouldBeTrue();
        var inbox = await http.GetAsync("/demo/webhooks");
        inbox.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await inbox.ReadJsonAsync()).ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Array);
        var cashier = await http.GetAsync("/sandbox/cashier/SBX-NO-SUCH-TRADE");
        cashier.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        cashier.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");   // the cashier's own page, not a missing route
        var unsigned = await http.PostAsync("/sandbox/api/pay", Api.JsonBody(new { merchant_no = "SBX1" }));
        unsigned.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);               // the sandbox channel refuses an unsigned request
    }

    [Fact]
    public async Task The_demo_merchant_pays_and_withdraws_the_settled_money_through_the_seeded_sandbox_payouts()
    {
        using var http = gateway.Anonymous();
        using var merchant = gateway.Merchant();
        (await gateway.WithDbAsync(db => db.ChannelAccounts.CountAsync(a => a.MerchantId == gateway.Demo.MerchantId && a.ChannelCode == DemoSeeder.SandboxPayoutChannelCode)))
            .ShouldBe(1);
        var before = await BalanceAsync(merchant);

        var payment = await merchant.CreatePaymentAsync("DEMO-" + Guid.NewGuid().ToString("N")[..10], amount: 120_00);
        await http.PayOnCashierAsync(payment);
        await Api.EventuallyAsync(async () => (await merchant.GetPaymentAsync(payment.Str("id"))).Str("status"), s => s == "succeeded", "the demo payment to succeed");

        // T+0: the settlement worker makes the payment's money available at once.
        await gateway.Services.GetRequiredService<SettlementWorker>().RunOnceAsync(CancellationToken.None);
        var settled = await BalanceAsync(merchant);
        settled.Pending.ShouldBe(before.Pending);
        var credited = settled.Available - before.Available;
        credited.ShouldBeInRange(1, 120_00);

        using var response = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(new Dictionary<string, object>
        {
            ["merchant_withdrawal_no"] = "DEMO-WD-" + Guid.NewGuid().ToString("N")[..10], ["amount"] = 50_00, ["currency"] = "CNY",
            ["payee_type"] = "wallet", ["payee_account_no"] = "demo-user@example.com", ["payee_name"] = "Zhang San",
        }));
        var withdrawal = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, withdrawal.ToString());
        withdrawal.Str("status").ShouldBe("succeeded");
        withdrawal.Str("channel").ShouldBe(DemoSeeder.SandboxPayoutChannelCode);
        (await BalanceAsync(merchant)).Available.ShouldBeLessThanOrEqualTo(settled.Available - 50_00);
    }

    [Fact]
    public async Task An_operator_gives_another_merchant_a_sandbox_account_through_the_admin_api_and_it_takes_payments()
    {
        using var http = gateway.Anonymous();
        using var admin = gateway.Admin();
        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(new Uri(gateway.BaseAddress, "demo/webhooks"));

        using var created = await admin.PostAsync("/admin/api/sandbox/accounts", Api.JsonBody(new { merchant_id = merchantId }));
        var account = await created.ReadJsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, account.ToString());
        account.Str("channel_code").ShouldBe(DemoSeeder.SandboxChannelCode);
        account.GetProperty("credential_names").EnumerateArray().Select(n => n.GetString()).ShouldBe(["api_secret", "base_url", "merchant_no"]);

        using var merchant = gateway.Merchant(apiKey);
        var payment = await merchant.CreatePaymentAsync("SBX2-" + Guid.NewGuid().ToString("N")[..10]);
        await http.PayOnCashierAsync(payment);
        await Api.EventuallyAsync(async () => (await merchant.GetPaymentAsync(payment.Str("id"))).Str("status"), s => s == "succeeded", "the second sandbox account's payment to succeed");

        // A payout account too, and bad input refused without creating anything.
        using var payout = await admin.PostAsync("/admin/api/sandbox/accounts", Api.JsonBody(new { merchant_id = merchantId, channel_code = DemoSeeder.SandboxPayoutChannelCode }));
        payout.StatusCode.ShouldBe(HttpStatusCode.Created, await payout.Content.ReadAsStringAsync());
        var countBefore = await gateway.WithDbAsync(db => db.ChannelAccounts.CountAsync());
        foreach (var (body, field) in new (object, string)[]
                 {
                     (new { merchant_id = "mch_no_such" }, "merchant_id"),
                     (new { merchant_id = merchantId, channel_code = "no-such-channel" }, "channel_code"),
                     (new { merchant_id = merchantId, payment_methods = new[] { "withdraw_wallet" } }, "payment_methods"),
                 })
        {
            using var refused = await admin.PostAsync("/admin/api/sandbox/accounts", Api.JsonBody(body));
            var problem = await refused.ReadJsonAsync();
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, problem.ToString());
            problem.Str("code").ShouldBe("invalid_field");
            problem.ToString().ShouldContain(field);
        }

        (await gateway.WithDbAsync(db => db.ChannelAccounts.CountAsync())).ShouldBe(countBefore);
    }

    private static async Task<(long Pending, long Available)> BalanceAsync(HttpClient merchant)
    {
        using var response = await merchant.GetAsync("/v1/balance");
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        var cny = body.GetProperty("balances").EnumerateArray().Where(b => b.Str("currency") == "CNY").ToList();
        return cny.Count == 0 ? (0, 0) : (cny[0].GetProperty("pending").GetInt64(), cny[0].GetProperty("available").GetInt64());
    }
}

/// <summary>Demo mode off: nothing seeded, no demo service, and the demo's routes do not exist (404).</summary>
public abstract class DemoModeOffTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Nothing_is_seeded_and_the_demo_routes_are_not_found()
    {
        using var http = gateway.Anonymous();
        using var admin = gateway.Admin();

        (await gateway.WithDbAsync(db => db.ServiceProviders.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Apps.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.ApiKeys.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.ChannelAccounts.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Channels.CountAsync(c => c.Code == DemoSeeder.SandboxChannelCode || c.Code == DemoSeeder.SandboxPayoutChannelCode))).ShouldBe(0);
        gateway.Services.GetService<DemoSeedHolder>().ShouldBeNull();
        gateway.Services.GetService<SandboxNotifier>().ShouldBeNull();

        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/demo/webhooks"), (HttpMethod.Post, "/demo/webhooks"), (HttpMethod.Get, "/sandbox/cashier/SBX1"),
                     (HttpMethod.Post, "/sandbox/cashier/SBX1/pay"), (HttpMethod.Post, "/sandbox/api/pay"), (HttpMethod.Post, "/sandbox/api/payout"),
                     (HttpMethod.Post, "/admin/api/sandbox/accounts"),
                 })
        {
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? Api.JsonBody("{}") : null };
            var response = await (path.StartsWith("/admin/", StringComparison.Ordinal) ? admin : http).SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{method} {path}");
            (await response.ReadJsonAsync()).Str("code").ShouldBe("not_found", $"{method} {path}");
        }

        // The gateway itself is up: an operator sets it up through the admin API.
        var merchants = await admin.GetAsync("/admin/api/merchants");
        merchants.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await merchants.ReadJsonAsync()).GetArrayLength().ShouldBe(0);
    }
}

/// <summary>A PostgreSQL gateway as an operator starts one: no demo setting at all.</summary>
public sealed class PostgresGatewayWithoutDemo : GatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override IReadOnlyDictionary<string, string?> NodeSettings => new Dictionary<string, string?>();

    protected override bool ExpectsDemo => false;
}

/// <summary>A SQLite gateway whose operator turned the demo off.</summary>
public sealed class SqliteGatewayWithDemoOff : GatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override IReadOnlyDictionary<string, string?> NodeSettings => new Dictionary<string, string?> { ["Sluice:Demo:Enabled"] = "false" };

    protected override bool ExpectsDemo => false;
}

public sealed class DemoModeOnSqliteTests(SqliteGateway gateway) : DemoModeOnTests(gateway), IClassFixture<SqliteGateway>;

public sealed class DemoModeOnPostgresTests(PostgresGateway gateway) : DemoModeOnTests(gateway), IClassFixture<PostgresGateway>;

public sealed class DemoModeOffPostgresTests(PostgresGatewayWithoutDemo gateway) : DemoModeOffTests(gateway), IClassFixture<PostgresGatewayWithoutDemo>;

public sealed class DemoModeOffSqliteTests(SqliteGatewayWithDemoOff gateway) : DemoModeOffTests(gateway), IClassFixture<SqliteGatewayWithDemoOff>;
