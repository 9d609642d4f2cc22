namespace Sluice.Server.Orders;

/// <summary>
/// A requested state change: the target, who asks (<c>channel_notify</c>, <c>channel_query</c>, <c>operator_resend</c>…)
/// and a detail for the timeline.
/// </summary>
public sealed record Transition<TStatus>(TStatus Target, string Source, string? Detail = null)
    where TStatus : struct, Enum
{
    /// <summary>
    /// A move the state machine allows from several states that this caller means from one only (a channel's
    /// "accepted" moves a created refund to pending, never one a notice already put elsewhere).
    /// </summary>
    public TStatus? OnlyFrom { get; init; }

    /// <summary>Allows the kind's one move out of a terminal state (see <see cref="IOrderKind{TOrder,TStatus}.CanTransition"/>).</summary>
    public bool Exceptional { get; init; }

    /// <summary>The timeline row's kind.</summary>
    public string EventKind { get; init; } = "status_changed";
}

public enum TransitionResult
{
    /// <summary>This call moved the order to the target state.</summary>
    Applied,

    /// <summary>The order was already in the target state (a duplicate or late notice).</summary>
    AlreadyThere,

    /// <summary>The state machine forbids it (e.g. the order is terminal in another state).</summary>
    Refused,
}

/// <summary>What applying a channel's report (an answer, a query, a verified notice) did to an order.</summary>
public enum ReportEffect
{
    /// <summary>The order moved.</summary>
    Applied,

    /// <summary>The order was already where the report puts it.</summary>
    Duplicate,

    /// <summary>The order is elsewhere and may not move there (e.g. terminal in another state).</summary>
    Ignored,

    /// <summary>The report does not move the order (pending, unknown).</summary>
    NoChange,

    /// <summary>No rule of the result-code map knows the channel's code: nothing changed, the code is counted.</summary>
    UnmappedResultCode,

    /// <summary>A success whose amount or currency differs from the order's: not believed.</summary>
    AmountMismatch,

    /// <summary>A refund being paid back through a withdrawal: only that withdrawal settles it.</summary>
    IgnoredPayingBack,
}

/// <summary>A report's effect and the state the order is in afterwards (its wire name).</summary>
public readonly record struct ReportOutcome(ReportEffect Effect, string Status)
{
    /// <summary>The effect as the callback log and the re-query log write it.</summary>
    public string WireName => Effect switch
    {
        ReportEffect.Applied => "applied",
        ReportEffect.Duplicate => "duplicate",
        ReportEffect.Ignored => "ignored_terminal_" + Status,
        ReportEffect.NoChange => "no_change",
        ReportEffect.UnmappedResultCode => "unmapped_result_code",
        ReportEffect.AmountMismatch => "amount_mismatch",
        ReportEffect.IgnoredPayingBack => "ignored_paying_back",
        _ => throw new ArgumentOutOfRangeException(nameof(Effect), Effect, null),
    };

    public override string ToString() => WireName;
}
