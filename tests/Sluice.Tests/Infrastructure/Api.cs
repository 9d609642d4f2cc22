using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Sluice.Tests.Infrastructure;

/// <summary>Small helpers for talking JSON to the gateway the way a merchant would.</summary>
public static class Api
{
    public static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent JsonBody(object value) => JsonBody(JsonSerializer.Serialize(value));

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            throw new ShouldAssertException($"Expected JSON but got HTTP {(int)response.StatusCode}: {text}");
        }
    }

    public static string Str(this JsonElement e, string name) => e.GetProperty(name).GetString()!;

    public static object PaymentRequest(string orderNo, long amount = 2599, string currency = "CNY", string method = "alipay_qr", string subject = "Coffee beans") =>
        new Dictionary<string, object>
        {
            ["merchant_order_no"] = orderNo,
            ["amount"] = amount,
            ["currency"] = currency,
            ["subject"] = subject,
            ["payment_method"] = method,
        };

    public static async Task<JsonElement> CreatePaymentAsync(this HttpClient merchant, string orderNo, long amount = 2599)
    {
        var response = await merchant.PostAsync("/v1/payments", JsonBody(PaymentRequest(orderNo, amount)));
        var body = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(201, body.ToString());
        return body;
    }

    public static async Task<JsonElement> GetPaymentAsync(this HttpClient merchant, string id)
    {
        var response = await merchant.GetAsync($"/v1/payments/{id}");
        response.EnsureSuccessStatusCode();
        return await response.ReadJsonAsync();
    }

    /// <summary>Pays a sandbox payment on its cashier page, as a payer's browser would post the form.</summary>
    public static async Task PayOnCashierAsync(this HttpClient anyClient, JsonElement payment, string decision = "pay")
    {
        var cashier = payment.GetProperty("pay_action").Str("value");
        using var response = await anyClient.PostAsync(cashier + "/" + decision, new FormUrlEncodedContent([]));
        ((int)response.StatusCode).ShouldBeLessThan(400);
    }

    /// <summary>Waits for something another task of the gateway does (a callback arriving), without a fixed sleep.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        T last;
        do
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new ShouldAssertException($"Timed out waiting for {what}; last value: {last}");
    }
}

/// <summary>A merchant of its own with one channel account, made through the admin API.</summary>
public sealed record TestMerchant(string MerchantId, string AppId, string ApiKey, string ChannelAccountId)
{
    /// <summary>The app's webhook signing secret, shown once when the app was created.</summary>
    public string WebhookSecret { get; init; } = "";
}

public static class AdminApi
{
    public static async Task<TestMerchant> NewMerchantWithAccountAsync(
        this GatewayFixture gateway, Dictionary<string, string> credentials, string[]? methods = null, string? notifyUrl = null)
    {
        using var admin = gateway.Admin();
        var merchant = await (await admin.PostAsync("/admin/api/merchants", Api.JsonBody(new
        {
            service_provider_id = gateway.Demo.ServiceProviderId, name = "Merchant " + Guid.NewGuid().ToString("N")[..6],
        }))).ReadJsonAsync();
        var merchantId = merchant.Str("id");
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new { merchant_id = merchantId, name = "App", notify_url = notifyUrl }))).ReadJsonAsync();
        var appId = app.GetProperty("app").Str("id");
        var key = await (await admin.PostAsync($"/admin/api/apps/{appId}/api-keys", null)).ReadJsonAsync();
        var account = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = "sandbox", protocol = "sandbox", merchant_id = merchantId,
            payment_methods = methods ?? ["alipay_qr"], credentials,
        }));
        var accountJson = await account.ReadJsonAsync();
        ((int)account.StatusCode).ShouldBe(201, accountJson.ToString());
        return new TestMerchant(merchantId, appId, key.Str("secret"), accountJson.Str("id")) { WebhookSecret = app.Str("webhook_secret") };
    }
}
