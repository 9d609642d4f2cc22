namespace Sluice.Ledger;

/// <summary>
/// One journal entry: the postings of one money movement, written in the transaction of the state change that caused
/// it. Immutable: a correction is a reversing entry. <see cref="IdempotencyKey"/> is unique (one entry per order
/// event, e.g. <c>payment:pay_1:succeeded</c>), so posting the same event twice is impossible.
/// </summary>
public sealed class JournalEntry
{
    /// <summary>The entry's number, in the order entries were written (the cursor of the journal's pages).</summary>
    public long Id { get; init; }

    public required string IdempotencyKey { get; init; }

    /// <summary>What happened, e.g. <c>payment_succeeded</c>, <c>refund_requested</c>, <c>settlement</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The order the movement belongs to: payment, refund or withdrawal.</summary>
    public required string OrderKind { get; init; }

    public required string OrderId { get; init; }
    public string? MerchantId { get; init; }
    public required string Currency { get; init; }
    public string? Memo { get; init; }
    public DateTimeOffset PostedAt { get; init; }

    public List<JournalPosting> Postings { get; init; } = [];
}

/// <summary>One line of an entry: an amount (debits positive, credits negative) on one account.</summary>
public sealed class JournalPosting
{
    public long Id { get; init; }
    public long EntryId { get; set; }
    public required string AccountId { get; init; }
    public required long Amount { get; init; }
    public required string Currency { get; init; }
}
