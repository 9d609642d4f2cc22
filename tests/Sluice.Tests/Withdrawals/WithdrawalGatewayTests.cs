using System.Net;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Server.Requery;
using Sluice.Tests.Channels;
using Sluice.Tests.Channels.UnionPay;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Requery;
using Sluice.Tests.Webhooks;
using Sluice.Payments;
using Sluice.Withdrawals;
using static Sluice.Tests.Withdrawals.WithdrawalTestKit;

namespace Sluice.Tests.Withdrawals;

/// <summary>
/// Withdrawals end to end against the simulated bank payout API: created through the merchant API, routed to the
/// merchant's bank payout channel, settled by the bank's notice or by the leased query pass, held while no channel
/// is available, with webhooks to the merchant for every state change; a payout the bank keeps processing is queried on
/// the <c>bank</c> protocol's schedule (or the configured one), and <c>?refresh=true</c> asks the bank at once.
/// </summary>
public abstract class WithdrawalGatewayTests(SimulatedChannelsGateway gateway) : IAsyncLifetime
{
    private static readonly IReadOnlyList<TimeSpan> BankSchedule = ShippedChannels.RequerySchedule("bank");

    private SimulatorHost Simulator => gateway.Simulator;
    private WebhookReceiver _merchantEndpoint = null!;

    public async ValueTask InitializeAsync() => _merchantEndpoint = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await _merchantEndpoint.DisposeAsync();
        await Simulator.Client().DeleteAsync("control/behaviours?channel=bankpayout");
    }

    private Task<PayoutShop> ShopAsync() => gateway.PayoutShopAsync(_merchantEndpoint.Url);

    private async Task<IReadOnlyList<ReceivedWebhook>> WebhooksAsync(string id, int count)
    {
        await gateway.RunDispatcherAsync();
        return await Api.EventuallyAsync(() => Task.FromResult<IReadOnlyList<ReceivedWebhook>>(_merchantEndpoint.Received.Where(w => w.BodyText.Contains(id)).ToList()),
            r => r.Count >= count, "the merchant's webhooks");
    }

    private Task<int> RunWorkerAsync() => gateway.Services.Worker().RunOnceAsync(Ct);

    [Fact]
    public async Task A_payout_the_bank_completes_by_notice_succeeds_and_the_merchant_gets_signed_webhooks()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);

        var created = await merchant.CreateWithdrawalAsync();
        var id = created.Str("id");
        await Simulator.CompletePayoutAsync(id, "SUCCEEDED");
        await merchant.StatusBecomesAsync(id, "succeeded");

        id.ShouldStartWith("wdr");
        created.Str("status").ShouldBe("pending");
        created.Str("channel").ShouldBe(shop.ChannelCode);
        created.Str("payee_account").ShouldBe("***************3445");
        var webhooks = await WebhooksAsync(id, 2);
        webhooks.Select(w => w.Header("Sluice-Event-Type")).ShouldBe(["withdrawal.pending", "withdrawal.succeeded"], ignoreOrder: true);
        webhooks.ShouldAllBe(w => WebhookTestKit.VerifySignature(shop.WebhookSecret, w.Header("Sluice-Signature"), w.Body) != null);
        webhooks.ShouldAllBe(w => !w.BodyText.Contains(AccountNo));
        var byNumber = await merchant.GetAsync($"/v1/withdrawals?merchant_withdrawal_no={created.Str("merchant_withdrawal_no")}", Ct);
        (await byNumber.ReadJsonAsync()).Str("id").ShouldBe(id);
        var log = await gateway.WithDbAsync(db => db.ChannelCallbacks.AsNoTracking().SingleAsync(c => c.OrderId == id, Ct));
        (log.Verified, log.Effect).ShouldBe((true, "applied"));
    }

    [Fact]
    public async Task Insufficient_balance_and_a_closed_payee_account_fail_the_withdrawal_with_unified_codes()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);

        await Simulator.SetBehaviourAsync("bankpayout", null, "insufficient_balance", times: 1);
        var broke = await merchant.CreateWithdrawalAsync();
        await Simulator.SetBehaviourAsync("bankpayout", null, "payer_account_closed", times: 1);
        var closed = await merchant.CreateWithdrawalAsync();

        broke.Str("status").ShouldBe("failed");
        broke.GetProperty("failure").Str("code").ShouldBe("insufficient_balance");
        closed.Str("status").ShouldBe("failed");
        closed.GetProperty("failure").Str("code").ShouldBe("payee_account_closed");
        var webhooks = await WebhooksAsync(closed.Str("id"), 1);
        webhooks.ShouldHaveSingleItem().Header("Sluice-Event-Type").ShouldBe("withdrawal.failed");
        using var admin = gateway.Admin();
        var operatorView = await (await admin.GetAsync($"/admin/api/withdrawals/{broke.Str("id")}", Ct)).ReadJsonAsync();
        (operatorView.Str("raw_code"), operatorView.Str("unified_code")).ShouldBe(("INSUFFICIENT_BALANCE", "insufficient_balance"));
        operatorView.GetProperty("events").EnumerateArray().ShouldContain(e => e.Str("to_status") == "failed");
    }

    [Fact]
    public async Task A_timeout_at_create_leaves_it_pending_and_the_query_pass_settles_it_without_sending_it_again()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        await Simulator.SetBehaviourAsync("bankpayout", null, "timeout", times: 1);

        var created = await merchant.CreateWithdrawalAsync();
        var id = created.Str("id");
        var stored = await gateway.WithDbAsync(db => db.Withdrawals.AsNoTracking().FirstAsync(w => w.Id == id, Ct));
        await Simulator.SetBehaviourAsync("bankpayout", id, "lose_callback");
        await Simulator.CompletePayoutAsync(id, "SUCCEEDED");
        var beforeDue = await RunWorkerAsync();
        gateway.Clock.Advance(TimeSpan.FromSeconds(31));
        await RunWorkerAsync();

        created.Str("status").ShouldBe("pending");
        (stored.LastChannelOutcome, stored.RawCode).ShouldBe(("unknown", "TIMEOUT"));
        beforeDue.ShouldBe(0);
        (await merchant.GetWithdrawalAsync(id)).Str("status").ShouldBe("succeeded");
        var (creates, queries) = await Simulator.PayoutRequestsAsync(id);
        creates.ShouldBe(1, "a payout whose answer was lost is queried, never sent again");
        queries.ShouldBe(1);
    }

    [Fact]
    public async Task A_server_error_at_create_leaves_the_withdrawal_pending_with_outcome_unknown()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        await Simulator.SetBehaviourAsync("bankpayout", null, "server_error", times: 1);

        var created = await merchant.CreateWithdrawalAsync();

        created.Str("status").ShouldBe("pending");
        created.GetProperty("failure").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        var stored = await gateway.WithDbAsync(db => db.Withdrawals.AsNoTracking().FirstAsync(w => w.Id == created.Str("id"), Ct));
        (stored.LastChannelOutcome, stored.RawCode, stored.ResultCode).ShouldBe(("unknown", "HTTP_500", "channel_result_unknown"));
        (await gateway.WithdrawalQueryRowAsync(stored.Id)).Status.ShouldBe(ChannelQueryStatus.Pending, "its query is scheduled");
    }

    [Fact]
    public async Task With_every_withdrawal_channel_offline_it_is_held_and_sent_on_the_next_pass_once_one_is_back()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        await gateway.SetChannelStatusAsync(shop.ChannelCode, "offline");

        var held = await merchant.CreateWithdrawalAsync();
        var id = held.Str("id");
        await RunWorkerAsync();
        var stillHeld = await merchant.GetWithdrawalAsync(id);
        await gateway.SetChannelStatusAsync(shop.ChannelCode, "online");
        gateway.Clock.Advance(TimeSpan.FromSeconds(16));
        await RunWorkerAsync();
        var sent = await merchant.GetWithdrawalAsync(id);

        held.Str("status").ShouldBe("held");
        held.Str("hold_reason").ShouldContain($"{shop.ChannelCode}: channel is offline");
        held.GetProperty("channel").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        stillHeld.Str("status").ShouldBe("held");
        sent.Str("status").ShouldBe("pending");
        sent.Str("channel").ShouldBe(shop.ChannelCode);
        (await Simulator.PayoutRequestsAsync(id)).Creates.ShouldBe(1);
        var webhooks = await WebhooksAsync(id, 2);
        webhooks.Select(w => w.Header("Sluice-Event-Type")).ShouldBe(["withdrawal.held", "withdrawal.pending"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_withdrawal_held_past_the_hold_time_fails_with_no_channel_available()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var options = gateway.WithdrawalOptions();
        var maxHold = options.MaxHold;
        options.MaxHold = TimeSpan.FromSeconds(40);
        try
        {
            await gateway.SetChannelStatusAsync(shop.ChannelCode, "offline");
            var id = (await merchant.CreateWithdrawalAsync()).Str("id");
            gateway.Clock.Advance(TimeSpan.FromSeconds(41));
            await RunWorkerAsync();

            var failed = await merchant.GetWithdrawalAsync(id);
            failed.Str("status").ShouldBe("failed");
            failed.GetProperty("failure").Str("code").ShouldBe("no_channel_available");
            (await Simulator.PayoutRequestsAsync(id)).Creates.ShouldBe(0);
            (await WebhooksAsync(id, 2)).Select(w => w.Header("Sluice-Event-Type")).ShouldBe(["withdrawal.held", "withdrawal.failed"], ignoreOrder: true);
        }
        finally
        {
            options.MaxHold = maxHold;
            await gateway.SetChannelStatusAsync(shop.ChannelCode, "online");
        }
    }

    [Fact]
    public async Task Two_nodes_racing_over_pending_withdrawals_query_each_one_once()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add((await merchant.CreateWithdrawalAsync()).Str("id"));
        }

        await using var nodeB = gateway.StartNode("test-node-b");
        gateway.Clock.Advance(TimeSpan.FromSeconds(31));
        var claimed = await Task.WhenAll(RunWorkerAsync(), nodeB.Services.Worker().RunOnceAsync(Ct));

        claimed.Sum().ShouldBeGreaterThanOrEqualTo(ids.Count);
        foreach (var id in ids)
        {
            (await Simulator.PayoutRequestsAsync(id)).ShouldBe((1, 1), $"withdrawal {id}");
        }

        var leases = await gateway.WithDbAsync(db => db.ChannelQueries.AsNoTracking()
            .Where(q => q.Kind == ChannelQueryKind.Withdrawal && ids.Contains(q.OrderId)).Select(q => q.LeaseOwner).ToListAsync(Ct));
        leases.Count.ShouldBe(ids.Count);
        leases.ShouldAllBe(owner => owner == null);
    }

    private Task<WithdrawalOrder> StoredAsync(string id) => gateway.WithDbAsync(db => db.Withdrawals.AsNoTracking().FirstAsync(w => w.Id == id, Ct));

    /// <summary>Moves the clock to the withdrawal's next query and runs the worker's pass; returns the withdrawal and its query row after it.</summary>
    private async Task<(WithdrawalOrder Order, ChannelQuery Row)> NextQueryAsync(string id)
    {
        gateway.Clock.Advance((await gateway.WithdrawalQueryRowAsync(id)).NextQueryAt - gateway.Clock.GetUtcNow());
        await RunWorkerAsync();
        return (await StoredAsync(id), await gateway.WithdrawalQueryRowAsync(id));
    }

    [Fact]
    public async Task A_payout_the_bank_keeps_processing_is_queried_on_the_bank_schedule_then_on_the_configured_one_until_final()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var id = (await merchant.CreateWithdrawalAsync()).Str("id");
        (await gateway.WithdrawalQueryRowAsync(id)).NextQueryAt.ShouldBe(gateway.Clock.GetUtcNow() + BankSchedule[0], TimeSpan.FromSeconds(1));

        var first = await NextQueryAsync(id);
        (first.Order.Status, first.Row.AttemptCount).ShouldBe((WithdrawalStatus.Pending, 1));
        first.Row.NextQueryAt.ShouldBe(gateway.Clock.GetUtcNow() + BankSchedule[1]);

        using (gateway.OverrideSchedule("bank", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7)))
        {
            var second = await NextQueryAsync(id);
            second.Row.AttemptCount.ShouldBe(2);
            second.Row.NextQueryAt.ShouldBe(gateway.Clock.GetUtcNow() + TimeSpan.FromSeconds(7), "the configured schedule's last interval repeats");

            await Simulator.SetBehaviourAsync("bankpayout", id, "lose_callback");
            await Simulator.CompletePayoutAsync(id, "SUCCEEDED");
            var settled = await NextQueryAsync(id);
            (settled.Order.Status, settled.Row.AttemptCount, settled.Row.Status).ShouldBe((WithdrawalStatus.Succeeded, 3, ChannelQueryStatus.Done));
        }

        (await Simulator.PayoutRequestsAsync(id)).ShouldBe((1, 3), "queried three times, never sent again");
    }

    [Fact]
    public async Task A_live_refresh_returns_the_banks_current_state_but_leaves_a_withdrawal_another_node_holds_alone()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var paid = (await merchant.CreateWithdrawalAsync()).Str("id");
        var held = (await merchant.CreateWithdrawalAsync()).Str("id");
        foreach (var id in new[] { paid, held })
        {
            await Simulator.SetBehaviourAsync("bankpayout", id, "lose_callback");
            await Simulator.CompletePayoutAsync(id, "SUCCEEDED");
        }

        (await merchant.GetWithdrawalAsync(paid)).Str("status").ShouldBe("pending", "without refresh the gateway answers what it holds");
        await gateway.WithDbAsync(db => db.ChannelQueries.Where(q => q.Kind == ChannelQueryKind.Withdrawal && q.OrderId == held).ExecuteUpdateAsync(s => s
            .SetProperty(q => q.LeaseOwner, "test-node-busy").SetProperty(q => q.LeaseExpiresAt, gateway.Clock.GetUtcNow().AddMinutes(1)), Ct));

        using var refreshed = await merchant.GetAsync($"/v1/withdrawals/{paid}?refresh=true", Ct);
        using var busy = await merchant.GetAsync($"/v1/withdrawals/{held}?refresh=true", Ct);

        refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refreshed.ReadJsonAsync()).Str("status").ShouldBe("succeeded");
        (await Simulator.PayoutRequestsAsync(paid)).ShouldBe((1, 1));
        var stored = await gateway.WithdrawalQueryRowAsync(paid);
        (stored.Status, stored.LeaseOwner, stored.LeaseExpiresAt).ShouldBe((ChannelQueryStatus.Done, null, null));
        (await gateway.WithDbAsync(db => db.WithdrawalEvents.SingleAsync(e => e.WithdrawalId == paid && e.ToStatus == "succeeded", Ct))).Source.ShouldBe("merchant_refresh");

        (await busy.ReadJsonAsync()).Str("status").ShouldBe("pending");
        (await Simulator.PayoutRequestsAsync(held)).ShouldBe((1, 0), "another node is working on it: the refresh does not ask the bank as well");
        (await gateway.WithdrawalQueryRowAsync(held)).LeaseOwner.ShouldBe("test-node-busy");
    }

    [Fact]
    public async Task A_duplicated_notice_is_applied_once_and_a_forged_one_changes_nothing()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var duplicated = (await merchant.CreateWithdrawalAsync()).Str("id");
        var forged = (await merchant.CreateWithdrawalAsync()).Str("id");
        await Simulator.SetBehaviourAsync("bankpayout", duplicated, "duplicate_callback");
        await Simulator.SetBehaviourAsync("bankpayout", forged, "forged_callback");

        await Simulator.CompletePayoutAsync(duplicated, "SUCCEEDED");
        await Simulator.CompletePayoutAsync(forged, "SUCCEEDED");
        await Api.EventuallyAsync(() => Task.FromResult(Simulator.Callbacks.Attempts(duplicated)), a => a.Count(x => x.Acknowledged) >= 2, "both notices acknowledged");
        var refused = await Api.EventuallyAsync(() => Task.FromResult(Simulator.Callbacks.Attempts(forged)), a => a.Count >= 2, "the bank to resend the refused notice");

        (await merchant.GetWithdrawalAsync(duplicated)).Str("status").ShouldBe("succeeded");
        var effects = await gateway.WithDbAsync(db => db.ChannelCallbacks.Where(c => c.OrderId == duplicated).Select(c => c.Effect).ToListAsync(Ct));
        effects.Order().ShouldBe(["applied", "duplicate"]);
        (await gateway.WithDbAsync(db => db.WebhookDeliveries.CountAsync(d => d.EventType == "withdrawal.succeeded" && d.Payload.Contains(duplicated), Ct))).ShouldBe(1);

        refused.ShouldAllBe(a => a.Forged && !a.Acknowledged);
        (await merchant.GetWithdrawalAsync(forged)).Str("status").ShouldBe("pending");
        var forgedLogs = await gateway.WithDbAsync(db => db.ChannelCallbacks.AsNoTracking().Where(c => c.ChannelAccountId == shop.ChannelAccountId && !c.Verified).ToListAsync(Ct));
        forgedLogs.Count.ShouldBeGreaterThanOrEqualTo(2);
        forgedLogs.ShouldAllBe(l => l.Effect == "rejected");
        (await gateway.WithDbAsync(db => db.WebhookDeliveries.CountAsync(d => d.EventType == "withdrawal.succeeded" && d.Payload.Contains(forged), Ct))).ShouldBe(0);
    }

    [Fact]
    public async Task A_payout_the_payee_bank_returns_after_success_bounces_to_failed_with_withdrawal_returned()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        await Simulator.SetBehaviourAsync("bankpayout", null, "approve", times: 1);

        var paid = await merchant.CreateWithdrawalAsync();
        var id = paid.Str("id");
        await Simulator.CompletePayoutAsync(id, "RETURNED");
        await merchant.StatusBecomesAsync(id, "failed");
        var returned = await merchant.GetWithdrawalAsync(id);

        paid.Str("status").ShouldBe("succeeded");
        returned.GetProperty("failure").Str("code").ShouldBe("withdrawal_returned");
        returned.GetProperty("returned").GetBoolean().ShouldBeTrue();
        returned.GetProperty("succeeded_at").ValueKind.ShouldNotBe(System.Text.Json.JsonValueKind.Null);
        (await WebhooksAsync(id, 2)).Select(w => w.Header("Sluice-Event-Type")).ShouldBe(["withdrawal.succeeded", "withdrawal.failed"], ignoreOrder: true);
        var events = await gateway.WithDbAsync(db => db.WithdrawalEvents.AsNoTracking().Where(e => e.WithdrawalId == id).Select(e => e.Kind).ToListAsync(Ct));
        events.ShouldContain("returned_by_bank");
    }

    [Fact]
    public async Task An_invalid_request_writes_nothing_and_an_idempotency_key_replays_the_first_answer()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        var before = await gateway.WithDbAsync(db => db.Withdrawals.CountAsync(Ct));

        var missing = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(new { merchant_withdrawal_no = "WD-1", amount = 100, currency = "CNY", payee_type = "bank_account", payee_name = "Li Si" }), Ct);
        var badType = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(new { merchant_withdrawal_no = "WD-2", amount = 100, currency = "CNY", payee_type = "cash", payee_account_no = AccountNo, payee_name = "Li Si" }), Ct);
        var negative = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(new { merchant_withdrawal_no = "WD-3", amount = -5, currency = "CNY", payee_type = "bank_account", payee_account_no = AccountNo, payee_name = "Li Si" }), Ct);

        foreach (var (response, code, field) in new[] { (missing, "missing_field", "payee_account_no"), (badType, "invalid_field", "payee_type"), (negative, "invalid_amount", "amount") })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var problem = await response.ReadJsonAsync();
            (problem.Str("code"), problem.Str("field")).ShouldBe((code, field));
        }

        (await gateway.WithDbAsync(db => db.Withdrawals.CountAsync(Ct))).ShouldBe(before);

        var body = WithdrawalRequest();
        using var first = new HttpRequestMessage(HttpMethod.Post, "/v1/withdrawals") { Content = Api.JsonBody(body) };
        first.Headers.Add("Idempotency-Key", "wd-key-" + Guid.NewGuid().ToString("N"));
        using var again = new HttpRequestMessage(HttpMethod.Post, "/v1/withdrawals") { Content = Api.JsonBody(body) };
        again.Headers.Add("Idempotency-Key", first.Headers.GetValues("Idempotency-Key").Single());
        var created = await merchant.SendAsync(first, Ct);
        var replayed = await merchant.SendAsync(again, Ct);

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        replayed.StatusCode.ShouldBe(HttpStatusCode.Created);
        replayed.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await replayed.ReadJsonAsync()).Str("id").ShouldBe((await created.ReadJsonAsync()).Str("id"));
        (await gateway.WithDbAsync(db => db.Withdrawals.CountAsync(Ct))).ShouldBe(before + 1);
    }

    [Fact]
    public async Task The_payee_account_number_is_never_stored_in_plain_text_nor_logged()
    {
        var shop = await ShopAsync();
        using var merchant = gateway.Merchant(shop.ApiKey);
        const string secretAccount = "6217000013579246801";
        var id = (await merchant.CreateWithdrawalAsync(secretAccount)).Str("id");
        await Simulator.CompletePayoutAsync(id, "SUCCEEDED");
        await merchant.StatusBecomesAsync(id, "succeeded");
        await WebhooksAsync(id, 2);

        var stored = await gateway.WithDbAsync(db => db.Withdrawals.AsNoTracking().FirstAsync(w => w.Id == id, Ct));
        stored.PayeeAccountMasked.ShouldBe("***************6801");
        stored.PayeeAccountCiphertext.ShouldNotContain(secretAccount);
        (await gateway.DatabaseTextAsync()).ShouldNotContain(secretAccount);
        gateway.Logs.Lines.ShouldNotContain(l => l.Contains(secretAccount));
        (await Simulator.PayoutRequestsAsync(id)).Creates.ShouldBe(1, "the bank itself did get the number it pays into");
    }
}

public sealed class WithdrawalGatewaySqliteTests(SqliteSimulatedChannelsGateway gateway) : WithdrawalGatewayTests(gateway), IClassFixture<SqliteSimulatedChannelsGateway>;

public sealed class WithdrawalGatewayPostgresTests(PostgresSimulatedChannelsGateway gateway) : WithdrawalGatewayTests(gateway), IClassFixture<PostgresSimulatedChannelsGateway>;
