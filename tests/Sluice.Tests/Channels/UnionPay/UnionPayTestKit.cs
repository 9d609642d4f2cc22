using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Channels.UnionPay;
using Sluice.Common;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Channels.UnionPay;

/// <summary>What the UnionPay tests share: merchants issued by the simulator, ids, posting the front form, checks.</summary>
public static class UnionPayTestKit
{
    private static readonly IdGenerator Ids = new(TimeProvider.System);

    /// <summary>A Sluice-shaped id (its creation time is the txnTime UnionPay finds the order by).</summary>
    public static string NewId(string prefix) => Ids.Next(prefix);

    /// <summary>Registers a merchant at the simulated UnionPay and returns the channel account's credentials.</summary>
    public static async Task<Dictionary<string, string>> NewMerchantCredentialsAsync(this SimulatorHost simulator, bool chain = true)
    {
        using var client = simulator.Client();
        var merId = "7772900" + Random.Shared.NextInt64(10_000_000, 99_999_999);
        var response = await client.PostAsJsonAsync("control/unionpay/merchants", new { mer_id = merId });
        response.EnsureSuccessStatusCode();
        var issued = await response.ReadJsonAsync();
        var credentials = new Dictionary<string, string>
        {
            ["mer_id"] = merId,
            ["sign_cert_pem"] = issued.Str("sign_cert_pem"),
            ["sign_cert_private_key_pem"] = issued.Str("sign_cert_private_key_pem"),
            ["front_url"] = simulator.BaseAddress.ToString(),
            ["back_url"] = simulator.BaseAddress.ToString(),
        };
        if (chain)
        {
            credentials["root_cert_pem"] = issued.Str("root_cert_pem");
            credentials["middle_cert_pem"] = issued.Str("middle_cert_pem");
        }
        else
        {
            credentials["unionpay_sign_cert_pem"] = issued.Str("unionpay_sign_cert_pem");
        }

        return credentials;
    }

    /// <summary>Posts a <c>form_post</c> PayAction's fields to its URL, as the payer's browser does; returns the page.</summary>
    public static async Task<string> PostFrontFormAsync(string actionValue)
    {
        using var form = JsonDocument.Parse(actionValue);
        var url = form.RootElement.GetProperty("url").GetString()!;
        var fields = form.RootElement.GetProperty("fields").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)).ToList();
        using var browser = new HttpClient();
        using var response = await browser.PostAsync(url, new FormUrlEncodedContent(fields));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The payer pays (or is declined with <paramref name="declineCode"/>) through the simulator's control API.</summary>
    public static async Task PayAsync(this SimulatorHost simulator, string sluiceId, string? declineCode = null)
    {
        using var client = simulator.Client();
        var response = await client.PostAsJsonAsync($"control/unionpay/orders/{sluiceId}/pay",
            declineCode is null ? new { decision = "pay", code = (string?)null } : new { decision = "decline", code = (string?)declineCode });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The adapter's outcome agrees with its channel profile's default rules for the raw codes it reported.</summary>
    public static void ShouldAgreeWithRules(this ChannelResult result, IChannelProfile profile, ChannelFlow flow)
    {
        var rule = new ResultCodeTable(profile.ResultCodes).Lookup(flow, result.RawCode!, result.RawSubCode);
        rule.ShouldNotBeNull($"no rule for {flow} {result.RawCode}/{result.RawSubCode}");
        rule.Effect.ShouldBe(result.Outcome, $"{flow} {result.RawCode}/{result.RawSubCode}");
    }

    /// <summary>An HTTP client factory with the adapters' named clients, short timeouts for the timeout behaviour.</summary>
    public static IHttpClientFactory HttpClients(TimeSpan timeout)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(UnionPayChannelAdapter.HttpClientName, c => c.Timeout = timeout);
        services.AddHttpClient(Sluice.Channels.BankPayout.BankPayoutChannelAdapter.HttpClientName, c => c.Timeout = timeout);
        return services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
    }

    /// <summary>A received HTTP request as the gateway's notify endpoint hands it to an adapter.</summary>
    public static ChannelCallbackRequest AsCallback(this ReceivedWebhook received) =>
        new(received.Method, received.Headers, new Dictionary<string, string>(), received.Header("Content-Type") ?? "", received.Body);
}
