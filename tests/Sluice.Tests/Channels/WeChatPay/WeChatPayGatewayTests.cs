using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels.WeChatPay;
using Sluice.Data;
using Sluice.Simulator.Infrastructure;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Webhooks;
using static Sluice.Tests.Channels.WeChatPay.WeChatPayTestKit;

namespace Sluice.Tests.Channels.WeChatPay;

/// <summary>A merchant of the gateway whose only channel account is at the simulated WeChat Pay.</summary>
public sealed record WeChatShop(string ApiKey, string WebhookSecret, string AccountId, WeChatTestMerchant AtChannel);

/// <summary>
/// WeChat Pay end to end: the admin sets up a wechatpay-v3 channel and account pointing at the simulator, the merchant
/// creates payments, the payer pays in the simulator, its encrypted notice reaches the gateway and the merchant gets a
/// signed webhook; forged, stale, tampered and duplicated notices and failing creates change what they should only.
/// </summary>
public abstract class WeChatPayGatewayTests(GatewayFixture gateway, SimulatorHost simulator) : IAsyncLifetime
{
    private WebhookReceiver _hooks = null!;

    public async ValueTask InitializeAsync()
    {
        gateway.CatchUpWithRealTime();
        _hooks = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await _hooks.DisposeAsync();
    }

    private async Task<WeChatShop> ShopAsync(bool partner = false)
    {
        var atChannel = await RegisterAsync(simulator, partner);
        using var admin = gateway.Admin();
        var code = "wechat-" + Guid.NewGuid().ToString("N")[..8];
        string[] methods = ["wechat_native", "wechat_jsapi", "wechat_h5", "wechat_app", "wechat_mini_program"];
        var channel = await admin.PostAsync("/admin/api/channels", Api.JsonBody(new
        {
            code, institution_name = "WeChat Pay", business_type = "payment", protocol = WeChatPayProfile.ProtocolName,
            payment_methods = methods, currencies = new[] { "CNY" }, fee_rate_ppm = methods.ToDictionary(m => m, _ => 6000),
            weight = 100, single_min = 1, single_max = 10_000_000, status = "online",
        }));
        channel.StatusCode.ShouldBe(HttpStatusCode.Created, await channel.Content.ReadAsStringAsync());
        var merchant = await (await admin.PostAsync("/admin/api/merchants", Api.JsonBody(new
        {
            service_provider_id = gateway.Demo.ServiceProviderId, name = "WeChat shop " + code,
        }))).ReadJsonAsync();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new
        {
            merchant_id = merchant.Str("id"), name = "Shop app", notify_url = _hooks.Url.ToString(),
        }))).ReadJsonAsync();
        var appId = app.GetProperty("app").Str("id");
        var key = await (await admin.PostAsync($"/admin/api/apps/{appId}/api-keys", null)).ReadJsonAsync();
        var account = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = code, protocol = WeChatPayProfile.ProtocolName, merchant_id = merchant.Str("id"),
            service_provider_id = partner ? gateway.Demo.ServiceProviderId : null, sub_merchant_id = partner ? "1900000109" : null,
            payment_methods = methods, credentials = atChannel.Credentials,
        }));
        var accountJson = await account.ReadJsonAsync();
        account.StatusCode.ShouldBe(HttpStatusCode.Created, accountJson.ToString());
        return new WeChatShop(key.Str("secret"), app.Str("webhook_secret"), accountJson.Str("id"), atChannel);
    }

    private static async Task<JsonElement> CreateAsync(HttpClient merchant, string method = "wechat_native", long amount = 2599, string? buyerId = null)
    {
        var response = await merchant.PostAsync("/v1/payments", Api.JsonBody(new Dictionary<string, object?>
        {
            ["merchant_order_no"] = "WX-" + Guid.NewGuid().ToString("N")[..16], ["amount"] = amount, ["currency"] = "CNY",
            ["subject"] = "Green tea", ["payment_method"] = method, ["client_ip"] = "203.0.113.7", ["buyer_id"] = buyerId,
        }));
        var body = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(201, body.ToString());
        return body;
    }

    private async Task PayerPaysAsync(string outTradeNo)
    {
        using var client = simulator.Client();
        (await client.PostAsync($"control/wechatpay/orders/{outTradeNo}/pay", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private Task<List<Sluice.Channels.ChannelCallbackLog>> CallbacksAsync(string accountId) =>
        gateway.WithDbAsync(db => db.ChannelCallbacks.AsNoTracking().Where(c => c.ChannelAccountId == accountId).ToListAsync());

    private static Task<string> StatusAsync(HttpClient merchant, string id) => merchant.GetPaymentAsync(id).ContinueWith(t => t.Result.Str("status"));

    [Fact]
    public async Task A_native_payment_paid_in_the_simulator_succeeds_through_its_encrypted_notice_and_the_merchant_gets_a_webhook()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var payment = await CreateAsync(merchant);
        var id = payment.Str("id");

        payment.Str("status").ShouldBe("pending");
        payment.GetProperty("pay_action").Str("type").ShouldBe("qr_code");
        payment.GetProperty("pay_action").Str("value").ShouldStartWith("weixin://wxpay/bizpayurl");

        await PayerPaysAsync(id);
        await Api.EventuallyAsync(() => StatusAsync(merchant, id), s => s == "succeeded", "the notice to mark the payment succeeded");
        await gateway.RunDispatcherAsync();

        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == id));
        stored.ChannelTradeNo.ShouldStartWith("4200");
        stored.RawSubCode.ShouldBe("SUCCESS");
        var log = (await CallbacksAsync(shop.AccountId)).ShouldHaveSingleItem();
        (log.Verified, log.Effect, log.OrderId).ShouldBe((true, "applied", id));
        _hooks.Received.Select(r => r.Header("Sluice-Event-Type")).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
        var webhook = _hooks.OfType("payment.succeeded").ShouldHaveSingleItem();
        WebhookTestKit.VerifySignature(shop.WebhookSecret, webhook.Header("Sluice-Signature"), webhook.Body).ShouldNotBeNull();
        webhook.BodyText.ShouldContain(id);
        simulator.Callbacks.Attempts(id).ShouldHaveSingleItem().StatusCode.ShouldBe(204);
    }

    [Fact]
    public async Task A_duplicated_notice_is_acknowledged_both_times_and_applied_once()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var id = (await CreateAsync(merchant)).Str("id");
        await simulator.SetBehaviourAsync(ChannelName, id, "duplicate_callback");

        await PayerPaysAsync(id);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(simulator.Callbacks.Attempts(id).Count(a => a.Acknowledged) == 2));

        (await StatusAsync(merchant, id)).ShouldBe("succeeded");
        var effects = (await CallbacksAsync(shop.AccountId)).Select(l => l.Effect).Order().ToList();
        effects.ShouldBe(["applied", "duplicate"]);
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
    }

    [Fact]
    public async Task Forged_stale_and_tampered_notices_are_refused_logged_as_rejected_and_change_nothing()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var id = (await CreateAsync(merchant)).Str("id");
        var notifyUrl = new Uri(gateway.BaseAddress, "notify/" + shop.AccountId);
        var platform = simulator.PlatformKey();
        var forger = simulator.ForgerKey();
        var now = DateTimeOffset.UtcNow;
        var mchid = shop.AtChannel.Mchid;
        var serial = shop.AtChannel.PlatformSerial;

        // The simulator's own forged behaviour: every attempt signed with a key that is not the platform's.
        await simulator.SetBehaviourAsync(ChannelName, id, "forged_callback");
        await PayerPaysAsync(id);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(simulator.Callbacks.Attempts(id).Count >= 3));
        using var http = gateway.Anonymous();
        var handMade = new[]
        {
            Notice(notifyUrl, mchid, id, 2599, forger, serial, now),
            Notice(notifyUrl, mchid, id, 2599, platform, serial, now.AddMinutes(-10)),
            Notice(notifyUrl, mchid, id, 2599, platform, serial, now, tamper: TamperCiphertext),
            Notice(notifyUrl, mchid, id, 2599, platform, serial, now, tamper: TamperCiphertext, signTampered: true),
            Notice(notifyUrl, mchid, id, 2599, platform, serial, now, apiV3Key: "another-merchants-apiv3-key-0032"),
            Notice(notifyUrl, mchid, id, 2599, platform, "0000UNKNOWNSERIAL", now),
        };

        foreach (var request in handMade)
        {
            using var response = await http.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await response.Content.ReadAsStringAsync()).ShouldBe("""{"code":"FAIL","message":"失败"}""");
        }

        simulator.Callbacks.Attempts(id).ShouldAllBe(a => a.Forged && !a.Acknowledged && a.StatusCode == 400);
        (await StatusAsync(merchant, id)).ShouldBe("pending");
        var logs = await CallbacksAsync(shop.AccountId);
        logs.ShouldAllBe(l => !l.Verified && l.Effect == "rejected");
        logs.Count.ShouldBeGreaterThanOrEqualTo(3 + handMade.Length);
        logs.Select(l => l.RejectionReason).ShouldContain("timestamp outside five minutes");
        logs.Select(l => l.RejectionReason).ShouldContain("resource did not decrypt with the APIv3 key");
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending"]);

        // The real notice, signed by the platform with the right key and time, is still taken afterwards.
        using var genuine = await http.SendAsync(Notice(notifyUrl, mchid, id, 2599, platform, serial, DateTimeOffset.UtcNow));
        genuine.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await StatusAsync(merchant, id)).ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_decline_at_create_fails_the_payment_with_the_channels_code()
    {
        var shop = await ShopAsync();
        // INVALID_REQUEST: WeChat Pay's refusal of a request its business rules do not allow (unified: channel_rejected).
        await simulator.SetBehaviourAsync(ChannelName, null, "decline", code: "INVALID_REQUEST", times: 1);
        using var merchant = gateway.Merchant(shop.ApiKey);

        var payment = await CreateAsync(merchant);

        payment.Str("status").ShouldBe("failed");
        payment.GetProperty("failure").Str("code").ShouldBe("channel_rejected");
        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == payment.Str("id")));
        (stored.RawCode, stored.LastChannelOutcome).ShouldBe(("INVALID_REQUEST", "failed"));
    }

    [Theory]
    [InlineData("server_error", "HTTP_500")]
    [InlineData("timeout", "TIMEOUT")]
    public async Task A_server_error_or_timeout_at_create_leaves_the_payment_created_with_an_unknown_outcome(string behaviour, string rawCode)
    {
        var shop = await ShopAsync();
        await simulator.SetBehaviourAsync(ChannelName, null, behaviour, times: 1);
        using var merchant = gateway.Merchant(shop.ApiKey);

        var payment = await CreateAsync(merchant);

        payment.Str("status").ShouldBe("created");
        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == payment.Str("id")));
        (stored.RawCode, stored.LastChannelOutcome).ShouldBe((rawCode, "unknown"));

        // The channel did take it (the 5xx came after): the payer can still pay and the notice settles it.
        await PayerPaysAsync(payment.Str("id"));
        await Api.EventuallyAsync(() => StatusAsync(merchant, payment.Str("id")), s => s == "succeeded", "the notice after an unknown create");
    }

    [Fact]
    public async Task A_partner_account_pays_as_sub_merchant_of_the_service_provider()
    {
        var shop = await ShopAsync(partner: true);
        using var merchant = gateway.Merchant(shop.ApiKey);
        var id = (await CreateAsync(merchant)).Str("id");

        using var control = simulator.Client();
        var trade = await (await control.GetAsync($"control/wechatpay/orders/{id}")).ReadJsonAsync();
        trade.Str("sp_mchid").ShouldBe(shop.AtChannel.Mchid);
        trade.Str("sub_mchid").ShouldBe("1900000109");
        await PayerPaysAsync(id);

        await Api.EventuallyAsync(() => StatusAsync(merchant, id), s => s == "succeeded", "the partner notice");
        (await CallbacksAsync(shop.AccountId)).ShouldHaveSingleItem().Effect.ShouldBe("applied");
    }

    [Fact]
    public async Task A_jsapi_payment_uses_the_buyer_id_as_openid_and_answers_signed_sdk_params()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);

        var payment = await CreateAsync(merchant, "wechat_jsapi", buyerId: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
        var withoutBuyer = await CreateAsync(merchant, "wechat_jsapi");

        payment.Str("status").ShouldBe("pending");
        payment.GetProperty("pay_action").Str("type").ShouldBe("sdk_params");
        var p = JsonSerializer.Deserialize<Dictionary<string, string>>(payment.GetProperty("pay_action").Str("value"))!;
        WeChatPayProtocol.Verify(shop.AtChannel.PrivateKeyPem, $"{p["appId"]}\n{p["timeStamp"]}\n{p["nonceStr"]}\n{p["package"]}\n", p["paySign"])
            .ShouldBeTrue();
        using var control = simulator.Client();
        var trade = await (await control.GetAsync($"control/wechatpay/orders/{payment.Str("id")}")).ReadJsonAsync();
        trade.GetProperty("payer").Str("openid").ShouldBe("oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
        withoutBuyer.Str("status").ShouldBe("failed");
    }
}

/// <summary>A SQLite gateway whose clock starts at the real time (the simulator signs with real time).</summary>
public sealed class WeChatSqliteGateway : GatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override DateTimeOffset ClockStart => DateTimeOffset.UtcNow;
}

/// <summary>A PostgreSQL gateway whose clock starts at the real time.</summary>
public sealed class WeChatPostgresGateway : GatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override DateTimeOffset ClockStart => DateTimeOffset.UtcNow;
}

public sealed class WeChatPayGatewaySqliteTests(WeChatSqliteGateway gateway, SimulatorHost simulator)
    : WeChatPayGatewayTests(gateway, simulator), IClassFixture<WeChatSqliteGateway>, IClassFixture<SimulatorHost>;

public sealed class WeChatPayGatewayPostgresTests(WeChatPostgresGateway gateway, SimulatorHost simulator)
    : WeChatPayGatewayTests(gateway, simulator), IClassFixture<WeChatPostgresGateway>, IClassFixture<SimulatorHost>;
