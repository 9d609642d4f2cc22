using Sluice.Channels;

namespace Sluice.Payments;

/// <summary>One line of a payment's timeline: what happened, from which source, and the state it led to.</summary>
public sealed class PaymentEvent : OrderEvent
{
    public required string PaymentId { get; init; }
}
