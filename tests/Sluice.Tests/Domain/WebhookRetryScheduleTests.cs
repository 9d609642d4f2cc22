using Sluice.Webhooks;

namespace Sluice.Tests.Domain;

public class WebhookRetryScheduleTests
{
    [Fact]
    public void Webhook_retries_span_more_than_24_hours_with_growing_delays()
    {
        WebhookRetrySchedule.TotalSpan.ShouldBeGreaterThan(TimeSpan.FromHours(24));
        var delays = Enumerable.Range(1, WebhookRetrySchedule.MaxAttempts - 1).Select(a => WebhookRetrySchedule.DelayAfter(a)!.Value).ToList();
        delays.ShouldBe(delays.Order().ToList());
        WebhookRetrySchedule.DelayAfter(WebhookRetrySchedule.MaxAttempts).ShouldBeNull();
    }
}
