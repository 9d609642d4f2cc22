using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Requery;
using Sluice.Server.Webhooks;
using Sluice.Tests.Channels;
using Sluice.Tests.Channels.Alipay;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Webhooks;

namespace Sluice.Tests.Requery;

/// <summary>
/// Supplementary queries (补单) against the simulated Alipay: a payment whose notice is lost, whose create timed out, or
/// whose query answer no rule maps is settled by the worker's scheduled query; an unpaid payment past its expiry is
/// closed at Alipay first, then locally; workers on two nodes never ask about one order at once, and a node that
/// dies mid-work leaves nothing stuck.
/// </summary>
public abstract class PaymentRequeryTests(AlipayGatewayFixture gateway, SimulatorHost simulator)
{
    /// <summary>Alipay's first default interval.</summary>
    private static readonly TimeSpan FirstInterval = ShippedChannels.RequerySchedule("alipay")[0];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChannelRequeryWorker Worker => gateway.Services.GetRequiredService<ChannelRequeryWorker>();

    /// <summary>A worker of another node sharing the database, speaking to the channel through <paramref name="probe"/>.</summary>
    private ChannelRequeryWorker WorkerOfNode(string nodeId, RequeryProbe probe) =>
        ActivatorUtilities.CreateInstance<ChannelRequeryWorker>(gateway.Services, new NodeIdentity(nodeId), probe.Scopes(gateway.Services));

    /// <summary>A merchant with an Alipay account at the simulator, its API client and its webhook receiver.</summary>
    private sealed record Shop(HttpClient Client, WebhookReceiver Receiver) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Receiver.DisposeAsync();
        }
    }

    private async Task<Shop> ShopAsync()
    {
        var merchant = await gateway.NewAlipayMerchantAsync(simulator);
        return new Shop(gateway.Merchant(merchant.ApiKey), merchant.Receiver);
    }

    private static async Task<JsonElement> CreateAsync(HttpClient client, int? expiresInSeconds = null)
    {
        var request = (Dictionary<string, object>)Api.PaymentRequest("RQ-" + Guid.NewGuid().ToString("N")[..12]);
        if (expiresInSeconds is { } seconds)
        {
            request["expires_in_seconds"] = seconds;
        }

        var response = await client.PostAsync("/v1/payments", Api.JsonBody(request), Ct);
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        return body;
    }

    /// <summary>The payer pays in Alipay, and Alipay's notice to the gateway is lost.</summary>
    private async Task PaidWithLostNoticeAsync(string id)
    {
        await simulator.SetBehaviourAsync("alipay", id, "lose_callback");
        await simulator.PayerPaysAsync(id);
        (await simulator.TradeAsync(id)).Str("trade_status").ShouldBe("TRADE_SUCCESS");
    }

    /// <summary>Sends every due webhook (other tests' deliveries may be due before this test's own).</summary>
    private async Task DispatchAllAsync()
    {
        while (await gateway.RunDispatcherAsync() > 0)
        {
            // Until nothing is due.
        }
    }

    private Task<ChannelQuery> QueryRowAsync(string id) =>
        gateway.WithDbAsync(db => db.ChannelQueries.AsNoTracking().SingleAsync(q => q.OrderId == id, Ct));

    private Task<PaymentOrder> StoredAsync(string id) =>
        gateway.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == id, Ct));

    private Task<int> TransitionsToAsync(string id, string status) =>
        gateway.WithDbAsync(db => db.PaymentEvents.CountAsync(e => e.PaymentId == id && e.ToStatus == status, Ct));

    [Fact]
    public async Task A_payment_whose_notice_is_lost_succeeds_by_the_scheduled_query_and_the_merchant_gets_one_webhook()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        var payment = await CreateAsync(client);
        var id = payment.Str("id");
        payment.Str("status").ShouldBe("pending");
        var scheduled = await QueryRowAsync(id);
        scheduled.Status.ShouldBe(ChannelQueryStatus.Pending);
        scheduled.NextQueryAt.ShouldBe(gateway.Clock.GetUtcNow() + FirstInterval, TimeSpan.FromMilliseconds(1));

        await PaidWithLostNoticeAsync(id);
        gateway.Clock.Advance(FirstInterval - TimeSpan.FromSeconds(1));
        await Worker.RunOnceAsync(Ct);
        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Pending, "nothing is asked before the schedule says so");

        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        await Worker.RunOnceAsync(Ct);
        await DispatchAllAsync();

        var paid = await client.GetPaymentAsync(id);
        paid.Str("status").ShouldBe("succeeded");
        var row = await QueryRowAsync(id);
        row.Status.ShouldBe(ChannelQueryStatus.Done);
        row.AttemptCount.ShouldBe(1);
        row.LastResult.ShouldNotBeNull().ShouldContain("TRADE_SUCCESS");
        simulator.Callbacks.Attempts(id).ShouldBeEmpty();
        var hook = receiver.OfType("payment.succeeded").ShouldHaveSingleItem();
        hook.BodyText.ShouldContain(id);

        gateway.Clock.Advance(TimeSpan.FromMinutes(1));
        await Worker.RunOnceAsync(Ct);
        await DispatchAllAsync();
        receiver.Received.Select(r => r.Header("Sluice-Event-Type")).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
        (await TransitionsToAsync(id, "succeeded")).ShouldBe(1);
    }

    [Fact]
    public async Task A_notice_that_settles_the_payment_settles_its_query_in_the_same_stroke()
    {
        await using var shop = await ShopAsync();
        var id = (await CreateAsync(shop.Client)).Str("id");

        await simulator.PayerPaysAsync(id);
        await Api.EventuallyAsync(() => shop.Client.GetPaymentAsync(id), p => p.Str("status") == "succeeded", $"{id} to succeed by the notice");

        var row = await QueryRowAsync(id);
        row.Status.ShouldBe(ChannelQueryStatus.Done);
        row.AttemptCount.ShouldBe(0, "the channel was never asked");
    }

    [Fact]
    public async Task A_payment_whose_create_timed_out_is_found_paid_by_the_query()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        await simulator.SetBehaviourAsync("alipay", null, "timeout", times: 1);

        var payment = await CreateAsync(client);
        var id = payment.Str("id");
        payment.Str("status").ShouldBe("created");
        (await StoredAsync(id)).RawCode.ShouldBe("TIMEOUT");
        (await QueryRowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Pending);

        await PaidWithLostNoticeAsync(id);
        gateway.Clock.Advance(FirstInterval);
        await Worker.RunOnceAsync(Ct);
        await DispatchAllAsync();

        var stored = await StoredAsync(id);
        stored.Status.ShouldBe(PaymentStatus.Succeeded);
        stored.ChannelTradeNo.ShouldBe((await simulator.TradeAsync(id)).Str("trade_no"));
        (await QueryRowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done);
        receiver.OfType("payment.succeeded").ShouldHaveSingleItem().BodyText.ShouldContain(id);
    }

    [Fact]
    public async Task A_payment_its_node_stored_and_died_before_the_channels_answer_is_adopted_and_queried()
    {
        await using var shop = await ShopAsync();
        var id = (await CreateAsync(shop.Client)).Str("id");
        // As if the node had died after Alipay took the order and before the answer was stored.
        await gateway.WithDbAsync(async db =>
        {
            await db.ChannelQueries.Where(q => q.OrderId == id).ExecuteDeleteAsync(Ct);
            return await db.Payments.Where(p => p.Id == id).ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, PaymentStatus.Created), Ct);
        });
        await PaidWithLostNoticeAsync(id);

        gateway.Clock.Advance(ChannelRequeryWorker.OrphanAfter + TimeSpan.FromSeconds(1));
        await Worker.RunOnceAsync(Ct);
        var adopted = await QueryRowAsync(id);
        adopted.Status.ShouldBe(ChannelQueryStatus.Pending);

        gateway.Clock.Advance(adopted.NextQueryAt - gateway.Clock.GetUtcNow());
        await Worker.RunOnceAsync(Ct);

        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await QueryRowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done);
    }

    [Fact]
    public async Task A_query_answer_no_rule_maps_changes_nothing_and_the_order_is_queried_again_on_schedule()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        var id = (await CreateAsync(client)).Str("id");
        var unmapped = "ACQ.SOMETHING_NEW_" + id[^6..];
        await simulator.SetBehaviourAsync("alipay", id, "decline", "49999", unmapped, times: 1);

        gateway.Clock.Advance(FirstInterval);
        await Worker.RunOnceAsync(Ct);

        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Pending);
        var row = await QueryRowAsync(id);
        row.Status.ShouldBe(ChannelQueryStatus.Pending);
        row.AttemptCount.ShouldBe(1);
        row.NextQueryAt.ShouldBe(gateway.Clock.GetUtcNow() + ShippedChannels.RequerySchedule("alipay")[1], TimeSpan.FromMilliseconds(1));
        row.LastResult.ShouldNotBeNull().ShouldContain("unmapped_result_code");
        (await gateway.WithDbAsync(db => db.UnmappedResultCodes.CountAsync(u => u.Protocol == "alipay" && u.RawSubCode == unmapped, Ct))).ShouldBe(1);

        await PaidWithLostNoticeAsync(id);
        gateway.Clock.Advance(ShippedChannels.RequerySchedule("alipay")[1]);
        await Worker.RunOnceAsync(Ct);

        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Succeeded);
        (await QueryRowAsync(id)).AttemptCount.ShouldBe(2);
    }

    [Fact]
    public async Task An_unpaid_payment_past_its_expiry_is_closed_at_alipay_then_locally_and_gives_its_daily_limit_back()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        var id = (await CreateAsync(client, expiresInSeconds: 60)).Str("id");
        (await gateway.WithDbAsync(db => db.LimitReservations.CountAsync(r => r.OrderId == id && r.ReleasedAt == null, Ct))).ShouldBe(1);

        gateway.Clock.Advance(TimeSpan.FromSeconds(60));
        await Worker.RunOnceAsync(Ct);
        await DispatchAllAsync();

        (await simulator.TradeAsync(id)).Str("trade_status").ShouldBe("TRADE_CLOSED");
        var stored = await StoredAsync(id);
        stored.Status.ShouldBe(PaymentStatus.Closed);
        stored.ClosedAt.ShouldNotBeNull();
        (await gateway.WithDbAsync(db => db.LimitReservations.CountAsync(r => r.OrderId == id && r.ReleasedAt == null, Ct))).ShouldBe(0);
        (await QueryRowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done);
        (await gateway.WithDbAsync(db => db.PaymentEvents.SingleAsync(e => e.PaymentId == id && e.ToStatus == "closed", Ct))).Source.ShouldBe("expiry_close");
        receiver.OfType("payment.closed").ShouldHaveSingleItem().BodyText.ShouldContain(id);
    }

    [Fact]
    public async Task A_close_at_expiry_that_finds_the_payment_paid_marks_it_succeeded_instead()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        var id = (await CreateAsync(client, expiresInSeconds: 60)).Str("id");
        await PaidWithLostNoticeAsync(id);

        gateway.Clock.Advance(TimeSpan.FromSeconds(60));
        var probe = new RequeryProbe();
        await WorkerOfNode("test-node-expiry", probe).RunOnceAsync(Ct);
        await DispatchAllAsync();

        probe.CallsFor(id).ShouldBe(2, "a close Alipay refuses as paid, then the query that confirms it");
        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Succeeded);
        // Alipay refuses to close a paid trade (ACQ.TRADE_STATUS_ERROR); its query then says TRADE_SUCCESS.
        (await QueryRowAsync(id)).LastResult.ShouldBe("close 40004/ACQ.TRADE_STATUS_ERROR: failed; query 10000/TRADE_SUCCESS: succeeded");
        (await gateway.WithDbAsync(db => db.LimitReservations.CountAsync(r => r.OrderId == id && r.ReleasedAt == null, Ct))).ShouldBe(1, "a paid order keeps its share of the limit");
        receiver.OfType("payment.succeeded").ShouldHaveSingleItem().BodyText.ShouldContain(id);
    }

    [Fact]
    public async Task A_close_at_expiry_without_alipays_answer_never_closes_locally_and_is_tried_again()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        var id = (await CreateAsync(client, expiresInSeconds: 60)).Str("id");
        await simulator.SetBehaviourAsync("alipay", id, "server_error", times: 2);

        gateway.Clock.Advance(TimeSpan.FromSeconds(60));
        await Worker.RunOnceAsync(Ct);

        // Alipay did close the trade but its answers were lost (5xx): without its word the payment stays open here.
        (await simulator.TradeAsync(id)).Str("trade_status").ShouldBe("TRADE_CLOSED");
        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Pending);
        var row = await QueryRowAsync(id);
        row.Status.ShouldBe(ChannelQueryStatus.Pending);
        row.LastResult.ShouldNotBeNull().ShouldContain("HTTP_5");

        gateway.Clock.Advance(row.NextQueryAt - gateway.Clock.GetUtcNow());
        await Worker.RunOnceAsync(Ct);

        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Closed);
        (await QueryRowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done);
    }

    [Fact]
    public async Task A_live_refresh_on_get_and_the_worker_racing_apply_the_payment_once()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        var id = (await CreateAsync(client)).Str("id");
        await PaidWithLostNoticeAsync(id);
        (await client.GetPaymentAsync(id)).Str("status").ShouldBe("pending", "without refresh the gateway answers what it holds");

        gateway.Clock.Advance(FirstInterval);
        var refreshes = Enumerable.Range(0, 4).Select(_ => client.GetAsync($"/v1/payments/{id}?refresh=true", Ct)).ToList();
        var worker = Worker.RunOnceAsync(Ct);
        var answers = await Task.WhenAll(refreshes);
        await worker;
        await DispatchAllAsync();

        foreach (var answer in answers)
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await answer.ReadJsonAsync()).Str("status").ShouldBe("succeeded");
        }

        (await TransitionsToAsync(id, "succeeded")).ShouldBe(1);
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
        receiver.OfType("payment.succeeded").ShouldHaveSingleItem();
        (await QueryRowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done);
    }

    [Fact]
    public async Task Two_nodes_racing_over_100_due_rows_never_query_one_order_at_once_and_settle_every_one()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        var ids = new List<string>();
        for (var i = 0; i < 100; i++)
        {
            ids.Add((await CreateAsync(client)).Str("id"));
        }

        await Task.WhenAll(ids.Select(PaidWithLostNoticeAsync));
        gateway.Clock.Advance(FirstInterval);

        var probe = new RequeryProbe();
        var workers = new[] { WorkerOfNode("test-node-b", probe), WorkerOfNode("test-node-c", probe) };
        await Task.WhenAll(workers.Select(async w =>
        {
            while (await w.RunOnceAsync(Ct) > 0)
            {
                // Drain, as each node's loop does.
            }
        }));

        probe.Overlaps.ShouldBe(0);
        ids.ShouldAllBe(id => probe.CallsFor(id) == 1);
        var rows = await gateway.WithDbAsync(db => db.ChannelQueries.AsNoTracking().Where(q => ids.Contains(q.OrderId)).ToListAsync(Ct));
        rows.Count.ShouldBe(100);
        rows.ShouldAllBe(r => r.Status == ChannelQueryStatus.Done && r.AttemptCount == 1 && r.LeaseOwner == null);
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => ids.Contains(p.Id) && p.Status == PaymentStatus.Succeeded, Ct))).ShouldBe(100);
        var succeeded = await gateway.WithDbAsync(db => db.WebhookDeliveries.Where(d => d.EventType == "payment.succeeded").Select(d => d.Payload).ToListAsync(Ct));
        ids.ShouldAllBe(id => succeeded.Count(p => p.Contains(id)) == 1);
    }

    [Fact]
    public async Task Rows_a_node_claimed_and_never_finished_are_taken_up_by_another_node_once_the_lease_expires()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var id = (await CreateAsync(client)).Str("id");
            await PaidWithLostNoticeAsync(id);
            ids.Add(id);
        }

        gateway.Clock.Advance(FirstInterval);
        var lease = gateway.LeaseDuration();
        var claimedByTheDead = await gateway.WithDbAsync(db =>
            WorkLeases.ClaimAsync(db, WorkLeases.ChannelQueries, "test-node-dead", gateway.Clock.GetUtcNow(), lease, 1000, Ct));
        var rowIds = (await gateway.WithDbAsync(db => db.ChannelQueries.Where(q => ids.Contains(q.OrderId)).Select(q => q.Id).ToListAsync(Ct)));
        rowIds.ShouldAllBe(r => claimedByTheDead.Contains(r));

        var probe = new RequeryProbe();
        var survivor = WorkerOfNode("test-node-survivor", probe);
        await survivor.RunOnceAsync(Ct);
        ids.ShouldAllBe(id => probe.CallsFor(id) == 0, "a live lease keeps other nodes away");

        gateway.Clock.Advance(lease + TimeSpan.FromSeconds(1));
        await survivor.RunOnceAsync(Ct);

        ids.ShouldAllBe(id => probe.CallsFor(id) == 1);
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => ids.Contains(p.Id) && p.Status == PaymentStatus.Succeeded, Ct))).ShouldBe(3);
        foreach (var rowId in rowIds)
        {
            (await gateway.WithDbAsync(db => WorkLeases.RenewAsync(db, WorkLeases.ChannelQueries, rowId, "test-node-dead", gateway.Clock.GetUtcNow(), lease, Ct)))
                .ShouldBeFalse("the dead node, were it to wake up, must leave the row alone");
        }
    }

    [Fact]
    public async Task A_node_killed_while_its_query_is_at_the_channel_leaves_the_payment_to_another_node_which_settles_it_once()
    {
        await using var shop = await ShopAsync();
        var (client, receiver) = (shop.Client, shop.Receiver);
        var id = (await CreateAsync(client)).Str("id");
        await PaidWithLostNoticeAsync(id);
        // Alipay will sit on the next request about this trade: the doomed node's query.
        await simulator.SetBehaviourAsync("alipay", id, "delay", delayMs: 60_000, times: 1);
        gateway.Clock.Advance(FirstInterval);

        var doomed = gateway.StartNode("test-node-doomed");
        using var stop = new CancellationTokenSource();
        var round = doomed.Services.GetRequiredService<ChannelRequeryWorker>().RunOnceAsync(stop.Token);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(!simulator.Behaviours.All().Any(b => b.OrderId == id && b.Behaviour.Action == Sluice.Simulator.Infrastructure.BehaviourAction.Delay)), TimeSpan.FromSeconds(20));
        (await QueryRowAsync(id)).LeaseOwner.ShouldBe("test-node-doomed", "the query is at Alipay under the doomed node's lease");

        // The node goes down mid-call: its round is cancelled and its host stopped.
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => round);
        await doomed.DisposeAsync();

        var row = await QueryRowAsync(id);
        row.Status.ShouldBe(ChannelQueryStatus.Pending);
        row.AttemptCount.ShouldBe(0, "nothing of the dead node's round was recorded");
        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Pending);

        await Worker.RunOnceAsync(Ct);
        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Pending, "the dead node's lease keeps the row until it expires");

        gateway.Clock.Advance(gateway.LeaseDuration() + TimeSpan.FromSeconds(1));
        await Worker.RunOnceAsync(Ct);
        await DispatchAllAsync();

        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Succeeded);
        row = await QueryRowAsync(id);
        (row.Status, row.AttemptCount, row.LeaseOwner).ShouldBe((ChannelQueryStatus.Done, 1, (string?)null));
        (await TransitionsToAsync(id, "succeeded")).ShouldBe(1);
        receiver.OfType("payment.succeeded").ShouldHaveSingleItem().BodyText.ShouldContain(id);
    }
}

public sealed class PaymentRequerySqliteTests(AlipaySqliteGateway gateway, SimulatorHost simulator)
    : PaymentRequeryTests(gateway, simulator), IClassFixture<AlipaySqliteGateway>, IClassFixture<SimulatorHost>;

public sealed class PaymentRequeryPostgresTests(AlipayPostgresGateway gateway, SimulatorHost simulator)
    : PaymentRequeryTests(gateway, simulator), IClassFixture<AlipayPostgresGateway>, IClassFixture<SimulatorHost>;
