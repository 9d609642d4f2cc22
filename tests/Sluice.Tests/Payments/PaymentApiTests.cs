using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Payments;

public abstract class PaymentApiTests(GatewayFixture gateway)
{
    private static string OrderNo() => "T-" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task Created_payment_is_pending_with_a_cashier_link_and_can_be_read_back_by_id_and_order_no()
    {
        using var merchant = gateway.Merchant();
        var orderNo = OrderNo();

        var created = await merchant.CreatePaymentAsync(orderNo, 2599);

        created.Str("status").ShouldBe("pending");
        created.GetProperty("amount").GetInt64().ShouldBe(2599);
        created.Str("currency").ShouldBe("CNY");
        created.Str("id").ShouldStartWith("pay_");
        created.GetProperty("pay_action").Str("value").ShouldStartWith(gateway.BaseAddress + "sandbox/cashier/");

        var byId = await merchant.GetPaymentAsync(created.Str("id"));
        byId.Str("merchant_order_no").ShouldBe(orderNo);
        var byOrderNo = await (await merchant.GetAsync($"/v1/payments?merchant_order_no={orderNo}")).ReadJsonAsync();
        byOrderNo.Str("id").ShouldBe(created.Str("id"));
    }

    [Fact]
    public async Task Paying_on_the_sandbox_cashier_makes_the_payment_succeed_through_the_signed_callback()
    {
        using var merchant = gateway.Merchant();
        var created = await merchant.CreatePaymentAsync(OrderNo());

        await merchant.PayOnCashierAsync(created);

        var paid = await Api.EventuallyAsync(() => merchant.GetPaymentAsync(created.Str("id")), p => p.Str("status") == "succeeded", "the payment to succeed");
        paid.GetProperty("paid_at").ValueKind.ShouldBe(JsonValueKind.String);
        paid.GetProperty("pay_action").ValueKind.ShouldBe(JsonValueKind.Null);
        // The callback's log row is saved just after the state change it applied, so it may trail the status by a moment.
        await Api.EventuallyAsync(() => gateway.WithDbAsync(db => db.ChannelCallbacks.Where(c => c.OrderId == created.Str("id")).ToListAsync()),
            callbacks => callbacks.Any(c => c.Verified && c.Effect == "applied"), "the applied callback to be logged");
    }

    [Fact]
    public async Task Declining_on_the_cashier_fails_the_payment_with_a_unified_code_only()
    {
        using var merchant = gateway.Merchant();
        var created = await merchant.CreatePaymentAsync(OrderNo());

        await merchant.PayOnCashierAsync(created, "decline");

        var failed = await Api.EventuallyAsync(() => merchant.GetPaymentAsync(created.Str("id")), p => p.Str("status") == "failed", "the payment to fail");
        failed.GetProperty("failure").Str("code").ShouldBe("channel_rejected");
        failed.ToString().ShouldNotContain("PAYER_DECLINED");
        failed.ToString().ShouldNotContain("raw_code");
    }

    [Fact]
    public async Task Closing_an_unpaid_payment_closes_it_at_the_channel_and_then_paying_is_impossible()
    {
        using var merchant = gateway.Merchant();
        var created = await merchant.CreatePaymentAsync(OrderNo());

        var close = await merchant.PostAsync($"/v1/payments/{created.Str("id")}/close", null);
        var closed = await close.ReadJsonAsync();

        close.StatusCode.ShouldBe(HttpStatusCode.OK);
        closed.Str("status").ShouldBe("closed");
        await merchant.PayOnCashierAsync(created);
        (await merchant.GetPaymentAsync(created.Str("id"))).Str("status").ShouldBe("closed");
        var again = await merchant.PostAsync($"/v1/payments/{created.Str("id")}/close", null);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Closing_a_paid_payment_is_refused_and_it_stays_paid()
    {
        using var merchant = gateway.Merchant();
        var created = await merchant.CreatePaymentAsync(OrderNo());
        await merchant.PayOnCashierAsync(created);
        await Api.EventuallyAsync(() => merchant.GetPaymentAsync(created.Str("id")), p => p.Str("status") == "succeeded", "payment success");

        var close = await merchant.PostAsync($"/v1/payments/{created.Str("id")}/close", null);

        close.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await close.ReadJsonAsync()).Str("code").ShouldBe("payment_not_closable");
        (await merchant.GetPaymentAsync(created.Str("id"))).Str("status").ShouldBe("succeeded");
    }

    [Fact]
    public async Task Operators_see_the_raw_channel_codes_and_the_whole_timeline_that_merchants_do_not()
    {
        using var merchant = gateway.Merchant();
        var created = await merchant.CreatePaymentAsync(OrderNo());
        await merchant.PayOnCashierAsync(created);
        await Api.EventuallyAsync(() => merchant.GetPaymentAsync(created.Str("id")), p => p.Str("status") == "succeeded", "payment success");
        using var admin = gateway.Admin();

        var view = await (await admin.GetAsync($"/admin/api/payments/{created.Str("id")}")).ReadJsonAsync();

        view.Str("channel_account_id").ShouldBe(gateway.Demo.ChannelAccountId);
        view.Str("raw_code").ShouldBe("SUCCESS");
        view.Str("channel_trade_no").ShouldStartWith("SBX");
        var timeline = view.GetProperty("events").EnumerateArray().Select(e => (e.Str("kind"), e.GetProperty("to_status").GetString(), e.Str("source"))).ToList();
        timeline.ShouldBe([("created", "created", "merchant_api"), ("status_changed", "pending", "channel_pay"), ("status_changed", "succeeded", "channel_notify")]);
        (await merchant.GetAsync($"/admin/api/payments/{created.Str("id")}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_apps_payment_is_not_found()
    {
        using var merchant = gateway.Merchant();
        var created = await merchant.CreatePaymentAsync(OrderNo());
        using var admin = gateway.Admin();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new { merchant_id = gateway.Demo.MerchantId, name = "Second app" }))).ReadJsonAsync();
        var key = await (await admin.PostAsync($"/admin/api/apps/{app.GetProperty("app").Str("id")}/api-keys", null)).ReadJsonAsync();
        using var other = gateway.Merchant(key.Str("secret"));

        var response = await other.GetAsync($"/v1/payments/{created.Str("id")}");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.ReadJsonAsync()).Str("code").ShouldBe("not_found");
    }

    [Fact]
    public async Task Reusing_an_order_number_with_the_same_parameters_returns_the_same_payment_and_with_others_is_refused()
    {
        using var merchant = gateway.Merchant();
        var orderNo = OrderNo();
        var first = await merchant.CreatePaymentAsync(orderNo, 500);

        var same = await merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest(orderNo, 500)));
        var different = await merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest(orderNo, 501)));

        same.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await same.ReadJsonAsync()).Str("id").ShouldBe(first.Str("id"));
        different.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await different.ReadJsonAsync()).Str("code").ShouldBe("duplicate_order_no");
    }

    [Fact]
    public async Task Fifty_concurrent_creates_of_one_order_number_make_exactly_one_order_and_one_channel_order()
    {
        using var merchant = gateway.Merchant();
        var orderNo = OrderNo();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest(orderNo, 777)))));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.OK);
        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        var ids = await Task.WhenAll(responses.Select(async r => (await r.ReadJsonAsync()).Str("id")));
        ids.Distinct().Count().ShouldBe(1);
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == orderNo))).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.SandboxTransactions.CountAsync(t => t.OutTradeNo == ids[0]))).ShouldBe(1);
    }
}

public sealed class PaymentApiSqliteTests(SqliteGateway gateway) : PaymentApiTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PaymentApiPostgresTests(PostgresGateway gateway) : PaymentApiTests(gateway), IClassFixture<PostgresGateway>;
