using System.Net;
using System.Text.Json;
using Sluice.Data;
using Sluice.Tests.Infrastructure;
using Sluice.Webhooks;

namespace Sluice.Tests.Webhooks;

public abstract class WebhookResendTests(GatewayFixture gateway)
{
    private static readonly int Round = WebhookRetrySchedule.MaxAttempts;

    /// <summary>Runs the dispatcher, moving the clock to each next attempt, until the delivery is no longer pending.</summary>
    private async Task DriveToEndAsync(string id)
    {
        for (var round = 0; round < 100; round++)
        {
            await gateway.RunDispatcherAsync();
            var delivery = await gateway.DeliveryAsync(id);
            if (delivery.Status != WebhookDeliveryStatus.Pending)
            {
                return;
            }

            gateway.Clock.Advance(delivery.NextAttemptAt - gateway.Clock.GetUtcNow());
        }

        throw new ShouldAssertException($"Delivery {id} was still pending after 100 rounds.");
    }

    [Fact]
    public async Task An_operator_resends_a_failed_delivery_and_the_log_shows_every_attempt_numbered_on_from_the_first_round()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst(Round + 1);
        var app = await gateway.CreateAppAsync(receiver.Url);
        var id = (await gateway.StageDeliveriesAsync(app, 1)).Single();
        await DriveToEndAsync(id);
        (await gateway.DeliveryAsync(id)).Status.ShouldBe(WebhookDeliveryStatus.Failed);
        using var admin = gateway.Admin();
        var failedList = await (await admin.GetAsync($"/admin/api/webhooks/deliveries?status=failed&appId={app.Id}")).ReadJsonAsync();
        failedList.EnumerateArray().Select(d => d.Str("id")).ShouldBe([id]);

        var resend = await admin.PostAsync($"/admin/api/webhooks/deliveries/{id}/resend", null);
        var resent = await resend.ReadJsonAsync();

        resend.StatusCode.ShouldBe(HttpStatusCode.OK, resent.ToString());
        resent.Str("status").ShouldBe("pending");
        resent.GetProperty("attempt_count").GetInt32().ShouldBe(Round);
        resent.GetProperty("round_attempt_count").GetInt32().ShouldBe(0);

        // The resend goes out at once. It fails once more, and a new round of the schedule retries it, not before
        // the first delay; then the merchant accepts it.
        await gateway.RunDispatcherAsync();
        receiver.Received.Count.ShouldBe(Round + 1);
        receiver.Received[^1].Header("Sluice-Delivery-Attempt").ShouldBe((Round + 1).ToString());
        var afterResend = await gateway.DeliveryAsync(id);
        afterResend.Status.ShouldBe(WebhookDeliveryStatus.Pending, "a resend gets a whole new round of the schedule");
        afterResend.NextAttemptAt.ShouldBe(gateway.Clock.GetUtcNow() + WebhookRetrySchedule.DelayAfter(1)!.Value);
        gateway.Clock.Advance(WebhookRetrySchedule.DelayAfter(1)!.Value - TimeSpan.FromSeconds(1));
        await gateway.RunDispatcherAsync();
        receiver.Received.Count.ShouldBe(Round + 1);
        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        await gateway.RunDispatcherAsync();
        receiver.Received.Count.ShouldBe(Round + 2);
        receiver.Received[^1].Header("Sluice-Delivery-Attempt").ShouldBe((Round + 2).ToString());
        receiver.Received.Select(r => r.BodyText).Distinct().Count().ShouldBe(1, "a resend is the same event, byte for byte");

        var log = await (await admin.GetAsync($"/admin/api/webhooks/deliveries/{id}")).ReadJsonAsync();
        log.Str("status").ShouldBe("delivered");
        log.GetProperty("attempt_count").GetInt32().ShouldBe(Round + 2);
        log.GetProperty("delivered_at").ValueKind.ShouldBe(JsonValueKind.String);
        var attempts = log.GetProperty("attempts").EnumerateArray().ToList();
        attempts.Select(a => a.GetProperty("attempt_number").GetInt32()).ShouldBe(Enumerable.Range(1, Round + 2));
        attempts.Take(Round + 1).ShouldAllBe(a => a.GetProperty("response_status").GetInt32() == 500);
        attempts[^1].GetProperty("response_status").GetInt32().ShouldBe(200);
        attempts[^1].GetProperty("error").ValueKind.ShouldBe(JsonValueKind.Null);
        attempts.ShouldAllBe(a => a.Str("node_id") == "test-node-a");

        var audit = await (await admin.GetAsync($"/admin/api/audit?entityType=webhook_delivery&entityId={id}")).ReadJsonAsync();
        audit.EnumerateArray().ShouldContain(a => a.Str("action") == "resend");
    }

    [Fact]
    public async Task A_resend_is_refused_while_a_node_holds_the_delivery_and_accepted_once_its_lease_has_expired()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var app = await gateway.CreateAppAsync(receiver.Url);
        var id = (await gateway.StageDeliveriesAsync(app, 1)).Single();
        var lease = gateway.LeaseDuration();
        using var admin = gateway.Admin();
        (await admin.PostAsync("/admin/api/webhooks/deliveries/whd_does_not_exist/resend", null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var claimed = await gateway.WithDbAsync(db =>
            WorkLeases.ClaimAsync(db, WorkLeases.WebhookDeliveries, "busy-node", gateway.Clock.GetUtcNow(), lease, 100, WebhookTestKit.Ct));
        claimed.ShouldContain(id);

        var refused = await admin.PostAsync($"/admin/api/webhooks/deliveries/{id}/resend", null);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.ReadJsonAsync()).Str("code").ShouldBe("concurrent_modification");
        (await gateway.DeliveryAsync(id)).LeaseOwner.ShouldBe("busy-node", "a refused resend leaves the lease alone");

        gateway.Clock.Advance(lease + TimeSpan.FromSeconds(1));
        var accepted = await admin.PostAsync($"/admin/api/webhooks/deliveries/{id}/resend", null);
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK);
        await gateway.RunDispatcherAsync();
        receiver.Received.Count.ShouldBe(1);
        (await gateway.DeliveryAsync(id)).Status.ShouldBe(WebhookDeliveryStatus.Delivered);
    }
}

public sealed class SqliteWebhookResendTests(SqliteGateway gateway) : WebhookResendTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PostgresWebhookResendTests(PostgresGateway gateway) : WebhookResendTests(gateway), IClassFixture<PostgresGateway>;
