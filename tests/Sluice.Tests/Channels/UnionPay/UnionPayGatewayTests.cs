using System.Net;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Webhooks;

namespace Sluice.Tests.Channels.UnionPay;

/// <summary>A gateway whose clock starts at the real time, with the channel simulator beside it.</summary>
public abstract class SimulatedChannelsGateway : GatewayFixture, IAsyncLifetime
{
    public SimulatorHost Simulator { get; } = new();

    protected override DateTimeOffset ClockStart => DateTimeOffset.UtcNow;

    async ValueTask IAsyncLifetime.InitializeAsync()
    {
        await Simulator.InitializeAsync();
        await InitializeAsync();
    }

    async ValueTask IAsyncDisposable.DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await DisposeAsync();
        await Simulator.DisposeAsync();
    }
}

public sealed class SqliteSimulatedChannelsGateway : SimulatedChannelsGateway
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresSimulatedChannelsGateway : SimulatedChannelsGateway
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>
/// UnionPay end to end: the admin sets up a UnionPay channel and account pointing at the simulator, a merchant
/// creates payments, the payer pays at UnionPay, UnionPay's back notice reaches the gateway, the merchant gets a webhook.
/// </summary>
public abstract class UnionPayGatewayTests(SimulatedChannelsGateway gateway) : IAsyncLifetime
{
    private SimulatorHost Simulator => gateway.Simulator;
    private WebhookReceiver _merchantEndpoint = null!;

    public async ValueTask InitializeAsync() => _merchantEndpoint = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await _merchantEndpoint.DisposeAsync();
        await Simulator.Client().DeleteAsync("control/behaviours?channel=unionpay");
    }

    private sealed record Shop(string ApiKey, string WebhookSecret, string ChannelAccountId);

    /// <summary>A channel of protocol unionpay, a merchant with an app notifying the test's endpoint, and its UnionPay account.</summary>
    private async Task<Shop> ShopAsync()
    {
        using var admin = gateway.Admin();
        var channelCode = "unionpay-" + Guid.NewGuid().ToString("N")[..8];
        var channel = await admin.PostAsync("/admin/api/channels", Api.JsonBody(new
        {
            code = channelCode, institution_name = "China UnionPay (simulated)", business_type = "payment", protocol = "unionpay",
            payment_methods = new[] { "unionpay_gateway", "unionpay_qr" }, currencies = new[] { "CNY" },
            fee_rate_ppm = new Dictionary<string, int> { ["unionpay_gateway"] = 5000, ["unionpay_qr"] = 5000 },
            weight = 100, single_min = 1, single_max = 10_000_000, status = "online",
        }));
        channel.StatusCode.ShouldBe(HttpStatusCode.Created, await channel.Content.ReadAsStringAsync());
        var merchant = await (await admin.PostAsync("/admin/api/merchants", Api.JsonBody(new
        {
            service_provider_id = gateway.Demo.ServiceProviderId, name = "UnionPay shop " + Guid.NewGuid().ToString("N")[..6],
        }))).ReadJsonAsync();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new
        {
            merchant_id = merchant.Str("id"), name = "Shop", notify_url = _merchantEndpoint.Url.ToString(),
        }))).ReadJsonAsync();
        var key = await (await admin.PostAsync($"/admin/api/apps/{app.GetProperty("app").Str("id")}/api-keys", null)).ReadJsonAsync();
        var account = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = channelCode, protocol = "unionpay", merchant_id = merchant.Str("id"),
            payment_methods = new[] { "unionpay_gateway", "unionpay_qr" }, credentials = await Simulator.NewMerchantCredentialsAsync(),
        }));
        var accountJson = await account.ReadJsonAsync();
        ((int)account.StatusCode).ShouldBe(201, accountJson.ToString());
        return new Shop(key.Str("secret"), app.Str("webhook_secret"), accountJson.Str("id"));
    }

    private static async Task<System.Text.Json.JsonElement> CreateAsync(HttpClient merchant, string method = "unionpay_gateway")
    {
        var response = await merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("UP-" + Guid.NewGuid().ToString("N")[..12], 2599, "CNY", method)));
        var body = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(201, body.ToString());
        return body;
    }

    private static Task<string> StatusAsync(HttpClient merchant, string id) =>
        Api.EventuallyAsync(async () => (await merchant.GetPaymentAsync(id)).Str("status"), s => s != "pending", "the payment to leave pending");

    [Fact]
    public async Task Payer_pays_at_UnionPay_the_back_notice_succeeds_the_payment_and_the_merchant_gets_a_signed_webhook()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var payment = await CreateAsync(merchant);
        var id = payment.Str("id");

        payment.Str("status").ShouldBe("pending");
        payment.GetProperty("pay_action").Str("type").ShouldBe("form_post");
        (await UnionPayTestKit.PostFrontFormAsync(payment.GetProperty("pay_action").Str("value"))).ShouldContain("确认付款");
        await Simulator.PayAsync(id);

        (await StatusAsync(merchant, id)).ShouldBe("succeeded");
        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == id));
        stored.ChannelTradeNo.ShouldNotBeNullOrEmpty("UnionPay's queryId is kept");
        Simulator.Callbacks.Attempts(id).ShouldHaveSingleItem().Answer.ShouldBe("ok");
        await gateway.RunDispatcherAsync();
        var webhook = (await Api.EventuallyAsync(() => Task.FromResult(_merchantEndpoint.OfType("payment.succeeded")), r => r.Count >= 1, "the merchant's webhook"))
            .ShouldHaveSingleItem();
        webhook.BodyText.ShouldContain(id);
        WebhookTestKit.VerifySignature(shop.WebhookSecret, webhook.Header("Sluice-Signature"), webhook.Body).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_forged_back_notice_is_rejected_logged_and_changes_nothing()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var id = (await CreateAsync(merchant, "unionpay_qr")).Str("id");
        await Simulator.SetBehaviourAsync("unionpay", id, "forged_callback");

        await Simulator.PayAsync(id);
        var attempts = await Api.EventuallyAsync(() => Task.FromResult(Simulator.Callbacks.Attempts(id)), a => a.Count >= 2, "UnionPay to resend the refused notice");

        attempts.ShouldAllBe(a => a.Forged && a.StatusCode == 400 && !a.Acknowledged);
        (await merchant.GetPaymentAsync(id)).Str("status").ShouldBe("pending");
        var logs = await gateway.WithDbAsync(db => db.ChannelCallbacks.AsNoTracking().Where(c => c.ChannelAccountId == shop.ChannelAccountId).ToListAsync());
        logs.Count.ShouldBeGreaterThanOrEqualTo(2);
        logs.ShouldAllBe(l => !l.Verified && l.Effect == "rejected");
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending"]);
    }

    [Fact]
    public async Task A_duplicated_back_notice_is_acknowledged_twice_and_applied_once()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var payment = await CreateAsync(merchant);
        var id = payment.Str("id");
        await Simulator.SetBehaviourAsync("unionpay", id, "duplicate_callback");
        await UnionPayTestKit.PostFrontFormAsync(payment.GetProperty("pay_action").Str("value"));

        await Simulator.PayAsync(id);
        await Api.EventuallyAsync(() => Task.FromResult(Simulator.Callbacks.Attempts(id)), a => a.Count(x => x.Acknowledged) >= 2, "both notices acknowledged");

        (await merchant.GetPaymentAsync(id)).Str("status").ShouldBe("succeeded");
        var effects = await gateway.WithDbAsync(db => db.ChannelCallbacks.Where(c => c.OrderId == id).Select(c => c.Effect).ToListAsync());
        effects.Order().ShouldBe(["applied", "duplicate"]);
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_decline_at_create_fails_the_payment_and_a_server_error_or_timeout_leaves_it_open()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);

        await Simulator.SetBehaviourAsync("unionpay", null, "decline", "30", times: 1);
        var declined = await CreateAsync(merchant, "unionpay_qr");
        await Simulator.SetBehaviourAsync("unionpay", null, "server_error", times: 1);
        var serverError = await CreateAsync(merchant, "unionpay_qr");
        await Simulator.SetBehaviourAsync("unionpay", null, "timeout", times: 1);
        var timedOut = await CreateAsync(merchant, "unionpay_qr");

        declined.Str("status").ShouldBe("failed");
        declined.GetProperty("failure").Str("code").ShouldBe("channel_declined");
        foreach (var (payment, raw) in new[] { (serverError, "HTTP_500"), (timedOut, "TIMEOUT") })
        {
            payment.Str("status").ShouldBe("created");
            var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == payment.Str("id")));
            stored.LastChannelOutcome.ShouldBe("unknown");
            stored.RawCode.ShouldBe(raw);
        }
    }
}

public sealed class UnionPayGatewaySqliteTests(SqliteSimulatedChannelsGateway gateway) : UnionPayGatewayTests(gateway), IClassFixture<SqliteSimulatedChannelsGateway>;

public sealed class UnionPayGatewayPostgresTests(PostgresSimulatedChannelsGateway gateway) : UnionPayGatewayTests(gateway), IClassFixture<PostgresSimulatedChannelsGateway>;
