namespace Sluice.Payments;

public enum PaymentStatus
{
    /// <summary>Accepted by Sluice; the channel has not (yet) confirmed it holds the order.</summary>
    Created,

    /// <summary>The channel holds the order and waits for the payer.</summary>
    Pending,

    /// <summary>Paid. Terminal.</summary>
    Succeeded,

    /// <summary>The channel declined definitively. Terminal.</summary>
    Failed,

    /// <summary>Closed unpaid, at the channel first and then locally. Terminal.</summary>
    Closed,
}

/// <summary>The explicit state machine of a payment order. Terminal states are final.</summary>
public static class PaymentStateMachine
{
    public static bool IsTerminal(PaymentStatus status) =>
        status is PaymentStatus.Succeeded or PaymentStatus.Failed or PaymentStatus.Closed;

    public static bool CanTransition(PaymentStatus from, PaymentStatus to) => (from, to) switch
    {
        (PaymentStatus.Created, PaymentStatus.Pending) => true,
        (PaymentStatus.Created or PaymentStatus.Pending, PaymentStatus.Succeeded) => true,
        (PaymentStatus.Created or PaymentStatus.Pending, PaymentStatus.Failed) => true,
        (PaymentStatus.Created or PaymentStatus.Pending, PaymentStatus.Closed) => true,
        _ => false,
    };

    public static string WireName(PaymentStatus status) => status switch
    {
        PaymentStatus.Created => "created",
        PaymentStatus.Pending => "pending",
        PaymentStatus.Succeeded => "succeeded",
        PaymentStatus.Failed => "failed",
        PaymentStatus.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
