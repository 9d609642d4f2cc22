using Sluice.Errors;

namespace Sluice.Server.Orders;

/// <summary>Why a service refused a request, in domain terms; the HTTP edge turns the kind into a status.</summary>
public enum RefusalKind
{
    /// <summary>The request contradicts what is stored (e.g. another currency than the payment's).</summary>
    Invalid,

    NotFound,

    /// <summary>The order is not in a state that allows it, or changed meanwhile.</summary>
    Conflict,

    /// <summary>Well formed and consistent, but it cannot be done (no channel, over the refundable amount).</summary>
    Unprocessable,

    /// <summary>The channel did not give its word; try again later.</summary>
    Unavailable,
}

/// <summary>A refusal with its unified code, a detail for the caller and the facts that go with it (e.g. the order's status).</summary>
public sealed record Refusal(RefusalKind Kind, string Code, string Detail, IReadOnlyDictionary<string, object?>? Facts = null)
{
    public static Refusal Of(RefusalKind kind, string code, string detail, IReadOnlyDictionary<string, object?>? facts = null) => new(kind, code, detail, facts);

    public static Refusal NotFound(string what) => new(RefusalKind.NotFound, UnifiedCode.NotFound, $"No {what} with that id for this app.");
}

/// <summary>What a service did with a request about an order: the order (and whether this call created it), or a refusal.</summary>
public sealed record OrderResult<TOrder>(TOrder? Order, bool Created, Refusal? Refusal)
    where TOrder : class
{
    public static OrderResult<TOrder> Ok(TOrder order) => new(order, false, null);

    public static OrderResult<TOrder> New(TOrder order) => new(order, true, null);

    public static implicit operator OrderResult<TOrder>(Refusal refusal) => new(null, false, refusal);
}
