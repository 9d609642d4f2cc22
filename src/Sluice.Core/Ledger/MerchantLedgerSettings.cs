namespace Sluice.Ledger;

/// <summary>
/// A merchant's ledger settings, set by an operator. A merchant without a row has the gateway's defaults
/// (<c>Sluice:Ledger</c>): no fee, T+1 in UTC, the configured negative-balance limit.
/// </summary>
public sealed class MerchantLedgerSettings
{
    public required string MerchantId { get; init; }

    /// <summary>The merchant's fee rate in parts per million for payment methods without a rate of their own.</summary>
    public int FeeRatePpm { get; set; }

    /// <summary>N of T+N: a payment settles at the start of the merchant's local day N days after the day it was paid.</summary>
    public int SettlementDelayDays { get; set; } = 1;

    /// <summary>The IANA time zone the merchant's days are counted in.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>How far below zero the merchant's pending or available balance may go, in minor units (0: never).</summary>
    public long NegativeBalanceLimit { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A merchant's fee rate for one payment method (parts per million), over its default rate.</summary>
public sealed class MerchantFeeRate
{
    public required string MerchantId { get; init; }
    public required string PaymentMethod { get; init; }
    public int RatePpm { get; set; }
}

/// <summary>
/// A succeeded payment's money on its way from the merchant's pending balance to available: one row per payment,
/// written with the payment's posting, claimed with a lease when due and settled once (a conditional update).
/// <see cref="PendingAmount"/> follows every posting of this payment on pending (a pre-delivery refund takes from it,
/// its failure gives back), so the settlement moves exactly what is left.
/// </summary>
public sealed class PaymentSettlement
{
    public required string PaymentId { get; init; }
    public required string MerchantId { get; init; }
    public required string Currency { get; init; }
    public long PendingAmount { get; set; }
    public DateTimeOffset DueAt { get; init; }
    public SettlementStatus Status { get; set; }
    public DateTimeOffset? SettledAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}

public enum SettlementStatus
{
    Pending,
    Settled,
}

/// <summary>The one rounding rule of fees: amount × rate / 1 000 000, rounded half up to the minor unit.</summary>
public static class Fees
{
    public static long Of(long amount, int ratePpm)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        ArgumentOutOfRangeException.ThrowIfNegative(ratePpm);
        return (long)(((Int128)amount * ratePpm + 500_000) / 1_000_000);
    }
}
