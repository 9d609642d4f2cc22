using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Sluice.Sample.Merchant;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Webhooks;

namespace Sluice.Tests.Client;

/// <summary>
/// The sample merchant app (samples/Sluice.Sample.Merchant) run as its users run it, on Kestrel against the test
/// gateway: checkout, payment, webhooks verified by the shop, refund.
/// </summary>
public abstract class SampleMerchantTests(GatewayFixture gateway)
{
    [Fact]
    public async Task The_sample_shop_takes_a_payment_learns_of_it_from_verified_webhooks_and_refunds_it()
    {
        gateway.CatchUpWithRealTime();   // the shop checks webhook timestamps against real time, as a real shop does
        var shopUrl = new Uri($"http://127.0.0.1:{GatewayFixture.FreePort()}/");
        var app = await gateway.CreateAppAsync(new Uri(shopUrl, "webhooks/sluice"));
        await using var shop = MerchantSample.Build([], b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = shopUrl.ToString(),
            ["Sluice:BaseAddress"] = gateway.BaseAddress.ToString(),
            ["Sluice:ApiKey"] = app.ApiKey,
            ["Sluice:WebhookSecret"] = app.WebhookSecret,
            ["Sample:PublicUrl"] = shopUrl.ToString(),
        }));
        await shop.StartAsync(TestContext.Current.CancellationToken);
        using var customer = new HttpClient { BaseAddress = shopUrl };

        using var checkout = await customer.PostAsync("/checkout", Api.JsonBody(new { amount = 2599, subject = "Coffee beans" }));
        var order = await checkout.ReadJsonAsync();
        ((int)checkout.StatusCode).ShouldBe(200, order.ToString());
        order.Str("status").ShouldBe("pending");
        var orderNo = order.Str("order_no");
        using (var paid = await customer.PostAsync(order.Str("pay_url") + "/pay", new FormUrlEncodedContent([])))
        {
            ((int)paid.StatusCode).ShouldBeLessThan(400);
        }

        var known = await ShopOrderAsync(customer, orderNo, o => o.Str("payment_status") == "succeeded", "the shop to learn from a webhook that it was paid");
        known.GetProperty("events").EnumerateArray().Select(e => e.GetString()).ShouldContain("payment.succeeded");

        using var refunded = await customer.PostAsync($"/orders/{orderNo}/refund", Api.JsonBody(new { amount = 1000 }));
        var refund = await refunded.ReadJsonAsync();
        ((int)refunded.StatusCode).ShouldBe(200, refund.ToString());
        refund.Str("refund_id").ShouldStartWith("rfd_");
        known = await ShopOrderAsync(customer, orderNo,
            o => o.GetProperty("events").EnumerateArray().Any(e => e.GetString()!.StartsWith("refund.", StringComparison.Ordinal)),
            "the shop to hear of the refund");
        known.GetProperty("refunds").EnumerateArray().ShouldHaveSingleItem().GetProperty("amount").GetInt64().ShouldBe(1000);

        // A refund above what is left is refused by the gateway, and the shop passes the unified code on.
        using var tooMuch = await customer.PostAsync($"/orders/{orderNo}/refund", Api.JsonBody(new { amount = 5000 }));
        ((int)tooMuch.StatusCode).ShouldBeInRange(400, 499);
        (await tooMuch.ReadJsonAsync()).Str("code").ShouldNotBeNullOrEmpty();

        // A forged webhook (signed with another secret) is refused and changes nothing.
        var forgedBody = Encoding.UTF8.GetBytes($$$"""{"id":"evt_forged","type":"payment.failed","created_at":"2026-12-01T00:00:00Z","data":{"id":"{{{order.Str("payment_id")}}}"}}""");
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var forged = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sluice") { Content = new ByteArrayContent(forgedBody) };
        forged.Headers.TryAddWithoutValidation("Sluice-Signature", Sluice.Security.HmacSignature.Sign("whsec_not_the_shops", t, forgedBody));
        using var refused = await customer.SendAsync(forged);
        ((int)refused.StatusCode).ShouldBe(400);
        (await ShopOrderAsync(customer, orderNo, _ => true, "the order")).Str("payment_status").ShouldBe("succeeded");
    }

    /// <summary>Runs the gateway's webhook dispatcher until the shop's view of the order satisfies <paramref name="done"/>.</summary>
    private async Task<JsonElement> ShopOrderAsync(HttpClient customer, string orderNo, Func<JsonElement, bool> done, string what) =>
        await Api.EventuallyAsync(async () =>
        {
            await gateway.RunDispatcherAsync();
            return await (await customer.GetAsync($"/orders/{orderNo}")).ReadJsonAsync();
        }, done, what);
}

public sealed class SqliteSampleMerchantTests(SqliteGateway gateway) : SampleMerchantTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PostgresSampleMerchantTests(PostgresGateway gateway) : SampleMerchantTests(gateway), IClassFixture<PostgresGateway>;
