namespace Sluice.Routing;

/// <summary>
/// The routing decision of one payment, stored with it: the rule set, the chosen channel, and for every channel the
/// filter that dropped it or its score, so "why did this payment go there?" always has an answer.
/// </summary>
public sealed class PaymentRoutingRecord
{
    public required string PaymentId { get; init; }
    public required string RuleSet { get; init; }
    public required string Strategy { get; init; }
    public string? ChosenChannel { get; init; }
    public long CatalogVersion { get; init; }

    /// <summary>The explanation lines as JSON (channel, eligible, dropped_by, reason, score, score_parts, chosen).</summary>
    public required string ExplanationJson { get; init; }

    public DateTimeOffset DecidedAt { get; init; }
}
