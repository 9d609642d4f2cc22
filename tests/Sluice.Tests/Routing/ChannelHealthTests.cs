using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sluice.Data;
using Sluice.Demo.Sandbox;
using Sluice.Server.Routing;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Routing;

/// <summary>A gateway whose circuit breakers open after 3 calls in a row a channel does not answer and cool down for a minute.</summary>
public abstract class BreakerGatewayFixture : GatewayFixture
{
    public const int Threshold = 3;
    public static readonly TimeSpan CoolDown = TimeSpan.FromMinutes(1);

    protected override IReadOnlyDictionary<string, string?> NodeSettings => new Dictionary<string, string?>(base.NodeSettings)
    {
        ["Sluice:Routing:Breaker:FailureThreshold"] = Threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Sluice:Routing:Breaker:CoolDown"] = CoolDown.ToString(),
        ["Sluice:Routing:Breaker:RefreshInterval"] = "00:00:01",
    };
}

public sealed class BreakerSqliteGateway : BreakerGatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class BreakerPostgresGateway : BreakerGatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>
/// Routing health end to end: a channel that refuses every call stops winning (its breaker opens on every node), is
/// probed once after the cool-down, and wins again once it answers; operators see and reset the breaker.
/// </summary>
public abstract class ChannelHealthTests(BreakerGatewayFixture gateway)
{
    /// <summary>
    /// A merchant with a working account at the sandbox channel and one at a cheaper sandbox channel that refuses every
    /// connection, which routing therefore tries first. Returns the merchant, the cheap channel and its account.
    /// </summary>
    private async Task<(TestMerchant Merchant, string Cheap, string CheapAccount, string MerchantNo)> MerchantWithRefusingCheapChannelAsync()
    {
        var keys = gateway.Services.GetRequiredService<SandboxKeys>();
        var merchantNo = "SBXH" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var merchant = await gateway.NewMerchantWithAccountAsync(new()
        {
            ["merchant_no"] = merchantNo, ["api_secret"] = keys.SecretFor(merchantNo), ["base_url"] = gateway.BaseAddress.ToString(),
        });
        using var admin = gateway.Admin();
        var cheap = "sbx-down-" + Guid.NewGuid().ToString("N")[..6];
        (await admin.PostAsync("/admin/api/channels", Api.JsonBody(new
        {
            code = cheap, institution_name = "Refusing sandbox", business_type = "payment", protocol = "sandbox",
            payment_methods = new[] { "alipay_qr" }, currencies = new[] { "CNY" }, fee_rate_ppm = new Dictionary<string, int> { ["alipay_qr"] = 1000 },
            weight = 100, single_min = 1, single_max = 1_000_000, status = "online",
        }))).StatusCode.ShouldBe(HttpStatusCode.Created);
        var account = await (await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = cheap, protocol = "sandbox", merchant_id = merchant.MerchantId, payment_methods = new[] { "alipay_qr" },
            credentials = Credentials(merchantNo + "C", $"http://127.0.0.1:{GatewayFixture.FreePort()}/"),
        }))).ReadJsonAsync();
        return (merchant, cheap, account.Str("id"), merchantNo + "C");
    }

    private Dictionary<string, string> Credentials(string merchantNo, string baseUrl) => new()
    {
        ["merchant_no"] = merchantNo, ["api_secret"] = gateway.Services.GetRequiredService<SandboxKeys>().SecretFor(merchantNo), ["base_url"] = baseUrl,
    };

    private static async Task<JsonElement> ExplainAsync(HttpClient admin, string merchantId) =>
        await (await admin.PostAsync("/admin/api/routing/explain", Api.JsonBody(new
        {
            merchant_id = merchantId, payment_method = "alipay_qr", amount = 2599, currency = "CNY",
        }))).ReadJsonAsync();

    private static JsonElement LineOf(JsonElement explanation, string channel) =>
        explanation.GetProperty("channels").EnumerateArray().Single(c => c.Str("channel") == channel);

    private static JsonElement HealthOf(JsonElement explanation, string channel) =>
        explanation.GetProperty("health").EnumerateArray().Single(c => c.Str("channel") == channel);

    private async Task<(string Channel, int Failovers)> PayAsync(HttpClient client)
    {
        var payment = await client.CreatePaymentAsync("H-" + Guid.NewGuid().ToString("N")[..12]);
        payment.Str("status").ShouldBe("pending");
        var id = payment.Str("id");
        var failovers = await gateway.WithDbAsync(db => db.PaymentEvents.CountAsync(e => e.PaymentId == id && e.Kind == "failover"));
        return (payment.Str("channel"), failovers);
    }

    [Fact]
    public async Task A_refusing_channel_stops_winning_is_probed_once_after_the_cool_down_and_wins_again_when_it_answers()
    {
        var (merchant, cheap, cheapAccount, cheapMerchantNo) = await MerchantWithRefusingCheapChannelAsync();
        using var client = gateway.Merchant(merchant.ApiKey);
        using var admin = gateway.Admin();

        // Each payment tries the cheap channel first and falls over, until its breaker opens.
        for (var i = 0; i < BreakerGatewayFixture.Threshold; i++)
        {
            (await PayAsync(client)).ShouldBe(("sandbox", 1));
        }

        var open = await ExplainAsync(admin, merchant.MerchantId);
        LineOf(open, cheap).Str("dropped_by").ShouldBe("circuit_open");
        HealthOf(open, cheap).Str("breaker").ShouldBe("open");
        HealthOf(open, cheap).GetProperty("consecutive_failures").GetInt32().ShouldBe(BreakerGatewayFixture.Threshold);
        HealthOf(open, cheap).GetProperty("latency_ms").GetDouble().ShouldBeGreaterThan(HealthOf(open, "sandbox").GetProperty("latency_ms").GetDouble(),
            "refusing at once is not fast");
        HealthOf(open, cheap).GetProperty("success_rate").GetDouble().ShouldBeLessThan(HealthOf(open, "sandbox").GetProperty("success_rate").GetDouble());
        (await PayAsync(client)).ShouldBe(("sandbox", 0), "an open breaker keeps the channel out: no time lost on it");

        // After the cool-down one request probes it; the probe is refused, so it opens again for another cool-down.
        gateway.Clock.Advance(BreakerGatewayFixture.CoolDown + TimeSpan.FromSeconds(1));
        HealthOf(await ExplainAsync(admin, merchant.MerchantId), cheap).Str("breaker").ShouldBe("half_open");
        (await PayAsync(client)).ShouldBe(("sandbox", 1));
        LineOf(await ExplainAsync(admin, merchant.MerchantId), cheap).Str("dropped_by").ShouldBe("circuit_open");
        (await PayAsync(client)).ShouldBe(("sandbox", 0));

        // The channel is repaired; after the next cool-down the probe is answered, the breaker closes and the cheap channel wins.
        (await admin.PatchAsync($"/admin/api/channel-accounts/{cheapAccount}", Api.JsonBody(new
        {
            credentials = Credentials(cheapMerchantNo, gateway.BaseAddress.ToString()),
        }))).StatusCode.ShouldBe(HttpStatusCode.OK);
        gateway.Clock.Advance(BreakerGatewayFixture.CoolDown + TimeSpan.FromSeconds(1));
        (await PayAsync(client)).ShouldBe((cheap, 0));
        var closed = await ExplainAsync(admin, merchant.MerchantId);
        HealthOf(closed, cheap).Str("breaker").ShouldBe("closed");
        HealthOf(closed, cheap).GetProperty("consecutive_failures").GetInt32().ShouldBe(0);
        (await PayAsync(client)).ShouldBe((cheap, 0));
    }

    [Fact]
    public async Task Every_node_and_a_restarted_one_see_the_open_breaker_and_an_operators_reset_reaches_them_all()
    {
        var (merchant, cheap, _, _) = await MerchantWithRefusingCheapChannelAsync();
        using var client = gateway.Merchant(merchant.ApiKey);
        for (var i = 0; i < BreakerGatewayFixture.Threshold; i++)
        {
            await PayAsync(client);
        }

        await using (var restarted = gateway.StartNode("test-node-b"))
        {
            using var adminB = restarted.Client(GatewayFixture.AdminToken);
            LineOf(await ExplainAsync(adminB, merchant.MerchantId), cheap).Str("dropped_by").ShouldBe("circuit_open", "node B never called the channel");
            using var merchantB = restarted.Client(merchant.ApiKey);
            var payment = await merchantB.CreatePaymentAsync("H-" + Guid.NewGuid().ToString("N")[..12]);
            payment.Str("channel").ShouldBe("sandbox");

            var listed = await (await adminB.GetAsync("/admin/api/channel-health")).ReadJsonAsync();
            listed.EnumerateArray().Single(h => h.Str("channel") == cheap).Str("breaker").ShouldBe("open");
            var reset = await adminB.PostAsync($"/admin/api/channel-health/{cheap}/reset", null);
            reset.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await reset.ReadJsonAsync()).Str("breaker").ShouldBe("closed");
            (await adminB.PostAsync("/admin/api/channel-health/no-such-channel/reset", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        }

        // Node A reads the breakers again within its refresh interval.
        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        using var admin = gateway.Admin();
        LineOf(await ExplainAsync(admin, merchant.MerchantId), cheap).GetProperty("eligible").GetBoolean().ShouldBeTrue();
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "reset_breaker" && a.EntityId == cheap))).ShouldBe(1);
    }
}

public sealed class ChannelHealthSqliteTests(BreakerSqliteGateway gateway) : ChannelHealthTests(gateway), IClassFixture<BreakerSqliteGateway>;

public sealed class ChannelHealthPostgresTests(BreakerPostgresGateway gateway) : ChannelHealthTests(gateway), IClassFixture<BreakerPostgresGateway>;

/// <summary>The per-node health figures routing scores with.</summary>
public sealed class ChannelHealthMonitorTests
{
    [Fact]
    public void A_channel_that_refuses_at_once_never_scores_as_faster_than_one_that_answers()
    {
        var monitor = new ChannelHealthMonitor(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        for (var i = 0; i < 20; i++)
        {
            monitor.Record("refusing", answered: false, TimeSpan.FromMilliseconds(1));
            monitor.Record("slow", answered: true, TimeSpan.FromMilliseconds(900));
        }

        monitor.Health("refusing").LatencyMsP50.ShouldBeGreaterThan(monitor.Health("slow").LatencyMsP50);
        monitor.Health("refusing").SuccessRate.ShouldBeLessThan(0.3);
        monitor.Health("slow").SuccessRate.ShouldBe(1.0);
    }
}
