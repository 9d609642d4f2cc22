using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels.Sandbox;
using Sluice.Demo.Sandbox;
using Sluice.Server.Refunds;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Webhooks;
using static Sluice.Tests.Refunds.RefundTestKit;

namespace Sluice.Tests.Refunds;

/// <summary>
/// Refunds end to end against the sandbox channel: full, partial and several partial refunds, the paid amount never
/// exceeded under racing requests on two nodes, merchant refund numbers and idempotency keys, validation that writes
/// nothing, unknown answers left pending and completed once by the channel's notice, and the exception queue.
/// </summary>
public abstract class RefundApiTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_partial_then_the_rest_refund_the_whole_payment_and_the_merchant_gets_signed_refund_webhooks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var shop = await gateway.SandboxShopAsync(receiver.Url);
        using var client = gateway.Merchant(shop.ApiKey);
        var payment = await client.PaidPaymentAsync(10_000);
        var paymentId = payment.Str("id");

        var first = await client.RefundAsync(paymentId, 3_000);
        var second = await client.RefundAsync(paymentId, 7_000);
        using var third = await client.PostRefundAsync(RefundBody(paymentId, 1));

        first.Str("status").ShouldBe("succeeded");
        first.Str("object").ShouldBe("refund");
        first.Str("bearer").ShouldBe("merchant");
        first.Str("stage").ShouldBe("post_delivery");
        first.Str("channel").ShouldBe("sandbox");
        first.Str("id").ShouldStartWith("rfd_");
        second.Str("status").ShouldBe("succeeded");
        third.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await third.ReadJsonAsync();
        problem.Str("code").ShouldBe("refund_amount_exceeds");
        problem.GetProperty("refundable_amount").GetInt64().ShouldBe(0);
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(10_000);
        (await gateway.StoredRefundsAsync(paymentId)).Count.ShouldBe(2);

        // Looked up by id and by merchant refund number; the payment itself stays succeeded.
        var byId = await (await client.GetAsync($"/v1/refunds/{first.Str("id")}", Ct)).ReadJsonAsync();
        byId.GetProperty("amount").GetInt64().ShouldBe(3_000);
        var byNo = await (await client.GetAsync($"/v1/refunds?merchant_refund_no={second.Str("merchant_refund_no")}", Ct)).ReadJsonAsync();
        byNo.Str("id").ShouldBe(second.Str("id"));
        (await client.GetPaymentAsync(paymentId)).Str("status").ShouldBe("succeeded");

        // Other tests' deliveries share the database: dispatch rounds until both of this shop's arrived.
        var hooks = await Api.EventuallyAsync(async () =>
        {
            await gateway.RunDispatcherAsync();
            return receiver.Received.Where(r => r.BodyText.Contains("refund.succeeded")).ToList();
        }, h => h.Count >= 2, "both refund webhooks");
        hooks.Count.ShouldBe(2);
        hooks.ShouldAllBe(h => WebhookTestKit.VerifySignature(shop.Merchant.WebhookSecret, h.Header("Sluice-Signature"), h.Body) != null);
        hooks.Select(h => JsonDocument.Parse(h.Body).RootElement.GetProperty("data").Str("id")).ShouldBe([first.Str("id"), second.Str("id")], ignoreOrder: true);
    }

    [Fact]
    public async Task Fifty_racing_partial_refunds_on_two_nodes_use_exactly_the_paid_amount_and_never_more()
    {
        var shop = await gateway.SandboxShopAsync();
        using var client = gateway.Merchant(shop.ApiKey);
        var paymentId = (await client.PaidPaymentAsync(5_000)).Str("id");
        await using var nodeB = gateway.StartNode("test-node-b");
        using var clientB = nodeB.Client(shop.ApiKey);

        // 50 refunds of 150 against 5000 paid: 33 fit (4950), 17 cannot.
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async i =>
        {
            using var response = await (i % 2 == 0 ? client : clientB).PostRefundAsync(RefundBody(paymentId, 150));
            return (Status: (int)response.StatusCode, Body: await response.ReadJsonAsync());
        }));

        answers.Count(a => a.Status == 201).ShouldBe(33, string.Join("\n", answers.Where(a => a.Status is not (201 or 422)).Select(a => a.Body.ToString())));
        answers.Count(a => a.Status == 422 && a.Body.Str("code") == "refund_amount_exceeds").ShouldBe(17);
        var refunds = await gateway.StoredRefundsAsync(paymentId);
        refunds.Count.ShouldBe(33);
        refunds.Sum(r => r.Amount).ShouldBe(4_950);
        refunds.ShouldAllBe(r => r.Status == Sluice.Refunds.RefundStatus.Succeeded);
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(4_950);
    }

    [Fact]
    public async Task Racing_requests_with_one_merchant_refund_no_make_one_refund_and_another_amount_under_it_is_refused()
    {
        var shop = await gateway.SandboxShopAsync();
        using var client = gateway.Merchant(shop.ApiKey);
        var paymentId = (await client.PaidPaymentAsync(5_000)).Str("id");
        var refundNo = NewNo("SAME");

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await client.PostRefundAsync(RefundBody(paymentId, 1_000, refundNo));
            return (Status: (int)response.StatusCode, Body: await response.ReadJsonAsync());
        }));
        using var other = await client.PostRefundAsync(RefundBody(paymentId, 999, refundNo));

        answers.ShouldAllBe(a => a.Status == 201 || a.Status == 200);
        answers.Count(a => a.Status == 201).ShouldBe(1);
        answers.Select(a => a.Body.Str("id")).Distinct().ShouldHaveSingleItem();
        other.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await other.ReadJsonAsync()).Str("code").ShouldBe("duplicate_refund_no");
        (await gateway.StoredRefundsAsync(paymentId)).ShouldHaveSingleItem().Amount.ShouldBe(1_000);
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(1_000);
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_answer_and_refuses_another_body()
    {
        var shop = await gateway.SandboxShopAsync();
        using var client = gateway.Merchant(shop.ApiKey);
        var paymentId = (await client.PaidPaymentAsync(5_000)).Str("id");
        var body = RefundBody(paymentId, 500);
        var key = Guid.NewGuid().ToString();

        using var first = await client.PostRefundAsync(body, key);
        using var again = await client.PostRefundAsync(body, key);
        using var changed = await client.PostRefundAsync(RefundBody(paymentId, 600), key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        again.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await again.ReadJsonAsync()).Str("id").ShouldBe((await first.ReadJsonAsync()).Str("id"));
        changed.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await changed.ReadJsonAsync()).Str("code").ShouldBe("idempotency_key_reused");
        (await gateway.StoredRefundsAsync(paymentId)).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_unified_codes_and_write_nothing()
    {
        var shop = await gateway.SandboxShopAsync();
        using var client = gateway.Merchant(shop.ApiKey);
        var paid = (await client.PaidPaymentAsync(2_000)).Str("id");
        var unpaid = (await client.CreatePaymentAsync(NewNo("U"), 2_000)).Str("id");
        Dictionary<string, object?> With(string field, object? value)
        {
            var body = RefundBody(paid, 100);
            if (value is null)
            {
                body.Remove(field);
            }
            else
            {
                body[field] = value;
            }

            return body;
        }

        var cases = new List<(object Body, int Status, string Code)>
        {
            (With("payment_id", null), 400, "missing_field"),
            (With("merchant_order_no", "ORDER-1"), 400, "invalid_field"),
            (With("merchant_refund_no", null), 400, "missing_field"),
            (With("merchant_refund_no", "has spaces"), 400, "invalid_field"),
            (With("amount", null), 400, "missing_field"),
            (With("amount", 0), 400, "invalid_amount"),
            (With("amount", -100), 400, "invalid_amount"),
            (With("amount", "ten"), 400, "malformed_json"),
            (With("currency", null), 400, "missing_field"),
            (With("currency", "XYZ"), 400, "unsupported_currency"),
            (With("currency", "USD"), 400, "currency_mismatch"),
            (With("reason", new string('x', 300)), 400, "invalid_field"),
            (With("bearer", null), 400, "missing_field"),
            (With("bearer", "buyer"), 400, "invalid_field"),
            (With("stage", "after_lunch"), 400, "invalid_field"),
            (With("payment_id", "pay_doesnotexist"), 404, "not_found"),
            (With("payment_id", unpaid), 409, "payment_not_refundable"),
            (With("amount", 2_001), 422, "refund_amount_exceeds"),
        };

        foreach (var (body, status, code) in cases)
        {
            using var response = await client.PostRefundAsync(body);
            var problem = await response.ReadJsonAsync();
            ((int)response.StatusCode).ShouldBe(status, problem.ToString());
            problem.Str("code").ShouldBe(code, JsonSerializer.Serialize(body));
        }

        using var malformed = await client.PostAsync("/v1/refunds", Api.JsonBody("{\"payment_id\":"), Ct);
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await malformed.ReadJsonAsync()).Str("code").ShouldBe("malformed_json");
        using var list = await client.GetAsync("/v1/refunds", Ct);   // without merchant_refund_no: the app's (empty) list
        list.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await list.ReadJsonAsync()).GetProperty("data").GetArrayLength().ShouldBe(0);

        (await gateway.WithDbAsync(db => db.Refunds.CountAsync(r => r.AppId == shop.Merchant.AppId, Ct))).ShouldBe(0);
        (await gateway.StoredPaymentAsync(paid)).RefundedAmount.ShouldBe(0);
        (await gateway.StoredPaymentAsync(unpaid)).RefundedAmount.ShouldBe(0);
    }

    [Fact]
    public async Task A_refund_whose_channel_answer_is_unknown_stays_pending_and_the_channels_notice_completes_it_once()
    {
        await using var broken = await WebhookReceiver.StartAsync();
        broken.AnswerAlways(500);
        var shop = await gateway.SandboxShopAsync();
        using var client = gateway.Merchant(shop.ApiKey);
        var paymentId = (await client.PaidPaymentAsync(3_000)).Str("id");
        await gateway.RepointSandboxAccountAsync(shop, broken.Url);

        var refund = await client.RefundAsync(paymentId, 1_200);

        refund.Str("status").ShouldBe("pending");
        var stored = (await gateway.StoredRefundsAsync(paymentId)).ShouldHaveSingleItem();
        stored.LastChannelOutcome.ShouldBe("unknown");
        stored.RawCode.ShouldBe("UNVERIFIED_ANSWER"); // an unsigned 500
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(1_200);

        // The sandbox's signed refund notice arrives (twice, as channels retry): applied once.
        var notifier = gateway.Services.GetRequiredService<SandboxNotifier>();
        var notice = new SandboxAnswer(SandboxProtocol.Codes.Success, TradeNo: "SBXREFUND1", OutTradeNo: refund.Str("id"), Status: SandboxProtocol.Statuses.Success,
            Amount: 1_200, Currency: "CNY", CompletedAt: gateway.Clock.GetUtcNow().ToUnixTimeSeconds(), Kind: "refund", NotifyId: "ntf_refund_1");
        var notifyUrl = new Uri(gateway.BaseAddress, $"notify/{shop.AccountId}").ToString();

        // A signed success for another amount (the whole payment) is not believed: the refund stays pending.
        (await notifier.PostAsync(shop.MerchantNo, notifyUrl, notice with { Amount = 3_000, NotifyId = "ntf_refund_0" }, Ct)).ShouldBeTrue();
        (await (await client.GetAsync($"/v1/refunds/{refund.Str("id")}", Ct)).ReadJsonAsync()).Str("status").ShouldBe("pending");

        (await notifier.PostAsync(shop.MerchantNo, notifyUrl, notice, Ct)).ShouldBeTrue();
        (await notifier.PostAsync(shop.MerchantNo, notifyUrl, notice, Ct)).ShouldBeTrue();

        var done = await (await client.GetAsync($"/v1/refunds/{refund.Str("id")}", Ct)).ReadJsonAsync();
        done.Str("status").ShouldBe("succeeded");
        var logs = await gateway.WithDbAsync(db => db.ChannelCallbacks.AsNoTracking().Where(c => c.OrderId == refund.Str("id")).OrderBy(c => c.Id).ToListAsync(Ct));
        logs.Select(l => l.Effect).ShouldBe(["amount_mismatch", "applied", "duplicate"]);
        (await gateway.RefundWebhooksAsync(refund.Str("id"))).Count(t => t == "refund.succeeded").ShouldBe(1);
        (await gateway.StoredRefundsAsync(paymentId)).ShouldHaveSingleItem().ChannelRefundNo.ShouldBe("SBXREFUND1");
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(1_200);
    }

    /// <summary>A sandbox payment paid, then its channel account disabled: a refund of it cannot take its original route.</summary>
    private async Task<(SandboxShop Shop, HttpClient Client, string PaymentId)> PaidThenAccountDisabledAsync(long amount)
    {
        var shop = await gateway.SandboxShopAsync();
        var client = gateway.Merchant(shop.ApiKey);
        var paymentId = (await client.PaidPaymentAsync(amount)).Str("id");
        await gateway.SetAccountEnabledAsync(shop.AccountId, false);
        return (shop, client, paymentId);
    }

    [Fact]
    public async Task A_refund_whose_channel_account_is_disabled_enters_the_exception_queue_and_is_resent_once_the_channel_permits()
    {
        var (shop, client, paymentId) = await PaidThenAccountDisabledAsync(4_000);
        using var _ = client;

        var refund = await client.RefundAsync(paymentId, 4_000);
        var id = refund.Str("id");

        refund.Str("status").ShouldBe("exception");
        var queued = (await gateway.AdminGetAsync("/admin/api/refunds/exceptions")).EnumerateArray().Single(r => r.GetProperty("refund").Str("id") == id);
        queued.Str("exception_reason").ShouldContain("disabled");
        queued.GetProperty("resend_allowed").GetBoolean().ShouldBeFalse();
        using var admin = gateway.Admin();
        using (var refused = await admin.PostAsync($"/admin/api/refunds/{id}/resend", null, Ct))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
            (await refused.ReadJsonAsync()).Str("code").ShouldBe("refund_action_not_allowed");
        }

        await gateway.SetAccountEnabledAsync(shop.AccountId, true);
        (await gateway.AdminGetAsync($"/admin/api/refunds/{id}")).GetProperty("resend_allowed").GetBoolean().ShouldBeTrue();
        using var resent = await admin.PostAsync($"/admin/api/refunds/{id}/resend", null, Ct);
        var after = await resent.ReadJsonAsync();

        resent.StatusCode.ShouldBe(HttpStatusCode.OK, after.ToString());
        after.Str("status").ShouldBe("succeeded");
        (await gateway.AdminGetAsync("/admin/api/refunds/exceptions")).EnumerateArray().ShouldNotContain(r => r.GetProperty("refund").Str("id") == id);
        (await gateway.RefundWebhooksAsync(id)).ShouldBe(["refund.exception", "refund.pending", "refund.succeeded"], ignoreOrder: true);
        var audit = await gateway.AdminGetAsync($"/admin/api/audit?entityType=refund&entityId={id}");
        audit.EnumerateArray().Select(a => a.Str("action")).ShouldBe(["refund.resend"]);
        var timeline = (await gateway.AdminGetAsync($"/admin/api/refunds/{id}")).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("to_status").GetString()).ToList();
        timeline.ShouldBe(["created", "exception", "pending", "succeeded"]);
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(4_000);
    }

    [Fact]
    public async Task An_exception_refund_closed_as_handled_offline_needs_a_note_keeps_its_amount_and_is_audited_and_notified()
    {
        var (shop, client, paymentId) = await PaidThenAccountDisabledAsync(4_000);
        using var _ = client;
        var id = (await client.RefundAsync(paymentId, 2_500)).Str("id");
        using var admin = gateway.Admin();

        using var noNote = await admin.PostAsync($"/admin/api/refunds/{id}/close-offline", Api.JsonBody(new { note = " " }), Ct);
        using var closed = await admin.PostAsync($"/admin/api/refunds/{id}/close-offline", Api.JsonBody(new { note = "Paid back in cash at the shop, receipt 88" }), Ct);
        using var again = await admin.PostAsync($"/admin/api/refunds/{id}/close-offline", Api.JsonBody(new { note = "twice" }), Ct);

        noNote.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noNote.ReadJsonAsync()).Str("code").ShouldBe("missing_field");
        closed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await closed.ReadJsonAsync()).Str("status").ShouldBe("closed_offline");
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var view = await gateway.AdminGetAsync($"/admin/api/refunds/{id}");
        view.Str("resolution_note").ShouldBe("Paid back in cash at the shop, receipt 88");
        (await gateway.RefundWebhooksAsync(id)).ShouldBe(["refund.exception", "refund.closed_offline"], ignoreOrder: true);
        var audit = (await gateway.AdminGetAsync($"/admin/api/audit?entityType=refund&entityId={id}")).EnumerateArray().ShouldHaveSingleItem();
        audit.Str("action").ShouldBe("refund.close_offline");
        audit.Str("new_value").ShouldContain("receipt 88");

        // The buyer got the money offline: it still counts against what is left to refund.
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(2_500);
        await gateway.SetAccountEnabledAsync(shop.AccountId, true);
        using var tooMuch = await client.PostRefundAsync(RefundBody(paymentId, 2_000));
        tooMuch.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await client.RefundAsync(paymentId, 1_500)).Str("status").ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_refund_not_final_past_its_channels_refund_timeout_is_flagged_overdue_once_across_two_nodes_and_listed()
    {
        await using var broken = await WebhookReceiver.StartAsync();
        broken.AnswerAlways(500);
        var shop = await gateway.SandboxShopAsync();
        using var client = gateway.Merchant(shop.ApiKey);
        var paymentId = (await client.PaidPaymentAsync(3_000)).Str("id");
        await gateway.RepointSandboxAccountAsync(shop, broken.Url);

        var id = (await client.RefundAsync(paymentId, 1_000)).Str("id");
        var scanner = gateway.Services.GetRequiredService<RefundOverdueScanner>();
        await using var nodeB = gateway.StartNode("test-node-b");
        var scannerB = nodeB.Services.GetRequiredService<RefundOverdueScanner>();
        async Task<bool> OverdueAsync() => (await gateway.StoredRefundsAsync(paymentId)).Single().OverdueAt is not null;

        // The sandbox's refund timeout is one hour (Sluice:Refunds:ProtocolTimeouts:sandbox).
        gateway.Clock.Advance(TimeSpan.FromMinutes(59));
        await scanner.RunOnceAsync(Ct);
        (await OverdueAsync()).ShouldBeFalse();

        gateway.Clock.Advance(TimeSpan.FromMinutes(2));
        await Task.WhenAll(scanner.RunOnceAsync(Ct), scannerB.RunOnceAsync(Ct), scanner.RunOnceAsync(Ct));
        await scannerB.RunOnceAsync(Ct);

        (await OverdueAsync()).ShouldBeTrue();
        (await gateway.RefundWebhooksAsync(id)).Count(t => t == "refund.overdue").ShouldBe(1);
        var listed = (await gateway.AdminGetAsync("/admin/api/refunds/overdue?channel=sandbox&status=pending")).EnumerateArray()
            .Single(r => r.GetProperty("refund").Str("id") == id);
        listed.GetProperty("refund").Str("status").ShouldBe("pending");
        listed.GetProperty("overdue_at").GetDateTimeOffset().ShouldBe(gateway.Clock.GetUtcNow(), TimeSpan.FromSeconds(1));
        (await gateway.AdminGetAsync("/admin/api/refunds/overdue?status=exception")).EnumerateArray()
            .ShouldNotContain(r => r.GetProperty("refund").Str("id") == id);
        using var admin2 = gateway.Admin();
        using var badFilter = await admin2.GetAsync("/admin/api/refunds/overdue?status=succeeded", Ct);
        badFilter.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_refund_that_cannot_take_its_original_route_is_flagged_overdue_at_the_next_scan()
    {
        var (shop, client, paymentId) = await PaidThenAccountDisabledAsync(2_000);
        using var _ = client;
        var id = (await client.RefundAsync(paymentId, 2_000)).Str("id");

        await gateway.Services.GetRequiredService<RefundOverdueScanner>().RunOnceAsync(Ct);

        var listed = (await gateway.AdminGetAsync("/admin/api/refunds/overdue?status=exception")).EnumerateArray()
            .Single(r => r.GetProperty("refund").Str("id") == id);
        listed.Str("exception_reason").ShouldContain("disabled");
        (await gateway.RefundWebhooksAsync(id)).ShouldBe(["refund.exception", "refund.overdue"], ignoreOrder: true);
        var timeline = (await gateway.AdminGetAsync($"/admin/api/refunds/{id}")).GetProperty("events").EnumerateArray().ToList();
        timeline.ShouldContain(e => e.Str("kind") == "overdue" && e.Str("detail").Contains("cannot take its original route"));

        // Resolving it starts with the buyer: the operator records the contact on the refund's timeline.
        using var admin = gateway.Admin();
        using var empty = await admin.PostAsync($"/admin/api/refunds/{id}/notes", Api.JsonBody(new { note = "" }), Ct);
        using var unknown = await admin.PostAsync("/admin/api/refunds/rfd_nope/notes", Api.JsonBody(new { note = "x" }), Ct);
        using var noted = await admin.PostAsync($"/admin/api/refunds/{id}/notes", Api.JsonBody(new { note = "Called the buyer: wants it to a bank card" }), Ct);

        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await empty.ReadJsonAsync()).Str("code").ShouldBe("missing_field");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        noted.StatusCode.ShouldBe(HttpStatusCode.Created);
        var withNote = await noted.ReadJsonAsync();
        withNote.GetProperty("refund").Str("status").ShouldBe("exception", "a note changes no state");
        withNote.GetProperty("events").EnumerateArray().ShouldContain(e => e.Str("kind") == "operator_note" && e.Str("detail") == "Called the buyer: wants it to a bank card");
        var audit = (await gateway.AdminGetAsync($"/admin/api/audit?entityType=refund&entityId={id}")).EnumerateArray().ShouldHaveSingleItem();
        audit.Str("action").ShouldBe("refund.note");
        (await gateway.RefundWebhooksAsync(id)).ShouldBe(["refund.exception", "refund.overdue"], ignoreOrder: true);
    }
}

public sealed class RefundApiSqliteTests(SqliteGateway gateway) : RefundApiTests(gateway), IClassFixture<SqliteGateway>;

public sealed class RefundApiPostgresTests(PostgresGateway gateway) : RefundApiTests(gateway), IClassFixture<PostgresGateway>;
