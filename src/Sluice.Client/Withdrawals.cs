namespace Sluice.Client;

/// <summary>What to ask for in <see cref="SluiceClient.CreateWithdrawalAsync"/> (<c>POST /v1/withdrawals</c>).</summary>
public sealed record CreateWithdrawalRequest
{
    /// <summary>The merchant's own withdrawal number, unique per app.</summary>
    public required string MerchantWithdrawalNo { get; init; }

    /// <summary>The amount in minor units.</summary>
    public required long Amount { get; init; }

    /// <summary>The ISO 4217 currency code.</summary>
    public required string Currency { get; init; }

    /// <summary><c>bank_account</c> or <c>wallet</c>.</summary>
    public required string PayeeType { get; init; }

    /// <summary>The payee's account number (stored encrypted, shown masked).</summary>
    public required string PayeeAccountNo { get; init; }

    /// <summary>The payee's name.</summary>
    public required string PayeeName { get; init; }

    /// <summary>The payee's bank, for bank accounts.</summary>
    public string? BankCode { get; init; }

    /// <summary>A remark for the payee's statement.</summary>
    public string? Remark { get; init; }

    /// <summary>Where this withdrawal's webhooks go instead of the app's notify URL.</summary>
    public Uri? NotifyUrl { get; init; }
}

/// <summary>A withdrawal (payout) as the merchant API shows it.</summary>
public sealed record Withdrawal
{
    /// <summary>
    /// The order's version when a webhook event was sent (in events only, null in API answers): of two events of one
    /// order, the one with the higher version is the later state.
    /// </summary>
    public int? Version { get; init; }

    /// <summary>The gateway's id of the withdrawal (<c>wdr_…</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The merchant's withdrawal number.</summary>
    public required string MerchantWithdrawalNo { get; init; }

    /// <summary>The amount in minor units.</summary>
    public long Amount { get; init; }

    /// <summary>The ISO 4217 currency code.</summary>
    public required string Currency { get; init; }

    /// <summary><c>bank_account</c> or <c>wallet</c>.</summary>
    public string PayeeType { get; init; } = "";

    /// <summary>The payee's account, masked.</summary>
    public string PayeeAccount { get; init; } = "";

    /// <summary>The payee's name.</summary>
    public string PayeeName { get; init; } = "";

    /// <summary>The payee's bank.</summary>
    public string? BankCode { get; init; }

    /// <summary>The remark given.</summary>
    public string? Remark { get; init; }

    /// <summary><c>created</c>, <c>held</c>, <c>pending</c>, <c>succeeded</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Why it is held (no withdrawal channel available yet), while it is.</summary>
    public string? HoldReason { get; init; }

    /// <summary>Until when a held withdrawal waits for a channel before it fails.</summary>
    public DateTimeOffset? HeldUntil { get; init; }

    /// <summary>The channel it was routed to.</summary>
    public string? Channel { get; init; }

    /// <summary>Why it failed, when it did.</summary>
    public Failure? Failure { get; init; }

    /// <summary>Whether the payee's bank returned the money after success.</summary>
    public bool Returned { get; init; }

    /// <summary>The refund this withdrawal pays back, when it is a pay-back.</summary>
    public string? RefundId { get; init; }

    /// <summary>When it was asked for.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it succeeded.</summary>
    public DateTimeOffset? SucceededAt { get; init; }

    /// <summary>When it failed.</summary>
    public DateTimeOffset? FailedAt { get; init; }

    /// <summary>The balance the amount was reserved from.</summary>
    public string? ReservedFrom { get; init; }
}

/// <summary>The merchant's balance in every currency it holds money in.</summary>
public sealed record Balance
{
    /// <summary>The merchant the balance belongs to.</summary>
    public required string MerchantId { get; init; }

    /// <summary>One line per currency.</summary>
    public IReadOnlyList<CurrencyBalance> Balances { get; init; } = [];
}

/// <summary>The balance in one currency.</summary>
/// <param name="Currency">The ISO 4217 currency code.</param>
/// <param name="Pending">Minor units paid but not settled yet.</param>
/// <param name="Available">Minor units settled and withdrawable.</param>
public sealed record CurrencyBalance(string Currency, long Pending, long Available);
