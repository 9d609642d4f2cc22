namespace Sluice.Withdrawals;

public enum WithdrawalStatus
{
    /// <summary>Routed to a channel account; the channel has not (yet) confirmed it holds the payout.</summary>
    Created,

    /// <summary>No withdrawal channel is available: waits (reason visible) until one is, up to the configured hold time.</summary>
    Held,

    /// <summary>The channel holds the payout (or may: an unknown answer); settled by its notice or a query.</summary>
    Pending,

    /// <summary>Paid out. Terminal, except that the payee's bank may return it (a bounce: then failed).</summary>
    Succeeded,

    /// <summary>Not paid out (declined, hold time exceeded), or returned by the payee's bank after success. Terminal.</summary>
    Failed,
}

/// <summary>
/// The explicit state machine of a withdrawal. Failed is final. Succeeded is final but for one real-world case: the
/// payee's bank returns the credited money days later (a bounce, bank status <c>RETURNED</c>); that moves the order
/// succeeded → failed with <c>withdrawal_returned</c>, records <see cref="WithdrawalOrder.ReturnedAt"/> and sends
/// <c>withdrawal.failed</c> again, so the merchant learns the payee was not paid after all.
/// </summary>
public static class WithdrawalStateMachine
{
    public static bool IsTerminal(WithdrawalStatus status) => status is WithdrawalStatus.Succeeded or WithdrawalStatus.Failed;

    /// <summary>The states the leased worker looks after: held ones are re-routed, created and pending ones queried.</summary>
    public static bool IsOpen(WithdrawalStatus status) => !IsTerminal(status);

    public static bool CanTransition(WithdrawalStatus from, WithdrawalStatus to, bool returnedByBank = false) => (from, to) switch
    {
        (WithdrawalStatus.Created, WithdrawalStatus.Held or WithdrawalStatus.Pending) => true,
        (WithdrawalStatus.Held, WithdrawalStatus.Created) => true,
        (WithdrawalStatus.Created or WithdrawalStatus.Pending, WithdrawalStatus.Succeeded or WithdrawalStatus.Failed) => true,
        (WithdrawalStatus.Held, WithdrawalStatus.Failed) => true,
        (WithdrawalStatus.Succeeded, WithdrawalStatus.Failed) => returnedByBank,
        _ => false,
    };

    public static string WireName(WithdrawalStatus status) => status switch
    {
        WithdrawalStatus.Created => "created",
        WithdrawalStatus.Held => "held",
        WithdrawalStatus.Pending => "pending",
        WithdrawalStatus.Succeeded => "succeeded",
        WithdrawalStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
