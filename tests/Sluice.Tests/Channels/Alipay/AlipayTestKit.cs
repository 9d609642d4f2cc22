using System.Net.Http.Json;
using Sluice.Channels;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Channels.Alipay;

/// <summary>An app registered at the simulated Alipay: its credentials as a Sluice channel account holds them.</summary>
public sealed record AlipayApp(string AppId, Dictionary<string, string> Credentials);

public static class AlipayTestKit
{
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
