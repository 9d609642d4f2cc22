using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Channels.UnionPay;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Server.Refunds;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;
using Sluice.Tests.Channels;
using Sluice.Tests.Channels.Alipay;
using Sluice.Tests.Channels.WeChatPay;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Refunds;
using Sluice.Tests.Webhooks;
using static Sluice.Tests.Refunds.RefundTestKit;

namespace Sluice.Tests.Requery;

/// <summary>
/// What the refund re-query tests share: a merchant endpoint for webhooks, paid payments at the simulated channels, and
/// looks at refunds, their query rows and their webhooks. Each test class has a gateway of its own, whose clock the tests
/// move ahead of the simulator's real time only so far as the channels' signature windows allow.
/// </summary>
public abstract class RefundRequeryKit(AlipayGatewayFixture gateway, SimulatorHost simulator) : IAsyncLifetime
{
    protected static readonly TimeSpan AlipayFirst = ShippedChannels.RequerySchedule("alipay")[0];
    protected static readonly IReadOnlyList<TimeSpan> WeChatSchedule = ShippedChannels.RequerySchedule("wechatpay-v3");
    protected const string WeChatProtocol = "wechatpay-v3";

    private WebhookReceiver _merchant = null!;

    protected AlipayGatewayFixture Gateway => gateway;

    protected SimulatorHost Simulator => simulator;

    public async ValueTask InitializeAsync()
    {
        gateway.CatchUpWithRealTime();
        _merchant = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await _merchant.DisposeAsync();
        using var client = simulator.Client();
        await client.DeleteAsync("control/behaviours", Ct);
    }

    protected Task<(HttpClient Client, string PaymentId)> AlipayPaidAsync(long amount) => gateway.AlipayPaidAsync(simulator, amount, _merchant.Url);

    protected Task<(HttpClient Client, string PaymentId)> WeChatPaidAsync(long amount) => gateway.WeChatPaidAsync(simulator, amount, _merchant.Url);

    protected Task<RefundOrder> StoredAsync(string refundId) =>
        gateway.WithDbAsync(db => db.Refunds.AsNoTracking().SingleAsync(r => r.Id == refundId, Ct));

    protected Task<ChannelQuery> RowAsync(string refundId) => gateway.QueryRowAsync(ChannelQueryKind.Refund, refundId);

    protected Task<int> TransitionsToAsync(string refundId, string status) =>
        gateway.WithDbAsync(db => db.RefundEvents.CountAsync(e => e.RefundId == refundId && e.ToStatus == status, Ct));

    /// <summary>The webhooks the merchant received about a refund, by event type, after every due one was sent.</summary>
    protected async Task<List<string>> ReceivedAsync(string refundId)
    {
        while (await gateway.RunDispatcherAsync() > 0)
        {
            // Until nothing is due.
        }

        return [.. _merchant.Received.Where(w => w.BodyText.Contains(refundId)).Select(w => w.Header("Sluice-Event-Type")!)];
    }

    protected async Task<string> FinishWeChatRefundAsync(string refundId, string status)
    {
        using var client = simulator.Client();
        using var response = await client.PostAsJsonAsync($"control/wechatpay/refunds/{refundId}/finish", new { status }, Ct);
        ((int)response.StatusCode).ShouldBe(200, await response.Content.ReadAsStringAsync(Ct));
        return status;
    }

    /// <summary><paramref name="count"/> refunds of 100 each that Alipay took but answered with HTTP 500: each is pending with outcome unknown.</summary>
    protected async Task<List<string>> PendingAlipayRefundsAsync(HttpClient client, string paymentId, int count)
    {
        await simulator.SetBehaviourAsync("alipay", paymentId, "server_error", times: count);
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var refund = await client.RefundAsync(paymentId, 100);
            refund.Str("status").ShouldBe("pending");
            ids.Add(refund.Str("id"));
        }

        return ids;
    }
}

/// <summary>
/// Supplementary queries (补单) of refunds against the simulated Alipay: a refund whose answer timed out or came back 5xx
/// stays pending until the scheduled refund query finds it refunded; workers on two gateway hosts never ask about one
/// refund at once and settle each once; a node that dies with claimed rows leaves them to another once the lease
/// expires; a refund left created by a dead node is adopted; a merchant's <c>?refresh=true</c> asks Alipay at once.
/// </summary>
public abstract class RefundRequeryTests(AlipayGatewayFixture gateway, SimulatorHost simulator) : RefundRequeryKit(gateway, simulator)
{
    [Fact]
    public async Task A_refund_whose_answer_timed_out_stays_pending_until_the_scheduled_query_finds_it_refunded_and_the_merchant_gets_one_webhook()
    {
        var (client, paymentId) = await AlipayPaidAsync(5_000);
        using var _ = client;
        await Simulator.SetBehaviourAsync("alipay", paymentId, "timeout", times: 1);

        var refund = await client.RefundAsync(paymentId, 2_000);
        var id = refund.Str("id");

        refund.Str("status").ShouldBe("pending");
        (await StoredAsync(id)).RawCode.ShouldBe("TIMEOUT");
        var row = await RowAsync(id);
        (row.Status, row.Protocol).ShouldBe((ChannelQueryStatus.Pending, "alipay"));
        row.NextQueryAt.ShouldBe(Gateway.Clock.GetUtcNow() + AlipayFirst, TimeSpan.FromSeconds(1));

        Gateway.Clock.Advance(row.NextQueryAt - Gateway.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        await Gateway.RequeryWorker().RunOnceAsync(Ct);
        (await StoredAsync(id)).Status.ShouldBe(RefundStatus.Pending, "nothing is asked before the schedule says so");

        Gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        await Gateway.RequeryWorker().RunOnceAsync(Ct);

        (await client.GetRefundAsync(id)).Str("status").ShouldBe("succeeded");
        row = await RowAsync(id);
        (row.Status, row.AttemptCount).ShouldBe((ChannelQueryStatus.Done, 1));
        row.LastResult.ShouldNotBeNull().ShouldContain("REFUND_SUCCESS");
        (await ReceivedAsync(id)).Count(e => e == "refund.succeeded").ShouldBe(1);

        Gateway.Clock.Advance(TimeSpan.FromMinutes(1));
        await Gateway.RequeryWorker().RunOnceAsync(Ct);
        (await ReceivedAsync(id)).Count(e => e == "refund.succeeded").ShouldBe(1);
        (await TransitionsToAsync(id, "succeeded")).ShouldBe(1);
        (await Gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(2_000);
    }

    [Fact]
    public async Task A_live_refresh_asks_alipay_at_once_by_id_and_by_merchant_refund_number()
    {
        var (client, paymentId) = await AlipayPaidAsync(5_000);
        using var _ = client;
        var ids = await PendingAlipayRefundsAsync(client, paymentId, 2);
        (await client.GetRefundAsync(ids[0])).Str("status").ShouldBe("pending", "without refresh the Gateway answers what it holds");

        using var byId = await client.GetAsync($"/v1/refunds/{ids[0]}?refresh=true", Ct);
        var number = (await StoredAsync(ids[1])).MerchantRefundNo;
        using var byNumber = await client.GetAsync($"/v1/refunds?merchant_refund_no={number}&refresh=true", Ct);

        byId.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await byId.ReadJsonAsync()).Str("status").ShouldBe("succeeded");
        (await byNumber.ReadJsonAsync()).Str("status").ShouldBe("succeeded");
        foreach (var id in ids)
        {
            (await RowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done);
            (await Gateway.WithDbAsync(db => db.RefundEvents.SingleAsync(e => e.RefundId == id && e.ToStatus == "succeeded", Ct))).Source.ShouldBe("merchant_refresh");
            (await ReceivedAsync(id)).Count(e => e == "refund.succeeded").ShouldBe(1);
        }
    }

    [Fact]
    public async Task Two_gateway_hosts_racing_over_60_pending_refunds_never_query_one_refund_at_once_and_settle_each_once()
    {
        var (client, paymentId) = await AlipayPaidAsync(6_001);
        using var _ = client;
        var ids = await PendingAlipayRefundsAsync(client, paymentId, 60);
        Gateway.Clock.Advance(AlipayFirst);

        await using var nodeB = Gateway.StartNode("test-node-b");
        var probe = new RequeryProbe();
        var workers = new[] { Gateway.Services.RequeryWorkerOf("test-node-a", probe), nodeB.Services.RequeryWorkerOf("test-node-b", probe) };
        await Task.WhenAll(workers.Select(w => w.DrainAsync()));

        probe.Overlaps.ShouldBe(0);
        ids.ShouldAllBe(id => probe.CallsFor(id) == 1);
        var rows = await Gateway.WithDbAsync(db => db.ChannelQueries.AsNoTracking().Where(q => ids.Contains(q.OrderId)).ToListAsync(Ct));
        rows.Count.ShouldBe(60);
        rows.ShouldAllBe(r => r.Kind == ChannelQueryKind.Refund && r.Status == ChannelQueryStatus.Done && r.AttemptCount == 1 && r.LeaseOwner == null);
        (await Gateway.WithDbAsync(db => db.Refunds.CountAsync(r => ids.Contains(r.Id) && r.Status == RefundStatus.Succeeded, Ct))).ShouldBe(60);
        var succeeded = await Gateway.WithDbAsync(db => db.WebhookDeliveries.Where(d => d.EventType == "refund.succeeded").Select(d => d.Payload).ToListAsync(Ct));
        ids.ShouldAllBe(id => succeeded.Count(p => p.Contains(id)) == 1);
        (await Gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(6_000);
    }

    [Fact]
    public async Task Refund_rows_a_dead_node_claimed_are_taken_up_by_another_node_once_the_lease_expires()
    {
        var (client, paymentId) = await AlipayPaidAsync(1_000);
        using var _ = client;
        var ids = await PendingAlipayRefundsAsync(client, paymentId, 3);
        Gateway.Clock.Advance(AlipayFirst);
        var lease = Gateway.LeaseDuration();
        var claimedByTheDead = await Gateway.WithDbAsync(db =>
            WorkLeases.ClaimAsync(db, WorkLeases.ChannelQueries, "test-node-dead", Gateway.Clock.GetUtcNow(), lease, 1000, Ct));
        var rowIds = await Gateway.WithDbAsync(db => db.ChannelQueries.Where(q => ids.Contains(q.OrderId)).Select(q => q.Id).ToListAsync(Ct));
        rowIds.ShouldAllBe(r => claimedByTheDead.Contains(r));

        var probe = new RequeryProbe();
        var survivor = Gateway.Services.RequeryWorkerOf("test-node-survivor", probe);
        await survivor.RunOnceAsync(Ct);
        ids.ShouldAllBe(id => probe.CallsFor(id) == 0, "a live lease keeps other nodes away");

        Gateway.Clock.Advance(lease + TimeSpan.FromSeconds(1));
        await survivor.DrainAsync();

        ids.ShouldAllBe(id => probe.CallsFor(id) == 1);
        (await Gateway.WithDbAsync(db => db.Refunds.CountAsync(r => ids.Contains(r.Id) && r.Status == RefundStatus.Succeeded, Ct))).ShouldBe(3);
        foreach (var rowId in rowIds)
        {
            (await Gateway.WithDbAsync(db => WorkLeases.RenewAsync(db, WorkLeases.ChannelQueries, rowId, "test-node-dead", Gateway.Clock.GetUtcNow(), lease, Ct)))
                .ShouldBeFalse("the dead node, were it to wake up, must leave the row alone");
        }
    }

    [Fact]
    public async Task A_host_killed_while_its_refund_query_is_at_alipay_leaves_the_refund_to_another_host_which_settles_it_once()
    {
        var (client, paymentId) = await AlipayPaidAsync(1_000);
        using var _ = client;
        var id = (await PendingAlipayRefundsAsync(client, paymentId, 1))[0];
        // Alipay will sit on the next request about this trade: the doomed host's refund query.
        await Simulator.SetBehaviourAsync("alipay", paymentId, "delay", delayMs: 60_000, times: 1);
        Gateway.Clock.Advance(AlipayFirst);

        var doomed = Gateway.StartNode("test-node-doomed");
        using var stop = new CancellationTokenSource();
        var round = doomed.Services.GetRequiredService<ChannelRequeryWorker>().RunOnceAsync(stop.Token);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(!Simulator.Behaviours.All().Any(b => b.OrderId == paymentId)));
        (await RowAsync(id)).LeaseOwner.ShouldBe("test-node-doomed", "the query is at Alipay under the doomed host's lease");

        // The host goes down mid-call: its round is cancelled and the host stopped.
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => round);
        await doomed.DisposeAsync();
        var row = await RowAsync(id);
        (row.Status, row.AttemptCount).ShouldBe((ChannelQueryStatus.Pending, 0), "nothing of the dead host's round was recorded");

        await Gateway.RequeryWorker().RunOnceAsync(Ct);
        (await StoredAsync(id)).Status.ShouldBe(RefundStatus.Pending, "the dead host's lease keeps the row until it expires");

        Gateway.Clock.Advance(Gateway.LeaseDuration() + TimeSpan.FromSeconds(1));
        await Gateway.RequeryWorker().RunOnceAsync(Ct);

        (await StoredAsync(id)).Status.ShouldBe(RefundStatus.Succeeded);
        row = await RowAsync(id);
        (row.Status, row.AttemptCount, row.LeaseOwner).ShouldBe((ChannelQueryStatus.Done, 1, (string?)null));
        (await TransitionsToAsync(id, "succeeded")).ShouldBe(1);
        (await ReceivedAsync(id)).Count(e => e == "refund.succeeded").ShouldBe(1);
    }

    [Fact]
    public async Task A_refund_its_node_stored_and_died_before_recording_the_answer_is_adopted_and_queried()
    {
        var (client, paymentId) = await AlipayPaidAsync(1_000);
        using var _ = client;
        var id = (await PendingAlipayRefundsAsync(client, paymentId, 1))[0];
        // As if the node had died after Alipay took the refund and before its answer was stored.
        await Gateway.WithDbAsync(async db =>
        {
            await db.ChannelQueries.Where(q => q.OrderId == id).ExecuteDeleteAsync(Ct);
            await db.RefundEvents.Where(e => e.RefundId == id).ExecuteDeleteAsync(Ct);
            return await db.Refunds.Where(r => r.Id == id).ExecuteUpdateAsync(u => u.SetProperty(r => r.Status, RefundStatus.Created), Ct);
        });

        Gateway.Clock.Advance(ChannelRequeryWorker.OrphanAfter + TimeSpan.FromSeconds(1));
        await Gateway.RequeryWorker().RunOnceAsync(Ct);
        var adopted = await RowAsync(id);
        adopted.Status.ShouldBe(ChannelQueryStatus.Pending);

        Gateway.Clock.Advance(adopted.NextQueryAt - Gateway.Clock.GetUtcNow());
        await Gateway.RequeryWorker().RunOnceAsync(Ct);

        (await StoredAsync(id)).Status.ShouldBe(RefundStatus.Succeeded);
        (await RowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done);
        (await TransitionsToAsync(id, "succeeded")).ShouldBe(1);
    }

    [Fact]
    public void Every_adapters_refund_query_answers_resolve_with_the_refund_query_flow_to_the_effect_a_refund_needs()
    {
        var map = Gateway.Services.GetRequiredService<ResultCodeMap>();
        ChannelOutcome Effect(string protocol, string code, string? sub) =>
            ResultCodeMap.Resolve(ResultCodeTable.Empty, map.DefaultsFor(protocol), ChannelFlow.RefundQuery, code, sub).Effect;

        Effect("alipay", "10000", "REFUND_SUCCESS").ShouldBe(ChannelOutcome.Succeeded);
        Effect("alipay", "10000", null).ShouldBe(ChannelOutcome.Failed, "no refund data in the answer: Alipay never took the refund");
        Effect("alipay", "40004", "ACQ.SYSTEM_ERROR").ShouldBe(ChannelOutcome.Unknown);
        Effect("alipay", "40004", "ACQ.SOMETHING_ELSE").ShouldBe(ChannelOutcome.Unknown, "a failed query says nothing about the refund");
        Effect(WeChatProtocol, "SUCCESS", "SUCCESS").ShouldBe(ChannelOutcome.Succeeded);
        Effect(WeChatProtocol, "SUCCESS", "PROCESSING").ShouldBe(ChannelOutcome.Pending);
        Effect(WeChatProtocol, "SUCCESS", "CLOSED").ShouldBe(ChannelOutcome.Failed);
        ResultCodeMap.Resolve(ResultCodeTable.Empty, map.DefaultsFor(WeChatProtocol), ChannelFlow.RefundQuery, "SUCCESS", "ABNORMAL").UnifiedCode
            .ShouldBeOneOf([.. RefundService.OriginalRouteImpossible]);
        Effect(WeChatProtocol, "SYSTEM_ERROR", null).ShouldBe(ChannelOutcome.Unknown);
        Effect("unionpay", UnionPayResultCodes.Success, UnionPayResultCodes.Success).ShouldBe(ChannelOutcome.Succeeded);
        Effect("unionpay", UnionPayResultCodes.Success, UnionPayResultCodes.InProgress.First()).ShouldBe(ChannelOutcome.Pending);
        Effect("unionpay", UnionPayResultCodes.NotFound, null).ShouldBe(ChannelOutcome.Failed);
        Effect("sandbox", "SUCCESS", "SUCCESS").ShouldBe(ChannelOutcome.Succeeded);
        Effect("sandbox", "SUCCESS", "PROCESSING").ShouldBe(ChannelOutcome.Pending);
        Effect("sandbox", "SYSTEM_BUSY", null).ShouldBe(ChannelOutcome.Unknown);
    }
}

/// <summary>
/// Supplementary queries of refunds against the simulated WeChat Pay, which accepts a refund as PROCESSING and settles
/// it later: a lost notice, a refund that stays processing (asked again on the protocol's schedule or the configured
/// one), one that ends CLOSED (failed, its amount refundable again) or ABNORMAL (the exception queue).
/// </summary>
public abstract class WeChatRefundRequeryTests(AlipayGatewayFixture Gateway, SimulatorHost Simulator) : RefundRequeryKit(Gateway, Simulator)
{
    [Fact]
    public async Task A_wechat_refund_whose_notice_is_lost_is_settled_by_the_query_on_wechats_schedule()
    {
        var (client, paymentId) = await WeChatPaidAsync(3_000);
        using var _ = client;
        await Simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, null, "lose_callback", times: 1);

        var refund = await client.RefundAsync(paymentId, 1_200);
        var id = refund.Str("id");

        refund.Str("status").ShouldBe("pending", "WeChat Pay accepts a refund as PROCESSING; its SUCCESS notice is lost");
        var row = await RowAsync(id);
        row.NextQueryAt.ShouldBe(Gateway.Clock.GetUtcNow() + WeChatSchedule[0], TimeSpan.FromSeconds(1));

        Gateway.Clock.Advance(row.NextQueryAt - Gateway.Clock.GetUtcNow());
        await Gateway.RequeryWorker().RunOnceAsync(Ct);

        var stored = await StoredAsync(id);
        (stored.Status, stored.RawCode, stored.RawSubCode).ShouldBe((RefundStatus.Succeeded, "SUCCESS", "SUCCESS"));
        (await RowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done);
        (await Gateway.CallbacksForAsync(id)).ShouldBeEmpty("the notice never reached the Gateway");
        (await ReceivedAsync(id)).ShouldBe(["refund.pending", "refund.succeeded"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_refund_wechat_keeps_processing_is_asked_again_on_the_protocols_schedule_or_the_configured_one_and_a_closed_refund_fails_and_frees_its_amount()
    {
        var (client, paymentId) = await WeChatPaidAsync(4_000);
        using var _ = client;
        await Simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, null, "decline", code: "PROCESSING", times: 1);
        var id = (await client.RefundAsync(paymentId, 4_000)).Str("id");
        var row = await RowAsync(id);

        // Default schedule: 10 s, then 15 s.
        Gateway.Clock.Advance(row.NextQueryAt - Gateway.Clock.GetUtcNow());
        await Gateway.RequeryWorker().RunOnceAsync(Ct);
        row = await RowAsync(id);
        (row.Status, row.AttemptCount).ShouldBe((ChannelQueryStatus.Pending, 1));
        row.NextQueryAt.ShouldBe(Gateway.Clock.GetUtcNow() + WeChatSchedule[1], TimeSpan.FromMilliseconds(1));
        row.LastResult.ShouldNotBeNull().ShouldContain("PROCESSING");
        (await StoredAsync(id)).Status.ShouldBe(RefundStatus.Pending);

        // An operator configures Sluice:Requery:Schedules:wechatpay-v3 = [4 s, 6 s]: the next interval is its second, repeating.
        using (Gateway.OverrideSchedule(WeChatProtocol, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(6)))
        {
            Gateway.Clock.Advance(WeChatSchedule[1]);
            await Gateway.RequeryWorker().RunOnceAsync(Ct);
            row = await RowAsync(id);
            row.AttemptCount.ShouldBe(2);
            row.NextQueryAt.ShouldBe(Gateway.Clock.GetUtcNow() + TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(1));

            Gateway.Clock.Advance(TimeSpan.FromSeconds(6));
            await Gateway.RequeryWorker().RunOnceAsync(Ct);
            row = await RowAsync(id);
            row.AttemptCount.ShouldBe(3);
            row.NextQueryAt.ShouldBe(Gateway.Clock.GetUtcNow() + TimeSpan.FromSeconds(6), TimeSpan.FromMilliseconds(1));

            // WeChat Pay closes the refund; its notice is lost. The next query finds it CLOSED.
            await Simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, id, "lose_callback", times: 1);
            await FinishWeChatRefundAsync(id, "CLOSED");
            Gateway.Clock.Advance(TimeSpan.FromSeconds(6));
            await Gateway.RequeryWorker().RunOnceAsync(Ct);
        }

        var failed = await client.GetRefundAsync(id);
        failed.Str("status").ShouldBe("failed");
        failed.GetProperty("failure").Str("code").ShouldBe("order_closed");
        (await RowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done);
        (await Gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(0, "a failed refund gives its amount back");
        (await ReceivedAsync(id)).Count(e => e == "refund.failed").ShouldBe(1);
        var again = await client.RefundAsync(paymentId, 4_000);
        await Api.EventuallyAsync(() => client.GetRefundAsync(again.Str("id")), r => r.Str("status") == "succeeded", "the full refund made again");
    }

    [Fact]
    public async Task A_refund_the_query_finds_abnormal_at_wechat_enters_the_exception_queue_as_at_create()
    {
        var (client, paymentId) = await WeChatPaidAsync(2_000);
        using var _ = client;
        await Simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, null, "decline", code: "PROCESSING", times: 1);
        var id = (await client.RefundAsync(paymentId, 800)).Str("id");
        await Simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, id, "lose_callback", times: 1);
        await FinishWeChatRefundAsync(id, "ABNORMAL");

        Gateway.Clock.Advance((await RowAsync(id)).NextQueryAt - Gateway.Clock.GetUtcNow());
        await Gateway.RequeryWorker().RunOnceAsync(Ct);

        var stored = await StoredAsync(id);
        (stored.Status, stored.ResultCode).ShouldBe((RefundStatus.Exception, "refund_abnormal"));
        stored.ExceptionReason.ShouldStartWith("refund_abnormal");
        (await RowAsync(id)).Status.ShouldBe(ChannelQueryStatus.Done, "an exception refund waits for an operator, not for the channel");
        (await Gateway.AdminGetAsync("/admin/api/refunds/exceptions")).EnumerateArray().ShouldContain(r => r.GetProperty("refund").Str("id") == id);
        (await Gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(800);
        (await ReceivedAsync(id)).Count(e => e == "refund.exception").ShouldBe(1);

        // An operator resends it; WeChat Pay's answer is lost (5xx): pending again, and its query row is reopened.
        await Simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, id, "server_error", times: 1);
        using var admin = Gateway.Admin();
        using var resent = await admin.PostAsync($"/admin/api/refunds/{id}/resend", null, Ct);
        resent.StatusCode.ShouldBe(HttpStatusCode.OK, await resent.Content.ReadAsStringAsync(Ct));
        (await StoredAsync(id)).Status.ShouldBe(RefundStatus.Pending);
        var reopened = await RowAsync(id);
        (reopened.Status, reopened.AttemptCount).ShouldBe((ChannelQueryStatus.Pending, 0));
        reopened.NextQueryAt.ShouldBe(Gateway.Clock.GetUtcNow() + WeChatSchedule[0], TimeSpan.FromSeconds(1));
    }
}

public sealed class RefundRequerySqliteTests(AlipaySqliteGateway gateway, SimulatorHost simulator)
    : RefundRequeryTests(gateway, simulator), IClassFixture<AlipaySqliteGateway>, IClassFixture<SimulatorHost>;

public sealed class RefundRequeryPostgresTests(AlipayPostgresGateway gateway, SimulatorHost simulator)
    : RefundRequeryTests(gateway, simulator), IClassFixture<AlipayPostgresGateway>, IClassFixture<SimulatorHost>;

public sealed class WeChatRefundRequerySqliteTests(AlipaySqliteGateway gateway, SimulatorHost simulator)
    : WeChatRefundRequeryTests(gateway, simulator), IClassFixture<AlipaySqliteGateway>, IClassFixture<SimulatorHost>;

public sealed class WeChatRefundRequeryPostgresTests(AlipayPostgresGateway gateway, SimulatorHost simulator)
    : WeChatRefundRequeryTests(gateway, simulator), IClassFixture<AlipayPostgresGateway>, IClassFixture<SimulatorHost>;
