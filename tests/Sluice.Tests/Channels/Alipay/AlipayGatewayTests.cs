using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Server.ChannelAccounts;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Webhooks;

namespace Sluice.Tests.Channels.Alipay;

/// <summary>A gateway whose clock starts at the real time, as the simulated Alipay checks request timestamps against it.</summary>
public abstract class AlipayGatewayFixture : GatewayFixture
{
    protected override DateTimeOffset ClockStart => DateTimeOffset.UtcNow;
}

public sealed class AlipaySqliteGateway : AlipayGatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class AlipayPostgresGateway : AlipayGatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>
/// The gateway end to end with the simulated Alipay: an operator sets up an Alipay channel and account, a merchant
/// creates payments, the payer pays in Alipay, Alipay's signed notice reaches the gateway, the merchant gets a webhook.
/// </summary>
public abstract class AlipayGatewayTests(AlipayGatewayFixture gateway, SimulatorHost simulator)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<AlipayMerchant> MerchantAsync(string? appAuthToken = null) => gateway.NewAlipayMerchantAsync(simulator, appAuthToken);

    private static async Task<JsonElement> CreateAsync(HttpClient client, string method = "alipay_qr", long amount = 2599)
    {
        var response = await client.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("A-" + Guid.NewGuid().ToString("N")[..12], amount, method: method)), Ct);
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        return body;
    }

    private static Task<JsonElement> StatusAsync(HttpClient client, string id, string status) =>
        Api.EventuallyAsync(() => client.GetPaymentAsync(id), p => p.Str("status") == status, $"payment {id} to be {status}");

    private Task<List<Sluice.Channels.ChannelCallbackLog>> CallbacksAsync(string paymentId) =>
        gateway.WithDbAsync(db => db.ChannelCallbacks.AsNoTracking().Where(c => c.OrderId == paymentId).OrderBy(c => c.Id).ToListAsync(Ct));

    [Fact]
    public async Task A_qr_payment_paid_in_alipay_succeeds_through_the_signed_notice_and_the_merchant_gets_a_signed_webhook()
    {
        var merchant = await MerchantAsync();
        await using var receiver = merchant.Receiver;
        using var client = gateway.Merchant(merchant.ApiKey);

        var payment = await CreateAsync(client);
        payment.Str("status").ShouldBe("pending");
        payment.GetProperty("pay_action").Str("type").ShouldBe("qr_code");
        payment.GetProperty("pay_action").Str("value").ShouldStartWith("https://qr.alipay.com/");
        var id = payment.Str("id");
        await simulator.PayerPaysAsync(id);
        var paid = await StatusAsync(client, id, "succeeded");
        await gateway.RunDispatcherAsync();

        var log = (await CallbacksAsync(id)).ShouldHaveSingleItem();
        log.Verified.ShouldBeTrue();
        log.Effect.ShouldBe("applied");
        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == id, Ct));
        stored.ChannelTradeNo.ShouldBe((await simulator.TradeAsync(id)).Str("trade_no"));
        stored.RawSubCode.ShouldBe("TRADE_SUCCESS");
        paid.Str("status").ShouldBe("succeeded");
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(simulator.Callbacks.Attempts(id).Any(a => a.Acknowledged)));
        simulator.Callbacks.Attempts(id).ShouldHaveSingleItem().Answer.ShouldBe("success");
        receiver.Received.Select(r => r.Header("Sluice-Event-Type")).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
        var hook = receiver.OfType("payment.succeeded").ShouldHaveSingleItem();
        WebhookTestKit.VerifySignature(merchant.WebhookSecret, hook.Header("Sluice-Signature"), hook.Body).ShouldNotBeNull();
        hook.BodyText.ShouldContain(id);

        // The merchant's private key is encrypted at rest and never logged.
        var keyLine = merchant.App.Credentials["merchant_private_key"].Split('\n')[1];
        var accounts = await gateway.WithDbAsync(db => db.ChannelAccounts.AsNoTracking().Select(a => a.CredentialsCiphertext).ToListAsync(Ct));
        accounts.ShouldNotContain(c => c.Contains(keyLine));
        gateway.Logs.Lines.ShouldNotContain(l => l.Contains(keyLine));
    }

    [Fact]
    public async Task The_notice_alipay_sends_after_a_full_refund_is_a_refund_notice_and_never_fails_the_paid_payment()
    {
        var merchant = await MerchantAsync();
        await using var receiver = merchant.Receiver;
        using var client = gateway.Merchant(merchant.ApiKey);
        var id = (await CreateAsync(client)).Str("id");
        await simulator.PayerPaysAsync(id);
        await StatusAsync(client, id, "succeeded");
        var account = await gateway.WithDbAsync(db => db.ChannelAccounts.AsNoTracking().FirstAsync(a => a.Id == merchant.ChannelAccountId, Ct));
        var context = gateway.Services.GetRequiredService<ChannelAccountContexts>().For(account);
        var adapter = gateway.Services.GetRequiredService<ChannelAdapterRegistry>().Refunds("alipay");

        var refund = await adapter.RefundAsync(context, new ChannelRefundRequest("rfd_full_" + id, id, null, 2599, 2599, "CNY", "returned"), Ct);
        refund.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        await SimulatorHost.EventuallyAsync(async () => (await CallbacksAsync("rfd_full_" + id)).Count == 1);

        var notice = (await CallbacksAsync("rfd_full_" + id)).ShouldHaveSingleItem();
        notice.Verified.ShouldBeTrue();
        notice.Effect.ShouldBe("unknown_refund"); // made through the adapter directly, so the gateway has no such refund
        notice.Body.ShouldContain("trade_status=TRADE_CLOSED");
        (await client.GetPaymentAsync(id)).Str("status").ShouldBe("succeeded");
    }

    [Fact]
    public async Task Notices_out_of_order_finished_before_success_settle_the_payment_once()
    {
        var merchant = await MerchantAsync();
        await using var receiver = merchant.Receiver;
        using var client = gateway.Merchant(merchant.ApiKey);
        var id = (await CreateAsync(client)).Str("id");
        await simulator.SetBehaviourAsync("alipay", id, "out_of_order_callback");

        await simulator.PayerPaysAsync(id, finish: true);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(simulator.Callbacks.Attempts(id).Count(a => a.Acknowledged) == 2));

        (await client.GetPaymentAsync(id)).Str("status").ShouldBe("succeeded");
        var logs = await CallbacksAsync(id);
        logs.Count.ShouldBe(2);
        logs[0].Body.ShouldContain("trade_status=TRADE_FINISHED", Case.Sensitive, "the later state arrived first");
        logs[0].Effect.ShouldBe("applied");
        logs[1].Body.ShouldContain("trade_status=TRADE_SUCCESS");
        logs[1].Effect.ShouldNotBe("applied");
        await gateway.RunDispatcherAsync();
        receiver.OfType("payment.succeeded").Count(h => h.BodyText.Contains(id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_lost_notice_leaves_the_payment_open_and_alipay_still_answers_a_query_with_the_truth()
    {
        var merchant = await MerchantAsync();
        await using var receiver = merchant.Receiver;
        using var client = gateway.Merchant(merchant.ApiKey);
        var id = (await CreateAsync(client)).Str("id");
        await simulator.SetBehaviourAsync("alipay", id, "lose_callback");

        await simulator.PayerPaysAsync(id);
        await Task.Delay(300, Ct);

        simulator.Callbacks.Attempts(id).ShouldBeEmpty();
        simulator.Callbacks.Lost.ShouldContain(l => l.OrderId == id);
        (await client.GetPaymentAsync(id)).Str("status").ShouldBe("pending", "nothing told the gateway; it must not guess");
        (await CallbacksAsync(id)).ShouldBeEmpty();
        var account = await gateway.WithDbAsync(db => db.ChannelAccounts.AsNoTracking().FirstAsync(a => a.Id == merchant.ChannelAccountId, Ct));
        var query = await gateway.Services.GetRequiredService<ChannelAdapterRegistry>().Payments("alipay")
            .QueryPaymentAsync(gateway.Services.GetRequiredService<ChannelAccountContexts>().For(account), new ChannelOrderRef(id, null), Ct);
        query.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded, "a re-query (issue 5's worker) finds the payment paid");

        // A signed answer that names another order says nothing about this one: unknown at the caller, the payment stays open.
        await simulator.SetBehaviourAsync("alipay", id, "answer_for_another_order", times: 1);
        await using (var scope = gateway.Services.CreateAsyncScope())
        {
            var mixedUp = await scope.ServiceProvider.GetRequiredService<Sluice.Server.Orders.ChannelCaller>()
                .QueryPaymentAsync(account, new ChannelOrderRef(id, null), Ct);
            mixedUp.Result.RawCode.ShouldBe(ChannelTransport.AnswerForAnotherOrder);
            mixedUp.Resolution.Effect.ShouldBe(ChannelOutcome.Unknown);
            mixedUp.Value.Amount.ShouldBeNull();
        }

        await simulator.SetBehaviourAsync("alipay", id, "answer_for_another_order", times: 1);
        (await (await client.GetAsync($"/v1/payments/{id}?refresh=true", Ct)).ReadJsonAsync()).Str("status").ShouldBe("pending");
        (await (await client.GetAsync($"/v1/payments/{id}?refresh=true", Ct)).ReadJsonAsync()).Str("status").ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_duplicated_notice_is_applied_once()
    {
        var merchant = await MerchantAsync();
        await using var receiver = merchant.Receiver;
        using var client = gateway.Merchant(merchant.ApiKey);
        var id = (await CreateAsync(client)).Str("id");
        await simulator.SetBehaviourAsync("alipay", id, "duplicate_callback");

        await simulator.PayerPaysAsync(id);
        await StatusAsync(client, id, "succeeded");
        await SimulatorHost.EventuallyAsync(async () => (await CallbacksAsync(id)).Count == 2);
        await gateway.RunDispatcherAsync();

        (await CallbacksAsync(id)).Select(c => c.Effect).ShouldBe(["applied", "duplicate"]);
        (await gateway.WithDbAsync(db => db.PaymentEvents.CountAsync(e => e.PaymentId == id && e.ToStatus == "succeeded", Ct))).ShouldBe(1);
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
        receiver.OfType("payment.succeeded").Count(r => r.BodyText.Contains(id)).ShouldBe(1);
    }

    [Fact]
    public async Task A_forged_notice_is_rejected_logged_and_changes_nothing_and_alipay_keeps_retrying()
    {
        var merchant = await MerchantAsync();
        await using var receiver = merchant.Receiver;
        using var client = gateway.Merchant(merchant.ApiKey);
        var id = (await CreateAsync(client)).Str("id");
        await simulator.SetBehaviourAsync("alipay", id, "forged_callback");

        await simulator.PayerPaysAsync(id);
        // Alipay's schedule: the first attempt and 7 retries (4m … 15h, compressed), none answered "success".
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(simulator.Callbacks.Attempts(id).Count == 8), TimeSpan.FromSeconds(30));

        var logs = await gateway.WithDbAsync(db => db.ChannelCallbacks.AsNoTracking()
            .Where(c => c.ChannelAccountId == merchant.ChannelAccountId).ToListAsync(Ct));
        logs.Count.ShouldBe(8);
        logs.ShouldAllBe(l => !l.Verified && l.Effect == "rejected" && l.RejectionReason == "signature verification failed");
        simulator.Callbacks.Attempts(id).ShouldAllBe(a => a.Forged && !a.Acknowledged && a.Answer == "fail");
        (await client.GetPaymentAsync(id)).Str("status").ShouldBe("pending");
        await gateway.RunDispatcherAsync();
        receiver.Received.Select(r => r.Header("Sluice-Event-Type")).ShouldBe(["payment.pending"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_decline_at_create_fails_the_payment_with_alipays_codes()
    {
        var merchant = await MerchantAsync();
        await using var receiver = merchant.Receiver;
        using var client = gateway.Merchant(merchant.ApiKey);
        await simulator.SetBehaviourAsync("alipay", null, "decline", "40004", "ACQ.SELLER_BEEN_BLOCKED", times: 1);

        var payment = await CreateAsync(client);

        payment.Str("status").ShouldBe("failed");
        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == payment.Str("id"), Ct));
        stored.RawCode.ShouldBe("40004");
        stored.RawSubCode.ShouldBe("ACQ.SELLER_BEEN_BLOCKED");
    }

    [Fact]
    public async Task A_timeout_or_a_5xx_at_create_leaves_the_payment_created_with_an_unknown_outcome()
    {
        var merchant = await MerchantAsync();
        await using var receiver = merchant.Receiver;
        using var client = gateway.Merchant(merchant.ApiKey);

        await simulator.SetBehaviourAsync("alipay", null, "server_error", times: 1);
        var afterServerError = await CreateAsync(client);
        await simulator.SetBehaviourAsync("alipay", null, "timeout", times: 1);
        var afterTimeout = await CreateAsync(client);

        foreach (var (payment, rawCode) in new[] { (afterServerError, "HTTP_500"), (afterTimeout, "TIMEOUT") })
        {
            payment.Str("status").ShouldBe("created");
            var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == payment.Str("id"), Ct));
            stored.LastChannelOutcome.ShouldBe("unknown");
            stored.RawCode.ShouldBe(rawCode);
        }

        // Alipay did take both (the answer was lost): the payer can still pay and the notice completes the payment.
        await simulator.PayerPaysAsync(afterTimeout.Str("id"));
        await StatusAsync(client, afterTimeout.Str("id"), "succeeded");
    }

    [Fact]
    public async Task In_partner_mode_the_accounts_app_auth_token_reaches_alipay_and_page_payments_redirect_to_the_signed_gateway_url()
    {
        var merchant = await MerchantAsync(appAuthToken: "202611BB5e3c1f2a0b9d8e7f6a5b4c3d2e1f0a9b");
        await using var receiver = merchant.Receiver;
        using var client = gateway.Merchant(merchant.ApiKey);

        var qr = await CreateAsync(client);
        var page = await CreateAsync(client, "alipay_page", 1999);

        (await simulator.TradeAsync(qr.Str("id"))).Str("app_auth_token").ShouldBe("202611BB5e3c1f2a0b9d8e7f6a5b4c3d2e1f0a9b");
        page.Str("status").ShouldBe("pending");
        var redirect = page.GetProperty("pay_action");
        redirect.Str("type").ShouldBe("redirect");
        using var browser = new HttpClient();
        var cashier = await browser.GetAsync(redirect.Str("value"), Ct);
        cashier.StatusCode.ShouldBe(HttpStatusCode.OK, await cashier.Content.ReadAsStringAsync(Ct));
        (await simulator.TradeAsync(page.Str("id"))).Str("app_auth_token").ShouldBe("202611BB5e3c1f2a0b9d8e7f6a5b4c3d2e1f0a9b");
        await simulator.PayerPaysAsync(page.Str("id"));
        await StatusAsync(client, page.Str("id"), "succeeded");
    }
}

public sealed class AlipayGatewaySqliteTests(AlipaySqliteGateway gateway, SimulatorHost simulator)
    : AlipayGatewayTests(gateway, simulator), IClassFixture<AlipaySqliteGateway>, IClassFixture<SimulatorHost>;

public sealed class AlipayGatewayPostgresTests(AlipayPostgresGateway gateway, SimulatorHost simulator)
    : AlipayGatewayTests(gateway, simulator), IClassFixture<AlipayPostgresGateway>, IClassFixture<SimulatorHost>;
