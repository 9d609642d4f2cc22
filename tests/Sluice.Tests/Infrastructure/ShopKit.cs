using System.Net;

namespace Sluice.Tests.Infrastructure;

/// <summary>What tests of any feature set up through the admin API: a merchant with an app and key, its channels and accounts.</summary>
public static class ShopKit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A merchant with an app notifying <paramref name="notifyUrl"/> and an API key, made through the admin API.</summary>
    public static async Task<(string MerchantId, string ApiKey, string WebhookSecret)> MerchantWithAppAsync(this GatewayFixture gateway, Uri notifyUrl)
    {
        using var admin = gateway.Admin();
        var merchant = await (await admin.PostAsync("/admin/api/merchants", Api.JsonBody(new
        {
            service_provider_id = gateway.Demo.ServiceProviderId, name = "Shop " + Guid.NewGuid().ToString("N")[..6],
        }), Ct)).ReadJsonAsync();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new
        {
            merchant_id = merchant.Str("id"), name = "Shop", notify_url = notifyUrl.ToString(),
        }), Ct)).ReadJsonAsync();
        var key = await (await admin.PostAsync($"/admin/api/apps/{app.GetProperty("app").Str("id")}/api-keys", null, Ct)).ReadJsonAsync();
        return (merchant.Str("id"), key.Str("secret"), app.Str("webhook_secret"));
    }

    /// <summary>A channel of its own (online, CNY, <paramref name="businessType"/> payment or withdrawal) and the merchant's account there.</summary>
    public static async Task<(string ChannelCode, string AccountId)> ChannelWithAccountAsync(
        this GatewayFixture gateway, string merchantId, string businessType, string protocol, string[] methods, Dictionary<string, string> credentials,
        int feePpm = 1000, int weight = 100, long? dailyLimit = null)
    {
        using var admin = gateway.Admin();
        var channelCode = protocol + "-" + Guid.NewGuid().ToString("N")[..8];
        using var channel = await admin.PostAsync("/admin/api/channels", Api.JsonBody(new
        {
            code = channelCode, institution_name = $"Simulated {protocol} ({businessType})", business_type = businessType, protocol,
            payment_methods = methods, currencies = new[] { "CNY" }, fee_rate_ppm = methods.ToDictionary(m => m, _ => feePpm),
            weight, single_min = 1, single_max = 10_000_000, daily_limit = dailyLimit, status = "online",
        }), Ct);
        channel.StatusCode.ShouldBe(HttpStatusCode.Created, await channel.Content.ReadAsStringAsync(Ct));
        using var account = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = channelCode, protocol, merchant_id = merchantId, payment_methods = methods, credentials,
        }), Ct);
        var accountJson = await account.ReadJsonAsync();
        ((int)account.StatusCode).ShouldBe(201, accountJson.ToString());
        return (channelCode, accountJson.Str("id"));
    }
}
