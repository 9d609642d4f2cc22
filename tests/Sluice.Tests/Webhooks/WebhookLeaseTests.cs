using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Tests.Infrastructure;
using Sluice.Webhooks;

namespace Sluice.Tests.Webhooks;

public abstract class WebhookLeaseTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Three_nodes_dispatching_concurrently_send_every_delivery_exactly_once_and_log_one_attempt_each()
    {
        const int Deliveries = 200;
        await using var receiver = await WebhookReceiver.StartAsync();
        var app = await gateway.CreateAppAsync(receiver.Url);
        var ids = await gateway.StageDeliveriesAsync(app, Deliveries);
        var nodes = new[] { gateway.Dispatcher(), gateway.DispatcherOfNode("test-node-b"), gateway.DispatcherOfNode("test-node-c") };

        // Every node keeps running rounds, all at the same time, until each has seen several empty rounds in a row.
        using var start = new SemaphoreSlim(0);
        var loops = nodes.Select(node => Task.Run(async () =>
        {
            await start.WaitAsync(WebhookTestKit.Ct);
            for (var idle = 0; idle < 3;)
            {
                idle = await node.RunOnceAsync(WebhookTestKit.Ct) == 0 ? idle + 1 : 0;
            }
        })).ToList();
        start.Release(nodes.Length);
        await Task.WhenAll(loops);

        var requests = receiver.Received;
        var deliveries = await gateway.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.AppId == app.Id).ToListAsync());
        var attempts = await gateway.WithDbAsync(db => db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync());

        requests.Count.ShouldBe(Deliveries, "one POST per delivery, no double sends");
        requests.Select(r => r.Header("Sluice-Event-Id")).Distinct().Count().ShouldBe(Deliveries);
        deliveries.Select(d => d.EventId).Order().ShouldBe(requests.Select(r => r.Header("Sluice-Event-Id")!).Order());
        deliveries.ShouldAllBe(d => d.Status == WebhookDeliveryStatus.Delivered && d.AttemptCount == 1 && d.LeaseOwner == null);
        attempts.Count.ShouldBe(Deliveries, "one attempt row per delivery");
        attempts.GroupBy(a => a.DeliveryId).ShouldAllBe(g => g.Count() == 1 && g.Single().AttemptNumber == 1 && g.Single().ResponseStatus == 200);
        attempts.Select(a => a.NodeId).Distinct().ShouldBeSubsetOf(["test-node-a", "test-node-b", "test-node-c"]);
        attempts.Select(a => a.NodeId).Distinct().Count().ShouldBeGreaterThan(1, "the nodes really did compete for the work");
    }

    [Fact]
    public async Task A_delivery_claimed_by_a_node_that_died_is_taken_over_once_its_lease_has_expired_and_not_before()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var app = await gateway.CreateAppAsync(receiver.Url);
        var id = (await gateway.StageDeliveriesAsync(app, 1)).Single();
        var lease = gateway.LeaseDuration();

        // A node claims the delivery and dies before sending it.
        var claimed = await gateway.WithDbAsync(db =>
            WorkLeases.ClaimAsync(db, WorkLeases.WebhookDeliveries, "node-that-died", gateway.Clock.GetUtcNow(), lease, 100, WebhookTestKit.Ct));
        claimed.ShouldContain(id);
        var survivor = gateway.DispatcherOfNode("test-node-b");

        await survivor.RunOnceAsync(WebhookTestKit.Ct);
        gateway.Clock.Advance(lease - TimeSpan.FromSeconds(1));
        await survivor.RunOnceAsync(WebhookTestKit.Ct);
        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        await survivor.RunOnceAsync(WebhookTestKit.Ct);
        receiver.Received.ShouldBeEmpty("the lease is still held until it has expired");
        (await gateway.DeliveryAsync(id)).LeaseOwner.ShouldBe("node-that-died");

        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        await survivor.RunOnceAsync(WebhookTestKit.Ct);

        receiver.Received.Count.ShouldBe(1);
        var attempt = (await gateway.AttemptsAsync(id)).ShouldHaveSingleItem();
        attempt.NodeId.ShouldBe("test-node-b");
        attempt.AttemptNumber.ShouldBe(1);
        var delivery = await gateway.DeliveryAsync(id);
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Delivered);
        delivery.LeaseOwner.ShouldBeNull();
        delivery.LeaseExpiresAt.ShouldBeNull();
    }

    [Fact]
    public async Task A_merchant_that_hangs_is_given_up_on_well_before_the_lease_expires_and_the_attempt_is_logged_as_a_timeout()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var app = await gateway.CreateAppAsync(receiver.Url);
        var id = (await gateway.StageDeliveriesAsync(app, 1)).Single();
        var lease = gateway.LeaseDuration();
        var arrived = receiver.HoldNextRequest();

        var round = gateway.RunDispatcherAsync();
        await arrived.WaitAsync(TimeSpan.FromSeconds(10), WebhookTestKit.Ct);

        // While the request is in flight the delivery is leased: another node cannot take it.
        await gateway.DispatcherOfNode("test-node-b").RunOnceAsync(WebhookTestKit.Ct);
        receiver.Received.Count.ShouldBe(1);
        var leased = await gateway.DeliveryAsync(id);
        leased.LeaseOwner.ShouldBe("test-node-a");
        leased.LeaseExpiresAt.ShouldBe(gateway.Clock.GetUtcNow() + lease);

        // Half the lease later (by the gateway's clock) the request is abandoned, so it can never outlive the lease.
        // The real-time bound only keeps a broken gateway from hanging the test.
        gateway.Clock.Advance(lease / 2);
        await round.WaitAsync(TimeSpan.FromSeconds(5), WebhookTestKit.Ct);

        var attempt = (await gateway.AttemptsAsync(id)).ShouldHaveSingleItem();
        attempt.Error.ShouldBe("timeout");
        attempt.ResponseStatus.ShouldBeNull();
        attempt.NodeId.ShouldBe("test-node-a");
        var delivery = await gateway.DeliveryAsync(id);
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Pending);
        delivery.LeaseOwner.ShouldBeNull();
        delivery.NextAttemptAt.ShouldBe(gateway.Clock.GetUtcNow() + WebhookRetrySchedule.DelayAfter(1)!.Value);
        receiver.Release();
    }

    [Fact]
    public async Task A_hanging_merchant_does_not_hold_up_the_other_deliveries_of_the_round()
    {
        await using var slow = await WebhookReceiver.StartAsync();
        await using var fast = await WebhookReceiver.StartAsync();
        var slowApp = await gateway.CreateAppAsync(slow.Url);
        var fastApp = await gateway.CreateAppAsync(fast.Url);
        await gateway.StageDeliveriesAsync(slowApp, 1);
        await gateway.StageDeliveriesAsync(fastApp, 3);
        var arrived = slow.HoldNextRequest();

        var round = gateway.RunDispatcherAsync();
        await arrived.WaitAsync(TimeSpan.FromSeconds(10), WebhookTestKit.Ct);

        await Api.EventuallyAsync(() => Task.FromResult(fast.Received.Count), n => n == 3, "the other merchant's deliveries while one merchant hangs");
        round.IsCompleted.ShouldBeFalse("the hanging request is still in flight");
        gateway.Clock.Advance(gateway.LeaseDuration() / 2);
        await round.WaitAsync(TimeSpan.FromSeconds(5), WebhookTestKit.Ct);
        slow.Release();
    }
}

public sealed class SqliteWebhookLeaseTests(SqliteGateway gateway) : WebhookLeaseTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PostgresWebhookLeaseTests(PostgresGateway gateway) : WebhookLeaseTests(gateway), IClassFixture<PostgresGateway>;
