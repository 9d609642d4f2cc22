using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Server.Webhooks;
using Sluice.Tests.Infrastructure;
using Sluice.Webhooks;

namespace Sluice.Tests.Webhooks;

/// <summary>
/// Two stateless nodes of one gateway on one database, as behind a load balancer: an order created on either is one
/// order, a notice on either is applied once, and every webhook event leaves exactly once whichever nodes run.
/// </summary>
public abstract class MultiNodeTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Two_nodes_share_orders_callbacks_and_webhooks_without_doing_anything_twice()
    {
        await using var nodeB = gateway.StartNode("test-node-b");
        await using var receiver = await WebhookReceiver.StartAsync();
        var app = await gateway.CreateAppAsync(receiver.Url);
        using var onA = gateway.Merchant(app.ApiKey);
        using var onB = nodeB.Client(app.ApiKey);

        // One order number raced through both nodes is one order.
        var raced = "MN-" + Guid.NewGuid().ToString("N")[..12];
        var race = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            (i % 2 == 0 ? onA : onB).PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest(raced, 990)))));
        race.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        race.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.OK);
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == raced))).ShouldBe(1);

        // Orders created on both nodes, each paid; node B reads what node A wrote and the other way round.
        var payments = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var created = await (i % 2 == 0 ? onA : onB).CreatePaymentAsync("MN-" + Guid.NewGuid().ToString("N")[..12], 1000 + i);
            await onA.PayOnCashierAsync(created);
            payments.Add(created.Str("id"));
        }

        foreach (var id in payments)
        {
            await Api.EventuallyAsync(() => onB.GetPaymentAsync(id), p => p.Str("status") == "succeeded", $"{id} to succeed, seen from node B");
        }

        // Both nodes dispatch at once, round after round, until nothing is due.
        var dispatchers = new[] { gateway.Services.GetRequiredService<WebhookDispatcher>(), nodeB.Services.GetRequiredService<WebhookDispatcher>() };
        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(dispatchers.Select(d => d.RunOnceAsync(CancellationToken.None)));
        }

        // Each paid payment announced twice (pending, succeeded), the raced one once (pending); each event delivered once.
        var events = receiver.Received.Select(r => r.Header("Sluice-Event-Id")).ToList();
        events.Count.ShouldBe(2 * payments.Count + 1);
        events.Distinct().Count().ShouldBe(events.Count);
        receiver.OfType("payment.succeeded").Count.ShouldBe(payments.Count);
        var deliveries = await gateway.WithDbAsync(db => db.WebhookDeliveries.Where(d => d.AppId == app.Id).ToListAsync());
        deliveries.ShouldAllBe(d => d.Status == WebhookDeliveryStatus.Delivered && d.AttemptCount == 1);
        var attemptsPerDelivery = await gateway.WithDbAsync(db => db.WebhookAttempts
            .Where(a => deliveries.Select(d => d.Id).Contains(a.DeliveryId)).GroupBy(a => a.DeliveryId).Select(g => g.Count()).ToListAsync());
        attemptsPerDelivery.ShouldAllBe(n => n == 1);
    }
}

public sealed class MultiNodeSqliteTests(SqliteGateway gateway) : MultiNodeTests(gateway), IClassFixture<SqliteGateway>;

public sealed class MultiNodePostgresTests(PostgresGateway gateway) : MultiNodeTests(gateway), IClassFixture<PostgresGateway>;
