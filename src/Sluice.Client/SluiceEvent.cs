using System.Text.Json;

namespace Sluice.Client;

/// <summary>
/// An event: a webhook's body. <see cref="Data"/> is the order as it was when the event fired; read it with
/// <see cref="AsPayment"/>, <see cref="AsRefund"/> or <see cref="AsWithdrawal"/> by the <see cref="Type"/>'s prefix.
/// Events of one order may arrive in any order: a final status is final, a later-arriving <c>pending</c> does not undo it.
/// </summary>
public sealed record SluiceEvent
{
    /// <summary>The event's id (<c>evt_…</c>), the same on every delivery attempt: deduplicate by it.</summary>
    public required string Id { get; init; }

    /// <summary>The event type, e.g. <c>payment.succeeded</c> (see <see cref="SluiceEventTypes"/>).</summary>
    public required string Type { get; init; }

    /// <summary>When the event fired.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The order the event is about, as JSON.</summary>
    public JsonElement Data { get; init; }

    /// <summary>The payment of a <c>payment.*</c> event.</summary>
    /// <returns>The payment, or null for another kind of event.</returns>
    public Payment? AsPayment() => Type.StartsWith("payment.", StringComparison.Ordinal) ? Data.Deserialize<Payment>(SluiceJson.Options) : null;

    /// <summary>The refund of a <c>refund.*</c> event.</summary>
    /// <returns>The refund, or null for another kind of event.</returns>
    public Refund? AsRefund() => Type.StartsWith("refund.", StringComparison.Ordinal) ? Data.Deserialize<Refund>(SluiceJson.Options) : null;

    /// <summary>The withdrawal of a <c>withdrawal.*</c> event.</summary>
    /// <returns>The withdrawal, or null for another kind of event.</returns>
    public Withdrawal? AsWithdrawal() =>
        Type.StartsWith("withdrawal.", StringComparison.Ordinal) ? Data.Deserialize<Withdrawal>(SluiceJson.Options) : null;
}

/// <summary>The event types the gateway sends.</summary>
public static class SluiceEventTypes
{
    /// <summary>The channel took the payment; the payer has not paid yet.</summary>
    public const string PaymentPending = "payment.pending";

    /// <summary>The payment was paid.</summary>
    public const string PaymentSucceeded = "payment.succeeded";

    /// <summary>The payment failed.</summary>
    public const string PaymentFailed = "payment.failed";

    /// <summary>The payment was closed unpaid.</summary>
    public const string PaymentClosed = "payment.closed";

    /// <summary>The channel took the refund.</summary>
    public const string RefundPending = "refund.pending";

    /// <summary>The money went back to the payer.</summary>
    public const string RefundSucceeded = "refund.succeeded";

    /// <summary>The refund failed; its amount is refundable again.</summary>
    public const string RefundFailed = "refund.failed";

    /// <summary>The original route cannot take the refund; operators handle it.</summary>
    public const string RefundException = "refund.exception";

    /// <summary>Operators pay the refund back through a withdrawal.</summary>
    public const string RefundPayingBack = "refund.paying_back";

    /// <summary>Operators settled the refund outside the gateway.</summary>
    public const string RefundClosedOffline = "refund.closed_offline";

    /// <summary>The refund is not final past its channel's refund timeout.</summary>
    public const string RefundOverdue = "refund.overdue";

    /// <summary>The withdrawal waits for a withdrawal channel.</summary>
    public const string WithdrawalHeld = "withdrawal.held";

    /// <summary>The channel took the withdrawal.</summary>
    public const string WithdrawalPending = "withdrawal.pending";

    /// <summary>The payee was paid.</summary>
    public const string WithdrawalSucceeded = "withdrawal.succeeded";

    /// <summary>The withdrawal failed (or the payee's bank returned it).</summary>
    public const string WithdrawalFailed = "withdrawal.failed";
}
