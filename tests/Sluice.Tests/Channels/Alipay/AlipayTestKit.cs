using System.Net;
using System.Net.Http.Json;
using Sluice.Channels;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Channels.Alipay;

/// <summary>An app registered at the simulated Alipay: its credentials as a Sluice channel account holds them.</summary>
public sealed record AlipayApp(string AppId, Dictionary<string, string> Credentials);

/// <summary>A merchant of its own with an app notifying <see cref="Receiver"/> and one Alipay channel account.</summary>
public sealed record AlipayMerchant(string ApiKey, string WebhookSecret, string ChannelAccountId, string ChannelCode, AlipayApp App, WebhookReceiver Receiver);

public static class AlipayTestKit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// An operator sets up a merchant with an app notifying a fresh <see cref="WebhookReceiver"/>, an Alipay channel (daily
    /// limit 10,000,000) and the merchant's account at it, registered at the simulated Alipay.
    /// </summary>
    public static async Task<AlipayMerchant> NewAlipayMerchantAsync(this GatewayFixture gateway, SimulatorHost simulator, string? appAuthToken = null)
    {
        var app = await simulator.RegisterAppAsync(appAuthToken);
        var receiver = await WebhookReceiver.StartAsync();
        using var admin = gateway.Admin();
        var merchant = await (await admin.PostAsync("/admin/api/merchants", Api.JsonBody(new
        {
            service_provider_id = gateway.Demo.ServiceProviderId, name = "Alipay shop " + Guid.NewGuid().ToString("N")[..6],
        }), Ct)).ReadJsonAsync();
        var created = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new
        {
            merchant_id = merchant.Str("id"), name = "Shop", notify_url = receiver.Url.ToString(),
        }), Ct)).ReadJsonAsync();
        var appId = created.GetProperty("app").Str("id");
        var key = await (await admin.PostAsync($"/admin/api/apps/{appId}/api-keys", null, Ct)).ReadJsonAsync();
        var channelCode = "alipay-" + Guid.NewGuid().ToString("N")[..8];
        var channel = await admin.PostAsync("/admin/api/channels", Api.JsonBody(new
        {
            code = channelCode, institution_name = "Alipay (simulated)", business_type = "payment", protocol = "alipay",
            payment_methods = new[] { "alipay_qr", "alipay_page" }, currencies = new[] { "CNY" },
            fee_rate_ppm = new Dictionary<string, int> { ["alipay_qr"] = 6000, ["alipay_page"] = 6000 },
            weight = 100, single_min = 1, single_max = 5_000_000, limit_currency = "CNY", daily_limit = 10_000_000, status = "online",
        }), Ct);
        channel.StatusCode.ShouldBe(HttpStatusCode.Created, await channel.Content.ReadAsStringAsync(Ct));
        var account = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = channelCode, protocol = "alipay", merchant_id = merchant.Str("id"),
            payment_methods = new[] { "alipay_qr", "alipay_page" }, credentials = app.Credentials,
        }), Ct);
        var accountJson = await account.ReadJsonAsync();
        account.StatusCode.ShouldBe(HttpStatusCode.Created, accountJson.ToString());
        return new AlipayMerchant(key.Str("secret"), created.Str("webhook_secret"), accountJson.Str("id"), channelCode, app, receiver);
    }

    public static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>Registers a new app_id at the simulator (which makes its key pair) and returns the account's credentials.</summary>
    public static async Task<AlipayApp> RegisterAppAsync(this SimulatorHost simulator, string? appAuthToken = null)
    {
        var appId = "2021" + Random.Shared.NextInt64(100_000_000_000, 999_999_999_999);
        using var client = simulator.Client();
        var response = await client.PostAsJsonAsync("control/merchants", new { channel = "alipay", merchant_id = appId });
        var registered = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(200, registered.ToString());
        var credentials = new Dictionary<string, string>
        {
            ["app_id"] = appId,
            ["merchant_private_key"] = registered.Str("merchant_private_key_pem"),
            ["alipay_public_key"] = registered.GetProperty("platform").Str("public_key_pem"),
            ["gateway_url"] = new Uri(simulator.BaseAddress, "alipay/gateway.do").ToString(),
        };
        if (appAuthToken is not null)
        {
            credentials["app_auth_token"] = appAuthToken;
        }

        return new AlipayApp(appId, credentials);
    }

    /// <summary>The payer pays the trade in the simulated Alipay.</summary>
    public static async Task PayerPaysAsync(this SimulatorHost simulator, string outTradeNo, bool finish = false)
    {
        using var client = simulator.Client();
        var response = await client.PostAsync($"control/alipay/orders/{outTradeNo}/pay" + (finish ? "?finish=true" : ""), null);
        ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync());
    }

    public static async Task<System.Text.Json.JsonElement> TradeAsync(this SimulatorHost simulator, string outTradeNo)
    {
        using var client = simulator.Client();
        var response = await client.GetAsync($"control/alipay/orders/{outTradeNo}");
        response.EnsureSuccessStatusCode();
        return await response.ReadJsonAsync();
    }

    public static ChannelAccountContext Account(AlipayApp app, string? subMerchantId = null, Uri? notifyUrl = null) =>
        new("ca_alipay_test", "alipay", "alipay", subMerchantId, app.Credentials, notifyUrl ?? new Uri("http://127.0.0.1:9/notify/ca_alipay_test"));
}
