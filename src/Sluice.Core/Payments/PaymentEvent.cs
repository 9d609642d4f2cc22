namespace Sluice.Payments;

/// <summary>One line of a payment's timeline: what happened, from which source, and the state it led to.</summary>
public sealed class PaymentEvent
{
    public long Id { get; init; }
    public required string PaymentId { get; init; }
    public required string Kind { get; init; }
    public required string Source { get; init; }
    public string? FromStatus { get; init; }
    public string? ToStatus { get; init; }
    public string? Detail { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
