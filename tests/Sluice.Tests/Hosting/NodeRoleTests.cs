using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Server.Channels;
using Sluice.Server.Hosting;
using Sluice.Server.Refunds;
using Sluice.Server.Requery;
using Sluice.Server.Routing;
using Sluice.Server.Webhooks;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Webhooks;
using Sluice.Webhooks;

namespace Sluice.Tests.Hosting;

/// <summary>
/// Node roles (<c>Sluice:Roles</c>): nodes of one gateway, one database, each doing only its share. The suite's own node
/// runs no background loop, so while a test's node runs, what happens to the background work is that node's doing.
/// </summary>
public abstract class NodeRoleTests(GatewayFixture gateway)
{
    private static readonly Type[] WorkerServices =
    [
        typeof(WebhookDispatcherService), typeof(ChannelRequeryService), typeof(RefundOverdueService),
        typeof(LimitReservationSweeperService), typeof(Sluice.Server.Ledger.SettlementWorkerService),
    ];

    private static Dictionary<string, string?> Node(string roles) => new()
    {
        ["Sluice:Roles"] = roles,
        ["Sluice:Workers:Enabled"] = "true",
        ["Sluice:Workers:PollInterval"] = "00:00:00.050",
    };

    private static IReadOnlyList<Type> HostedServices(GatewayNode node) =>
        [.. node.Services.GetServices<IHostedService>().Select(s => s.GetType())];

    /// <summary>An app notifying a receiver of its own, with three webhooks staged (due now) before the node under test starts.</summary>
    private async Task<(WebhookReceiver Receiver, TestApp App, IReadOnlyList<string> Staged)> StagedWebhooksAsync()
    {
        var receiver = await WebhookReceiver.StartAsync();
        var app = await gateway.CreateAppAsync(receiver.Url);
        return (receiver, app, await gateway.StageDeliveriesAsync(app, 3));
    }

    [Fact]
    public async Task An_api_only_node_serves_the_merchant_api_and_never_claims_background_work()
    {
        var (receiver, app, staged) = await StagedWebhooksAsync();
        await using var receiving = receiver;
        await using var apiNode = gateway.StartNode("api-only-node", Node("api"));
        using var merchant = apiNode.Client(app.ApiKey);

        // It serves the merchant API: a payment made on it is pending at the sandbox, with a webhook and a query row due.
        var payment = await merchant.CreatePaymentAsync("ROLE-" + Guid.NewGuid().ToString("N")[..12]);
        payment.Str("status").ShouldBe("pending");
        var loops = HostedServices(apiNode);
        loops.ShouldContain(typeof(ChannelCatalogRefresher));
        loops.Intersect(WorkerServices).ShouldBeEmpty();
        gateway.Logs.Lines.ShouldContain(l => l.Contains("Node api-only-node has roles api (background loops enabled: True)"));

        // Time passes on the node's clock, poll after poll, and real time too for its loops to have had every chance.
        for (var i = 0; i < 20; i++)
        {
            gateway.Clock.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        var deliveries = await gateway.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.AppId == app.Id).ToListAsync());
        deliveries.Count.ShouldBe(staged.Count + 1);   // the staged ones and payment.pending
        deliveries.ShouldAllBe(d => d.Status == WebhookDeliveryStatus.Pending && d.LeaseOwner == null && d.AttemptCount == 0);
        receiver.Received.ShouldBeEmpty();
        var query = await gateway.WithDbAsync(db => db.ChannelQueries.AsNoTracking().SingleAsync(q => q.OrderId == payment.Str("id")));
        query.LeaseOwner.ShouldBeNull();
        query.AttemptCount.ShouldBe(0);
    }

    [Fact]
    public async Task A_webhooks_only_node_serves_no_merchant_or_admin_api_yet_drains_the_webhooks()
    {
        var (receiver, app, staged) = await StagedWebhooksAsync();
        await using var receiving = receiver;
        await using var workerNode = gateway.StartNode("webhooks-only-node", Node("webhooks"));
        using var merchant = workerNode.Client(app.ApiKey);
        using var admin = workerNode.Client(GatewayFixture.AdminToken);
        using var anonymous = workerNode.Client();

        foreach (var response in new[]
                 {
                     await merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("ROLE-" + Guid.NewGuid().ToString("N")[..12]))),
                     await merchant.GetAsync("/v1/payments?merchant_order_no=X"),
                     await merchant.GetAsync("/v1/refunds/ref_x"),
                     await merchant.GetAsync("/v1/withdrawals/wd_x"),
                     await anonymous.PostAsync($"/notify/{gateway.Demo.ChannelAccountId}", Api.JsonBody("{}")),
                     await admin.GetAsync("/admin/api/merchants"),
                 })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, response.RequestMessage!.RequestUri!.ToString());
        }

        (await anonymous.GetAsync("/healthz")).StatusCode.ShouldBe(HttpStatusCode.OK);
        HostedServices(workerNode).Intersect(WorkerServices).ShouldBe([typeof(WebhookDispatcherService)]);

        var deliveries = await Api.EventuallyAsync(
            () => gateway.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => staged.Contains(d.Id)).ToListAsync()),
            ds => ds.All(d => d.Status == WebhookDeliveryStatus.Delivered), "the webhooks node to deliver every staged webhook");
        receiver.Received.Select(r => r.Header("Sluice-Event-Id")).ShouldBe(deliveries.Select(d => d.EventId), ignoreOrder: true);
        var attempts = await gateway.WithDbAsync(db => db.WebhookAttempts.AsNoTracking().Where(a => staged.Contains(a.DeliveryId)).ToListAsync());
        attempts.ShouldAllBe(a => a.NodeId == "webhooks-only-node");
    }

    [Fact]
    public void Roles_are_validated_and_default_to_every_role()
    {
        new NodeRoles([], workersEnabled: true).Names.ShouldBe(NodeRoles.All);
        var roles = new NodeRoles([" API ", "webhooks"], workersEnabled: true);
        roles.Serves(NodeRoles.Api).ShouldBeTrue();
        roles.Serves(NodeRoles.Admin).ShouldBeFalse();
        roles.Runs(NodeRoles.Webhooks).ShouldBeTrue();
        roles.Runs(NodeRoles.Requery).ShouldBeFalse();
        new NodeRoles(["webhooks"], workersEnabled: false).Runs(NodeRoles.Webhooks).ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => new NodeRoles(["api", "reconcile"], workersEnabled: true)).Message.ShouldContain("reconcile");
    }
}

public sealed class NodeRoleSqliteTests(SqliteGateway gateway) : NodeRoleTests(gateway), IClassFixture<SqliteGateway>;

public sealed class NodeRolePostgresTests(PostgresGateway gateway) : NodeRoleTests(gateway), IClassFixture<PostgresGateway>;
