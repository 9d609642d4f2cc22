namespace Sluice.Routing;

/// <summary>
/// A channel's circuit breaker, shared by every node: how many calls in a row the channel did not answer (a refused
/// connection, a timeout, a 5xx, an unverifiable answer), and since when it is open. Open, the channel is out of
/// routing; after the cool-down one probe request (<see cref="ProbeStartedAt"/>, claimed by compare-and-set on
/// <see cref="Version"/>) may go to it, and any answered call closes it again. A channel without a row is closed.
/// </summary>
public sealed class ChannelBreaker
{
    public required string ChannelCode { get; init; }

    /// <summary>Calls in a row, on any node, that the channel did not answer; an answered call resets it.</summary>
    public int ConsecutiveFailures { get; set; }

    /// <summary>When the breaker opened (null while closed).</summary>
    public DateTimeOffset? OpenedAt { get; set; }

    /// <summary>When the half-open probe was let through (null when none is out).</summary>
    public DateTimeOffset? ProbeStartedAt { get; set; }

    /// <summary>Who last reset it by hand, for operators.</summary>
    public string? ResetBy { get; set; }

    public long Version { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The state of a channel's breaker at one instant.</summary>
public enum BreakerState
{
    /// <summary>Routed normally.</summary>
    Closed,

    /// <summary>Out of routing until the cool-down has passed.</summary>
    Open,

    /// <summary>Cooled down: the next request may probe it (or a probe is out and the others wait for its answer).</summary>
    HalfOpen,
}

/// <summary>A breaker as routing reads it: its row (or none) judged at an instant with the cool-down in force.</summary>
public readonly record struct BreakerView(BreakerState State, int ConsecutiveFailures, DateTimeOffset? OpenedAt, DateTimeOffset? ProbeStartedAt, long Version)
{
    public static readonly BreakerView Closed = new(BreakerState.Closed, 0, null, null, 0);

    /// <summary>Whether routing may send a request to the channel now: closed, or half-open with no probe out.</summary>
    public bool Admits(DateTimeOffset now, TimeSpan coolDown) =>
        State == BreakerState.Closed || (State == BreakerState.HalfOpen && (ProbeStartedAt is not { } probe || now >= probe + coolDown));

    /// <summary>A request routed to the channel now is its half-open probe, to be claimed first.</summary>
    public bool NeedsProbeClaim => State == BreakerState.HalfOpen;

    public static BreakerView Of(ChannelBreaker? row, DateTimeOffset now, TimeSpan coolDown) =>
        row is null ? Closed
        : row.OpenedAt is not { } opened ? new(BreakerState.Closed, row.ConsecutiveFailures, null, null, row.Version)
        : new(now >= opened + coolDown ? BreakerState.HalfOpen : BreakerState.Open, row.ConsecutiveFailures, opened, row.ProbeStartedAt, row.Version);

    public string WireName => State switch
    {
        BreakerState.Closed => "closed",
        BreakerState.Open => "open",
        _ => "half_open",
    };
}
