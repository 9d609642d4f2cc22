using System.Net;
using System.Text.Json;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Payments;

/// <summary>
/// Stripe-style lists of an app's own payments, refunds, withdrawals and events: newest first, cursor pages both ways,
/// filters, an app never sees another app's rows, and bad parameters get 400 problems.
/// </summary>
public abstract class MerchantListTests(GatewayFixture gateway)
{
    private async Task<(HttpClient Merchant, string AppId)> FreshAppAsync()
    {
        using var admin = gateway.Admin();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new
        {
            merchant_id = gateway.Demo.MerchantId, name = "List app", notify_url = new Uri(gateway.BaseAddress, "demo/webhooks").ToString(),
        }))).ReadJsonAsync();
        var appId = app.GetProperty("app").Str("id");
        var key = (await (await admin.PostAsync($"/admin/api/apps/{appId}/api-keys", null)).ReadJsonAsync()).Str("secret");
        return (gateway.Merchant(key), appId);
    }

    private static async Task<JsonElement> PageAsync(HttpClient merchant, string url)
    {
        using var response = await merchant.GetAsync(url);
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.Str("object").ShouldBe("list");
        return body;
    }

    private static List<string> Ids(JsonElement page) => page.GetProperty("data").EnumerateArray().Select(p => p.Str("id")).ToList();

    [Fact]
    public async Task Payments_are_listed_newest_first_in_cursor_pages_both_ways_with_filters()
    {
        var (merchant, _) = await FreshAppAsync();
        using var _ = merchant;
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await merchant.CreatePaymentAsync($"L-{Guid.NewGuid():N}"[..20])).Str("id"));
            gateway.Clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        var newestFirst = Enumerable.Reverse(created).ToList();
        var first = await PageAsync(merchant, "/v1/payments?limit=3");
        Ids(first).ShouldBe(newestFirst.Take(3).ToList());
        first.GetProperty("has_more").GetBoolean().ShouldBeTrue();
        var second = await PageAsync(merchant, $"/v1/payments?limit=3&starting_after={Ids(first)[^1]}");
        Ids(second).ShouldBe(newestFirst.Skip(3).Take(3).ToList());
        var third = await PageAsync(merchant, $"/v1/payments?limit=3&starting_after={Ids(second)[^1]}");
        Ids(third).ShouldBe(newestFirst.Skip(6).ToList());
        third.GetProperty("has_more").GetBoolean().ShouldBeFalse();
        var back = await PageAsync(merchant, $"/v1/payments?limit=3&ending_before={Ids(second)[0]}");
        Ids(back).ShouldBe(Ids(first));
        back.GetProperty("has_more").GetBoolean().ShouldBeFalse();

        (await PageAsync(merchant, "/v1/payments?status=pending&limit=100")).GetProperty("data").GetArrayLength().ShouldBe(7);
        (await PageAsync(merchant, "/v1/payments?status=succeeded")).GetProperty("data").GetArrayLength().ShouldBe(0);
        var since = gateway.Clock.GetUtcNow().AddMinutes(-1).ToUnixTimeSeconds();
        (await PageAsync(merchant, $"/v1/payments?created[gte]={since}&limit=100")).GetProperty("data").GetArrayLength().ShouldBe(7);
        (await PageAsync(merchant, $"/v1/payments?created[lt]={since}")).GetProperty("data").GetArrayLength().ShouldBe(0);
        var one = await PageAsync(merchant, "/v1/payments?limit=5&merchant_order_no=" + (await merchant.GetPaymentAsync(created[2])).Str("merchant_order_no"));
        Ids(one).ShouldBe([created[2]]);

        // The demo app's own payments are not this app's.
        using var demo = gateway.Merchant();
        (await PageAsync(demo, "/v1/payments?limit=100")).GetProperty("data").EnumerateArray().Select(p => p.Str("id")).Intersect(created).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("/v1/payments?limit=0", "limit")]
    [InlineData("/v1/payments?limit=101", "limit")]
    [InlineData("/v1/payments?limit=abc", "limit")]
    [InlineData("/v1/payments?status=paid", "status")]
    [InlineData("/v1/payments?created[gte]=yesterday", "created[gte]")]
    [InlineData("/v1/payments?starting_after=a&ending_before=b", "ending_before")]
    [InlineData("/v1/refunds?limit=-1", "limit")]
    [InlineData("/v1/withdrawals?status=done", "status")]
    [InlineData("/v1/events?limit=1000", "limit")]
    public async Task Bad_list_parameters_get_a_400_problem_naming_the_parameter(string url, string field)
    {
        using var merchant = gateway.Merchant();
        using var response = await merchant.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.ReadJsonAsync();
        (problem.Str("code"), problem.Str("field")).ShouldBe(("invalid_field", field));
    }

    [Fact]
    public async Task A_look_up_by_the_merchants_own_number_still_answers_the_order_itself()
    {
        using var merchant = gateway.Merchant();
        var orderNo = $"L-{Guid.NewGuid():N}"[..20];
        var id = (await merchant.CreatePaymentAsync(orderNo)).Str("id");

        (await (await merchant.GetAsync("/v1/payments?merchant_order_no=" + orderNo)).ReadJsonAsync()).Str("id").ShouldBe(id);
        (await merchant.GetAsync("/v1/payments?merchant_order_no=none")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_payment_shows_its_refunded_amount_and_its_refunds_are_listed_by_payment_id()
    {
        var shop = await Sluice.Tests.Refunds.RefundTestKit.SandboxShopAsync(gateway);
        using var client = gateway.Merchant(shop.ApiKey);
        var paid = await Sluice.Tests.Refunds.RefundTestKit.PaidPaymentAsync(client, 5_000);
        var paymentId = paid.Str("id");
        paid.GetProperty("refunded_amount").GetInt64().ShouldBe(0);
        foreach (var amount in new[] { 1_000L, 500L })
        {
            using var refund = await Sluice.Tests.Refunds.RefundTestKit.PostRefundAsync(client, Sluice.Tests.Refunds.RefundTestKit.RefundBody(paymentId, amount));
            ((int)refund.StatusCode).ShouldBe(201, await refund.Content.ReadAsStringAsync());
            gateway.Clock.Advance(TimeSpan.FromMilliseconds(5));   // ids order by millisecond; within one they are unordered
        }

        (await client.GetPaymentAsync(paymentId)).GetProperty("refunded_amount").GetInt64().ShouldBe(1_500);
        var refunds = await PageAsync(client, "/v1/refunds?payment_id=" + paymentId);
        refunds.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("amount").GetInt64()).ShouldBe([500L, 1_000L]);
    }

    [Fact]
    public async Task Every_webhook_is_an_event_listed_by_type_and_order_and_readable_by_id()
    {
        var (merchant, _) = await FreshAppAsync();
        using var _ = merchant;
        var payment = await merchant.CreatePaymentAsync($"L-{Guid.NewGuid():N}"[..20]);
        gateway.Clock.Advance(TimeSpan.FromMilliseconds(5));   // ids order by millisecond; within one they are unordered
        var other = await merchant.CreatePaymentAsync($"L-{Guid.NewGuid():N}"[..20]);

        var events = await PageAsync(merchant, "/v1/events?order_id=" + payment.Str("id"));
        var list = events.GetProperty("data").EnumerateArray().ToList();
        list.Select(e => e.Str("type")).ShouldBe(["payment.pending"]);
        list[0].GetProperty("data").Str("id").ShouldBe(payment.Str("id"));
        var byType = await PageAsync(merchant, "/v1/events?type=payment.pending&limit=100");
        Ids(byType).Count.ShouldBe(2);
        Ids(byType)[0].ShouldBe((await PageAsync(merchant, "/v1/events?order_id=" + other.Str("id"))).GetProperty("data")[0].Str("id"));

        using var one = await merchant.GetAsync("/v1/events/" + list[0].Str("id"));
        one.StatusCode.ShouldBe(HttpStatusCode.OK);
        var evt = await one.ReadJsonAsync();
        (evt.Str("id"), evt.Str("type")).ShouldBe((list[0].Str("id"), "payment.pending"));
        using var demo = gateway.Merchant();
        (await demo.GetAsync("/v1/events/" + list[0].Str("id"))).StatusCode.ShouldBe(HttpStatusCode.NotFound);   // another app's event
    }
}

public sealed class MerchantListSqliteTests(SqliteGateway gateway) : MerchantListTests(gateway), IClassFixture<SqliteGateway>;

public sealed class MerchantListPostgresTests(PostgresGateway gateway) : MerchantListTests(gateway), IClassFixture<PostgresGateway>;
