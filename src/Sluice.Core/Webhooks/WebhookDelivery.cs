namespace Sluice.Webhooks;

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,

    /// <summary>Every attempt of the retry schedule failed; an operator can resend it.</summary>
    Failed,
}

/// <summary>One event to deliver to one merchant URL: a durable row, claimed with a lease by one node at a time.</summary>
public sealed class WebhookDelivery
{
    public required string Id { get; init; }
    public required string EventId { get; init; }
    public required string EventType { get; init; }
    public required string AppId { get; init; }

    /// <summary>The payment, refund or withdrawal the event is about (the events API filters by it).</summary>
    public string? OrderId { get; init; }

    public required string Url { get; set; }

    /// <summary>The exact JSON body that is signed and sent on every attempt.</summary>
    public required string Payload { get; init; }

    public WebhookDeliveryStatus Status { get; set; }

    /// <summary>Every attempt ever made, across operator resends; the next attempt's number is this plus one.</summary>
    public int AttemptCount { get; set; }

    /// <summary>Attempts made in the current round of the retry schedule; an operator resend starts a new round at zero.</summary>
    public int RoundAttemptCount { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>One HTTP attempt of a delivery, kept for the webhook log.</summary>
public sealed class WebhookAttempt
{
    public long Id { get; init; }
    public required string DeliveryId { get; init; }
    public required int AttemptNumber { get; init; }
    public required string NodeId { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public int? ResponseStatus { get; init; }
    public string? Error { get; init; }
    public long DurationMs { get; init; }
}

/// <summary>Exponential back-off covering more than 24 hours: 11 attempts over about 29.7 hours.</summary>
public static class WebhookRetrySchedule
{
    private static readonly TimeSpan[] Delays =
    [
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4), TimeSpan.FromHours(6),
        TimeSpan.FromHours(8), TimeSpan.FromHours(8),
    ];

    public static int MaxAttempts => Delays.Length + 1;

    /// <summary>The wait after the given failed attempt (1-based), or null when the schedule is exhausted.</summary>
    public static TimeSpan? DelayAfter(int failedAttempt) =>
        failedAttempt >= 1 && failedAttempt <= Delays.Length ? Delays[failedAttempt - 1] : null;

    public static TimeSpan TotalSpan => Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b);
}
