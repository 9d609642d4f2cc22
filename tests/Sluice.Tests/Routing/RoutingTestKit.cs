using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Demo.Sandbox;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Routing;

/// <summary>Channels and merchants for routing tests, made through the admin API as an operator would.</summary>
public static class RoutingTestKit
{
    public static string Code(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..6];

    /// <summary>An online sandbox-protocol channel taking one method in CNY with the given fee (parts per million).</summary>
    public static async Task<string> CreateSandboxChannelAsync(
        this GatewayFixture gateway, string prefix, int feePpm, long? dailyLimit = null, string status = "online", string method = "alipay_qr", int weight = 100, string businessType = "payment")
    {
        using var admin = gateway.Admin();
        var code = Code(prefix);
        var response = await admin.PostAsync("/admin/api/channels", Api.JsonBody(new Dictionary<string, object?>
        {
            ["code"] = code, ["institution_name"] = prefix, ["business_type"] = businessType, ["protocol"] = "sandbox",
            ["payment_methods"] = new[] { method }, ["currencies"] = new[] { "CNY" }, ["fee_rate_ppm"] = new Dictionary<string, int> { [method] = feePpm },
            ["weight"] = weight, ["single_min"] = 1, ["single_max"] = 1_000_000, ["daily_limit"] = dailyLimit, ["status"] = status,
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return code;
    }

    /// <summary>A merchant with a working account at the sandbox channel and at each of <paramref name="channels"/>.</summary>
    public static async Task<TestMerchant> SandboxMerchantAtAsync(this GatewayFixture gateway, string method, params string[] channels)
    {
        var keys = gateway.Services.GetRequiredService<SandboxKeys>();
        var merchantNo = "SBXR" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var merchant = await gateway.NewMerchantWithAccountAsync(new()
        {
            ["merchant_no"] = merchantNo, ["api_secret"] = keys.SecretFor(merchantNo), ["base_url"] = gateway.BaseAddress.ToString(),
        });
        using var admin = gateway.Admin();
        foreach (var channel in channels)
        {
            var response = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
            {
                channel_code = channel, protocol = "sandbox", merchant_id = merchant.MerchantId, payment_methods = new[] { method },
                credentials = new Dictionary<string, string> { ["merchant_no"] = merchantNo, ["api_secret"] = keys.SecretFor(merchantNo), ["base_url"] = gateway.BaseAddress.ToString() },
            }));
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        return merchant;
    }
}
