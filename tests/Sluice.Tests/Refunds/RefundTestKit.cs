using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Payments;
using Sluice.Channels.WeChatPay;
using Sluice.Demo.Sandbox;
using Sluice.Tests.Channels.Alipay;
using Sluice.Tests.Channels.WeChatPay;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Refunds;

/// <summary>A merchant of its own whose only channel account is at the sandbox channel, with its sandbox merchant number.</summary>
public sealed record SandboxShop(TestMerchant Merchant, string MerchantNo)
{
    public string ApiKey => Merchant.ApiKey;

    public string AccountId => Merchant.ChannelAccountId;
}

/// <summary>A merchant of its own whose only channel account is at a simulated channel, with its app's webhook secret.</summary>
public sealed record ChannelShop(string ApiKey, string WebhookSecret, string AccountId, string ChannelCode, string MerchantId);

/// <summary>What the refund tests share: shops, paid payments, refund requests, and looks at what the gateway stored.</summary>
public static class RefundTestKit
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static string NewNo(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..16];

    public static async Task<SandboxShop> SandboxShopAsync(this GatewayFixture gateway, Uri? notifyUrl = null)
    {
        var merchantNo = "SBXR" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var merchant = await gateway.NewMerchantWithAccountAsync(gateway.SandboxCredentials(merchantNo, gateway.BaseAddress), notifyUrl: (notifyUrl ?? new Uri("http://127.0.0.1:9/webhooks")).ToString());
        return new SandboxShop(merchant, merchantNo);
    }

    /// <summary>An operator sets up a channel of <paramref name="protocol"/> and a merchant with one account there.</summary>
    public static async Task<ChannelShop> ChannelShopAsync(
        this GatewayFixture gateway, string protocol, string[] methods, Dictionary<string, string> credentials, Uri notifyUrl)
    {
        var (merchantId, apiKey, webhookSecret) = await gateway.MerchantWithAppAsync(notifyUrl);
        var (code, accountId) = await gateway.ChannelWithAccountAsync(merchantId, "payment", protocol, methods, credentials, feePpm: 6000);
        return new ChannelShop(apiKey, webhookSecret, accountId, code, merchantId);
    }

    public static Dictionary<string, string> SandboxCredentials(this GatewayFixture gateway, string merchantNo, Uri baseUrl) => new()
    {
        ["merchant_no"] = merchantNo,
        ["api_secret"] = gateway.Services.GetRequiredService<SandboxKeys>().SecretFor(merchantNo),
        ["base_url"] = baseUrl.ToString(),
    };

    /// <summary>An operator points the shop's sandbox account at another address (e.g. a server answering 500).</summary>
    public static async Task RepointSandboxAccountAsync(this GatewayFixture gateway, SandboxShop shop, Uri baseUrl)
    {
        using var admin = gateway.Admin();
        using var patched = await admin.PatchAsync($"/admin/api/channel-accounts/{shop.AccountId}",
            Api.JsonBody(new { credentials = gateway.SandboxCredentials(shop.MerchantNo, baseUrl) }), Ct);
        patched.EnsureSuccessStatusCode();
    }

    /// <summary>A sandbox payment the payer paid on the cashier page, once its notice made it succeeded.</summary>
    public static async Task<JsonElement> PaidPaymentAsync(this HttpClient merchant, long amount)
    {
        var payment = await merchant.CreatePaymentAsync(NewNo("P"), amount);
        await merchant.PayOnCashierAsync(payment);
        return await Api.EventuallyAsync(() => merchant.GetPaymentAsync(payment.Str("id")), p => p.Str("status") == "succeeded", "the payment to succeed");
    }

    /// <summary>A payment of <paramref name="method"/> the payer paid at the simulator (<paramref name="payerPays"/>), once it succeeded.</summary>
    public static async Task<string> PaidAtSimulatorAsync(this HttpClient merchant, string method, long amount, Func<string, Task> payerPays)
    {
        using var response = await merchant.PostAsync("/v1/payments", Api.JsonBody(new Dictionary<string, object?>
        {
            ["merchant_order_no"] = NewNo("S"), ["amount"] = amount, ["currency"] = "CNY", ["subject"] = "Tea set",
            ["payment_method"] = method, ["client_ip"] = "203.0.113.7",
        }), Ct);
        var payment = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(201, payment.ToString());
        await payerPays(payment.Str("id"));
        await Api.EventuallyAsync(() => merchant.GetPaymentAsync(payment.Str("id")), p => p.Str("status") == "succeeded", "the payment to succeed");
        return payment.Str("id");
    }

    /// <summary>A merchant of its own with an Alipay account at the simulator (its app notifying <paramref name="notifyUrl"/>) and a payment its payer paid there.</summary>
    public static async Task<(HttpClient Client, string PaymentId)> AlipayPaidAsync(this GatewayFixture gateway, SimulatorHost simulator, long amount, Uri notifyUrl)
    {
        var app = await simulator.RegisterAppAsync();
        var shop = await gateway.ChannelShopAsync("alipay", ["alipay_qr"], app.Credentials, notifyUrl);
        var client = gateway.Merchant(shop.ApiKey);
        return (client, await client.PaidAtSimulatorAsync("alipay_qr", amount, id => simulator.PayerPaysAsync(id)));
    }

    /// <summary>A merchant of its own with a WeChat Pay account at the simulator (its app notifying <paramref name="notifyUrl"/>) and a payment its payer paid there.</summary>
    public static async Task<(HttpClient Client, string PaymentId)> WeChatPaidAsync(this GatewayFixture gateway, SimulatorHost simulator, long amount, Uri notifyUrl)
    {
        var atChannel = await WeChatPayTestKit.RegisterAsync(simulator);
        var shop = await gateway.ChannelShopAsync(WeChatPayProfile.ProtocolName, ["wechat_native"], atChannel.Credentials, notifyUrl);
        var client = gateway.Merchant(shop.ApiKey);
        return (client, await client.PaidAtSimulatorAsync("wechat_native", amount, async id =>
        {
            using var sim = simulator.Client();
            (await sim.PostAsync($"control/wechatpay/orders/{id}/pay", null, Ct)).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        }));
    }

    public static async Task<JsonElement> GetRefundAsync(this HttpClient merchant, string id)
    {
        using var response = await merchant.GetAsync($"/v1/refunds/{id}", Ct);
        response.EnsureSuccessStatusCode();
        return await response.ReadJsonAsync();
    }

    public static Task<List<Sluice.Channels.ChannelCallbackLog>> CallbacksForAsync(this GatewayFixture gateway, string orderId) =>
        gateway.WithDbAsync(db => db.ChannelCallbacks.AsNoTracking().Where(c => c.OrderId == orderId).OrderBy(c => c.Id).ToListAsync(Ct));

    public static Dictionary<string, object?> RefundBody(string paymentId, long amount, string? refundNo = null, string currency = "CNY",
        string bearer = "merchant", string stage = "post_delivery") => new()
    {
        ["payment_id"] = paymentId,
        ["merchant_refund_no"] = refundNo ?? NewNo("R"),
        ["amount"] = amount,
        ["currency"] = currency,
        ["reason"] = "Returned by the buyer",
        ["bearer"] = bearer,
        ["stage"] = stage,
    };

    public static Task<HttpResponseMessage> PostRefundAsync(this HttpClient merchant, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/refunds") { Content = Api.JsonBody(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return merchant.SendAsync(request, Ct);
    }

    /// <summary>Creates a refund and expects 201.</summary>
    public static async Task<JsonElement> RefundAsync(this HttpClient merchant, string paymentId, long amount, string? refundNo = null)
    {
        using var response = await merchant.PostRefundAsync(RefundBody(paymentId, amount, refundNo));
        var body = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(201, body.ToString());
        return body;
    }

    public static Task<PaymentOrder> StoredPaymentAsync(this GatewayFixture gateway, string paymentId) =>
        gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == paymentId, Ct));

    public static Task<List<Sluice.Refunds.RefundOrder>> StoredRefundsAsync(this GatewayFixture gateway, string paymentId) =>
        gateway.WithDbAsync(db => db.Refunds.AsNoTracking().Where(r => r.PaymentId == paymentId).ToListAsync(Ct));

    /// <summary>The webhook event types staged for a refund (in no particular order: the test clock stands still).</summary>
    public static Task<List<string>> RefundWebhooksAsync(this GatewayFixture gateway, string refundId) =>
        gateway.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.Payload.Contains(refundId))
            .Select(d => d.EventType).ToListAsync(Ct));

    public static async Task<JsonElement> AdminGetAsync(this GatewayFixture gateway, string path)
    {
        using var admin = gateway.Admin();
        using var response = await admin.GetAsync(path, Ct);
        var body = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(200, body.ToString());
        return body;
    }

    public static async Task SetAccountEnabledAsync(this GatewayFixture gateway, string accountId, bool enabled)
    {
        using var admin = gateway.Admin();
        using var response = await admin.PatchAsJsonAsync($"/admin/api/channel-accounts/{accountId}", new { enabled }, Ct);
        response.EnsureSuccessStatusCode();
    }
}
