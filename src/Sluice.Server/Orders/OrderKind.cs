using Sluice.Channels;
using Sluice.Payments;

namespace Sluice.Server.Orders;

/// <summary>
/// What the order kernel needs to know about one kind of order (payment, refund, withdrawal): its state machine, the
/// names it goes by on the wire, its timeline rows and the data of its webhooks. One implementation per kind, in the
/// kind's feature folder; every mechanism (compare-and-set, timeline, outbox, hooks, re-query) is the kernel's.
/// </summary>
public interface IOrderKind<in TOrder, TStatus>
    where TOrder : ChannelOrder<TStatus>
    where TStatus : struct, Enum
{
    /// <summary>The kind's name: the prefix of its webhook types (<c>payment.succeeded</c>) and of its log lines.</summary>
    string Name { get; }

    /// <summary>The kind of this order's <c>channel_queries</c> rows.</summary>
    ChannelQueryKind QueryKind { get; }

    /// <summary>
    /// Whether the state machine allows the move. <paramref name="exceptional"/> allows the one move out of a terminal
    /// state each kind may have (a payee's bank returning a payout, a returned pay-back reopening its refund).
    /// </summary>
    bool CanTransition(TStatus from, TStatus to, bool exceptional);

    string WireName(TStatus status);

    /// <summary>Whether reaching <paramref name="status"/> is the merchant's news (a webhook is staged).</summary>
    bool Announces(TStatus status);

    /// <summary>Whether reaching <paramref name="status"/> ends the order's supplementary queries.</summary>
    bool EndsQueries(TStatus status);

    /// <summary>A timeline row of this kind (each kind keeps its own table).</summary>
    OrderEvent NewEvent(string orderId, string kind, string source, string? fromStatus, string? toStatus, string? detail, DateTimeOffset at);

    /// <summary>The <c>data</c> of this order's webhooks: the event-data contract, never the API view itself.</summary>
    object EventData(TOrder order);
}

/// <summary>
/// Runs inside the transaction of a state change the kernel applied, after the order's compare-and-set succeeded and
/// before it commits: e.g. release a daily-limit reservation, give a refund's amount back, follow a pay-back. A hook
/// that throws rolls the whole change back.
/// </summary>
public interface IOrderTransitionHook<in TOrder, TStatus>
    where TOrder : ChannelOrder<TStatus>
    where TStatus : struct, Enum
{
    /// <summary>Whether a move of <paramref name="order"/> to <paramref name="target"/> needs this hook (decides whether a transaction is opened).</summary>
    bool AppliesTo(TOrder order, TStatus target);

    Task OnAppliedAsync(Sluice.Data.SluiceDbContext db, TOrder order, StateChange<TStatus> change, CancellationToken ct);
}

/// <summary>A state change the kernel applied: from, to, and whether it was the kind's exceptional move.</summary>
public readonly record struct StateChange<TStatus>(TStatus From, TStatus To, bool Exceptional)
    where TStatus : struct, Enum;
