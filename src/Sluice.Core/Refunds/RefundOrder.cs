using Sluice.Channels;
using Sluice.Channels.Contracts;

namespace Sluice.Refunds;

/// <summary>Who bears a refunded amount: the platform or the merchant.</summary>
public enum RefundBearer
{
    Platform,
    Merchant,
}

/// <summary>Whether the goods or service had been delivered when the refund was asked for.</summary>
public enum RefundStage
{
    PreDelivery,
    PostDelivery,
}

/// <summary>
/// A merchant's request to give (part of) a succeeded payment back to the payer, through the payment's own channel
/// account. Its amount is reserved on the payment (<c>refunded_amount</c>) from creation until it fails.
/// </summary>
public sealed class RefundOrder : ChannelOrder<RefundStatus>
{
    public required string PaymentId { get; init; }
    public required string MerchantRefundNo { get; init; }
    public string? Reason { get; init; }
    public RefundBearer Bearer { get; init; }
    public RefundStage Stage { get; init; }

    /// <summary>The original payment's channel account and channel: the refund's route.</summary>
    public required string ChannelAccountId { get; init; }

    public required string ChannelCode { get; init; }

    /// <summary>The payment's merchant order number and notify URL, kept so webhooks and lookups need no join.</summary>
    public required string MerchantOrderNo { get; init; }

    public string? ChannelRefundNo { get; set; }

    /// <summary>Why the refund cannot take its original route (exception state), for operators.</summary>
    public string? ExceptionReason { get; set; }

    /// <summary>
    /// The withdrawal an operator opened to pay the refund back to an account the buyer gave (the latest one; a failed
    /// pay-back returns the refund to the exception queue and a new pay-back replaces it).
    /// </summary>
    public string? PayBackWithdrawalId { get; set; }

    /// <summary>The pay-back payee's account type and masked number (never the full number).</summary>
    public PayeeAccountType? PayBackPayeeType { get; set; }

    public string? PayBackPayeeAccount { get; set; }

    /// <summary>The operator's note when the refund was closed as handled offline, or paid back through a withdrawal.</summary>
    public string? ResolutionNote { get; set; }

    /// <summary>When the refund was flagged overdue (past its channel's refund timeout, or unable to take its route); set once.</summary>
    public DateTimeOffset? OverdueAt { get; set; }

    public DateTimeOffset? RefundedAt { get; set; }

    /// <summary>
    /// The ledger account the refund's amount was reserved from when it was requested (the merchant's pending or
    /// available balance, or the platform's refund expense); null for a refund requested before the ledger existed.
    /// </summary>
    public Sluice.Ledger.LedgerAccountType? ReservedFrom { get; set; }
}

/// <summary>One line of a refund's timeline.</summary>
public sealed class RefundEvent : OrderEvent
{
    public required string RefundId { get; init; }
}

public enum RefundStatus
{
    /// <summary>Stored and its amount reserved; the channel has not been asked yet.</summary>
    Created,

    /// <summary>The channel took it, or its answer is not known yet (re-queried).</summary>
    Pending,

    /// <summary>The money went back to the payer. Terminal.</summary>
    Succeeded,

    /// <summary>The channel refused it definitively; the reserved amount is released. Terminal.</summary>
    Failed,

    /// <summary>The original route is impossible (refund window passed, payer account closed, channel gone): an operator decides.</summary>
    Exception,

    /// <summary>An operator paid it back outside Sluice and closed it with a note. Terminal; the amount stays refunded.</summary>
    ClosedOffline,

    /// <summary>
    /// An operator pays it back through a withdrawal channel to an account the buyer gave; the withdrawal's outcome
    /// decides: succeeded, or back to the exception queue. The amount stays reserved on the payment throughout.
    /// </summary>
    PayingBack,
}

/// <summary>The explicit state machine of a refund. Terminal states are final.</summary>
public static class RefundStateMachine
{
    public static bool IsTerminal(RefundStatus status) =>
        status is RefundStatus.Succeeded or RefundStatus.Failed or RefundStatus.ClosedOffline;

    /// <param name="payBackReturned">
    /// Allows succeeded → exception: the payee's bank returned the pay-back withdrawal that had paid the refund.
    /// </param>
    public static bool CanTransition(RefundStatus from, RefundStatus to, bool payBackReturned = false) => (from, to) switch
    {
        (RefundStatus.Created, RefundStatus.Pending) => true,
        (RefundStatus.Created or RefundStatus.Pending, RefundStatus.Succeeded or RefundStatus.Failed or RefundStatus.Exception) => true,

        // An operator resends an exception refund (it is pending again), or closes it as handled offline.
        (RefundStatus.Exception, RefundStatus.Pending or RefundStatus.ClosedOffline) => true,

        // A late notice or query may still report the channel's final word on a refund in the exception queue.
        (RefundStatus.Exception, RefundStatus.Succeeded) => true,

        // An operator pays it back through a withdrawal channel; the withdrawal pays it, or fails (back to the queue).
        (RefundStatus.Exception, RefundStatus.PayingBack) => true,
        (RefundStatus.PayingBack, RefundStatus.Succeeded or RefundStatus.Exception) => true,
        (RefundStatus.Succeeded, RefundStatus.Exception) => payBackReturned,
        _ => false,
    };

    public static string WireName(RefundStatus status) => status switch
    {
        RefundStatus.Created => "created",
        RefundStatus.Pending => "pending",
        RefundStatus.Succeeded => "succeeded",
        RefundStatus.Failed => "failed",
        RefundStatus.Exception => "exception",
        RefundStatus.ClosedOffline => "closed_offline",
        RefundStatus.PayingBack => "paying_back",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static string WireName(RefundBearer bearer) => bearer == RefundBearer.Platform ? "platform" : "merchant";

    public static string WireName(RefundStage stage) => stage == RefundStage.PreDelivery ? "pre_delivery" : "post_delivery";
}
