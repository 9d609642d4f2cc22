using Sluice.Tests.Infrastructure;
using Sluice.Webhooks;

namespace Sluice.Tests.Webhooks;

public abstract class WebhookRetryTests(GatewayFixture gateway)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_merchant_that_always_fails_is_retried_with_growing_delays_for_more_than_24_hours_then_the_delivery_fails()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerAlways(500);
        var app = await gateway.CreateAppAsync(receiver.Url);
        var id = (await gateway.StageDeliveriesAsync(app, 1)).Single();

        await gateway.RunDispatcherAsync();
        receiver.Received.Count.ShouldBe(1, "the first attempt is made as soon as the event is staged");

        for (var failed = 1; failed < WebhookRetrySchedule.MaxAttempts; failed++)
        {
            var delivery = await gateway.DeliveryAsync(id);
            delivery.Status.ShouldBe(WebhookDeliveryStatus.Pending);
            var wait = delivery.NextAttemptAt - gateway.Clock.GetUtcNow();
            wait.ShouldBe(WebhookRetrySchedule.DelayAfter(failed)!.Value, $"the wait after failed attempt {failed}");

            // One second early: nothing is sent, however often the dispatcher runs.
            gateway.Clock.Advance(wait - Second);
            await gateway.RunDispatcherAsync();
            await gateway.RunDispatcherAsync();
            receiver.Received.Count.ShouldBe(failed, $"no attempt {failed + 1} before its time");

            gateway.Clock.Advance(Second);
            await gateway.RunDispatcherAsync();
            await gateway.RunDispatcherAsync();
            receiver.Received.Count.ShouldBe(failed + 1, $"attempt {failed + 1} once due, and only once");
        }

        var final = await gateway.DeliveryAsync(id);
        final.Status.ShouldBe(WebhookDeliveryStatus.Failed);
        final.AttemptCount.ShouldBe(WebhookRetrySchedule.MaxAttempts);
        final.LastError.ShouldBe("HTTP 500");
        final.LeaseOwner.ShouldBeNull();

        var attempts = await gateway.AttemptsAsync(id);
        attempts.Select(a => a.AttemptNumber).ShouldBe(Enumerable.Range(1, WebhookRetrySchedule.MaxAttempts));
        attempts.ShouldAllBe(a => a.ResponseStatus == 500 && a.Error == "HTTP 500" && a.NodeId == "test-node-a");
        (attempts[^1].StartedAt - attempts[0].StartedAt).ShouldBeGreaterThan(TimeSpan.FromHours(24));
        var gaps = attempts.Zip(attempts.Skip(1), (a, b) => b.StartedAt - a.StartedAt).ToList();
        gaps.ShouldBe(gaps.Order().ToList(), "back-off delays never shrink");
        gaps[0].ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(1));
        gaps[^1].ShouldBeGreaterThanOrEqualTo(gaps[0] * 100);

        // Every request was the same signed event, numbered by attempt.
        receiver.Received.Select(r => r.Header("Sluice-Delivery-Attempt")).ShouldBe(Enumerable.Range(1, WebhookRetrySchedule.MaxAttempts).Select(n => n.ToString()));
        receiver.Received.Select(r => r.BodyText).Distinct().ShouldHaveSingleItem().ShouldBe(final.Payload);
        receiver.Received.ShouldAllBe(r => WebhookTestKit.VerifySignature(app.WebhookSecret, r.Header("Sluice-Signature"), r.Body) != null);

        // A failed delivery stays failed: no more attempts, however long we wait.
        gateway.Clock.Advance(TimeSpan.FromDays(3));
        await gateway.RunDispatcherAsync();
        receiver.Received.Count.ShouldBe(WebhookRetrySchedule.MaxAttempts);
    }

    [Fact]
    public async Task A_merchant_that_recovers_after_three_failures_gets_the_delivery_marked_delivered_and_no_more_attempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.FailFirst(3, 503);
        var app = await gateway.CreateAppAsync(receiver.Url);
        var id = (await gateway.StageDeliveriesAsync(app, 1)).Single();

        await gateway.RunDispatcherAsync();
        for (var failed = 1; failed <= 3; failed++)
        {
            receiver.Received.Count.ShouldBe(failed);
            gateway.Clock.Advance(WebhookRetrySchedule.DelayAfter(failed)!.Value - Second);
            await gateway.RunDispatcherAsync();
            receiver.Received.Count.ShouldBe(failed, "not before the scheduled delay");
            gateway.Clock.Advance(Second);
            await gateway.RunDispatcherAsync();
        }

        receiver.Received.Count.ShouldBe(4);
        var delivery = await gateway.DeliveryAsync(id);
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Delivered);
        delivery.DeliveredAt.ShouldBe(gateway.Clock.GetUtcNow());
        delivery.AttemptCount.ShouldBe(4);
        delivery.LastError.ShouldBeNull();
        var attempts = await gateway.AttemptsAsync(id);
        attempts.Select(a => (a.AttemptNumber, a.ResponseStatus, a.Error)).ShouldBe(
            [(1, 503, "HTTP 503"), (2, 503, "HTTP 503"), (3, 503, "HTTP 503"), (4, 200, null)]);

        for (var hour = 0; hour < 48; hour++)
        {
            gateway.Clock.Advance(TimeSpan.FromHours(1));
            await gateway.RunDispatcherAsync();
        }

        receiver.Received.Count.ShouldBe(4, "a delivered webhook is not sent again");
        (await gateway.AttemptsAsync(id)).Count.ShouldBe(4);
    }
}

public sealed class SqliteWebhookRetryTests(SqliteGateway gateway) : WebhookRetryTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PostgresWebhookRetryTests(PostgresGateway gateway) : WebhookRetryTests(gateway), IClassFixture<PostgresGateway>;
