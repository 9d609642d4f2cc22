namespace Sluice.Ledger;

/// <summary>The chart of accounts: every account is one of these, in one currency (and, for some, of one owner).</summary>
public enum LedgerAccountType
{
    /// <summary>Asset, per channel account: what the channel owes the platform for settled payments (or holds pre-funded for payouts).</summary>
    ChannelReceivable,

    /// <summary>Liability, per merchant: paid in, not settled yet (T+N).</summary>
    MerchantPending,

    /// <summary>Liability, per merchant: settled, withdrawable.</summary>
    MerchantAvailable,

    /// <summary>Income: what the platform charges merchants for payments.</summary>
    FeeIncome,

    /// <summary>Expense: what the channels charge the platform for payments.</summary>
    ChannelFeeExpense,

    /// <summary>Liability: refunds reserved from their bearer and not yet paid back by the channel.</summary>
    RefundsInTransit,

    /// <summary>Expense: refunds the platform bears.</summary>
    PlatformRefundExpense,

    /// <summary>Liability: withdrawals taken from a merchant's available balance and not yet paid out.</summary>
    WithdrawalsInTransit,

    /// <summary>Suspense: money whose counterpart is not known (refunds paid outside the gateway, reconciliation breaks).</summary>
    Suspense,
}

/// <summary>
/// One account of the ledger. Its id is its code (<c>merchant_available:mch_1:CNY</c>), so a posting names its account
/// without a lookup. <see cref="Balance"/> is the sum of its postings (debits positive, credits negative), kept by a
/// conditional update in the transaction of every posting; <see cref="Natural"/> shows it on the account's normal side.
/// </summary>
public sealed class LedgerAccount
{
    public required string Id { get; init; }
    public required LedgerAccountType Type { get; init; }

    /// <summary>The merchant (payable accounts) or channel account (receivables) the account belongs to; null for the platform's.</summary>
    public string? OwnerId { get; init; }

    public required string Currency { get; init; }

    /// <summary>Σ postings in minor units, debits positive.</summary>
    public long Balance { get; set; }

    /// <summary>The balance on the account's normal side: a merchant's payable or the fee income positive when it holds money.</summary>
    public long Natural => IsDebitNormal(Type) ? Balance : -Balance;

    public static bool IsDebitNormal(LedgerAccountType type) =>
        type is LedgerAccountType.ChannelReceivable or LedgerAccountType.ChannelFeeExpense or LedgerAccountType.PlatformRefundExpense or LedgerAccountType.Suspense;

    public static string WireName(LedgerAccountType type) => type switch
    {
        LedgerAccountType.ChannelReceivable => "channel_receivable",
        LedgerAccountType.MerchantPending => "merchant_pending",
        LedgerAccountType.MerchantAvailable => "merchant_available",
        LedgerAccountType.FeeIncome => "fee_income",
        LedgerAccountType.ChannelFeeExpense => "channel_fee_expense",
        LedgerAccountType.RefundsInTransit => "refunds_in_transit",
        LedgerAccountType.PlatformRefundExpense => "platform_refund_expense",
        LedgerAccountType.WithdrawalsInTransit => "withdrawals_in_transit",
        LedgerAccountType.Suspense => "suspense",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The code (and id) of an account: <c>{type}[:{owner}]:{currency}</c>.</summary>
    public static string CodeOf(LedgerAccountType type, string? ownerId, string currency) =>
        ownerId is null ? $"{WireName(type)}:{currency}" : $"{WireName(type)}:{ownerId}:{currency}";
}
