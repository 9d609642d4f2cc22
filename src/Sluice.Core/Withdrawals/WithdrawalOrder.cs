using Sluice.Channels;
using Sluice.Channels.Contracts;

namespace Sluice.Withdrawals;

/// <summary>
/// A merchant's request to pay money out to a bank account or a wallet account through one withdrawal channel.
/// The payee's account number is personal data: it is stored only encrypted (<see cref="PayeeAccountCiphertext"/>) plus
/// a masked form for display (<see cref="PayeeAccountMasked"/>), never in plain text.
/// </summary>
public sealed class WithdrawalOrder : ChannelOrder<WithdrawalStatus>, IRoutedOrder
{
    public required string MerchantWithdrawalNo { get; init; }
    public required PayeeAccountType PayeeType { get; init; }

    /// <summary>The payee's account number, encrypted with the gateway's credential protector (AES-256-GCM).</summary>
    public required string PayeeAccountCiphertext { get; init; }

    /// <summary>The account number for display: its last four characters, the rest starred.</summary>
    public required string PayeeAccountMasked { get; init; }

    public required string PayeeName { get; init; }
    public string? BankCode { get; init; }
    public string? Remark { get; init; }

    /// <summary>Set when an operator opened this withdrawal to pay a refund back to the buyer: its outcome moves that refund.</summary>
    public string? RefundId { get; init; }

    /// <summary>Why the withdrawal waits for a channel (while <see cref="WithdrawalStatus.Held"/>).</summary>
    public string? HoldReason { get; set; }

    /// <summary>When a held withdrawal gives up waiting for a channel and fails.</summary>
    public DateTimeOffset? HeldUntil { get; set; }

    public string? ChannelCode { get; set; }
    public string? ChannelAccountId { get; set; }

    /// <summary>The channel's own number for the payout.</summary>
    public string? ChannelReference { get; set; }

    /// <summary>Set when the payee's bank returned a payout that had succeeded (a bounce): the order is failed since.</summary>
    public DateTimeOffset? ReturnedAt { get; set; }

    public DateTimeOffset? SucceededAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }

    /// <summary>
    /// The ledger account the amount was reserved from at request (the merchant's available balance); null for a
    /// refund's pay-back (the refund's reservation covers it) and for a withdrawal requested before the ledger existed.
    /// </summary>
    public Sluice.Ledger.LedgerAccountType? ReservedFrom { get; set; }

    /// <summary>The masked form of an account number: all but the last four characters starred.</summary>
    public static string Mask(string accountNo) =>
        accountNo.Length <= 4 ? new string('*', accountNo.Length) : new string('*', accountNo.Length - 4) + accountNo[^4..];
}

/// <summary>One line of a withdrawal's timeline.</summary>
public sealed class WithdrawalEvent : OrderEvent
{
    public required string WithdrawalId { get; init; }
}
