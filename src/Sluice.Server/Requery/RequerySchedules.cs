using Microsoft.Extensions.Options;
using Sluice.Channels;

namespace Sluice.Server.Requery;

/// <summary>Settings of supplementary queries (section <c>Sluice:Requery</c>).</summary>
public sealed class RequeryOptions
{
    public const string Section = "Sluice:Requery";

    /// <summary>
    /// Intervals between queries per protocol (<c>Sluice:Requery:Schedules:alipay:0 = 00:00:15</c>, ...); the last
    /// interval repeats until the order is terminal. A protocol not listed keeps its channel profile's schedule.
    /// </summary>
    public Dictionary<string, TimeSpan[]> Schedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a merchant's <c>GET /v1/payments/{id}?refresh=true</c> waits for the channel.</summary>
    public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>When to ask a channel again about an order it has not settled: per protocol, configurable.</summary>
public sealed class RequerySchedules(IOptions<RequeryOptions> options, ChannelAdapterRegistry channels)
{
    /// <summary>For a protocol with neither configuration nor a registered profile.</summary>
    public static readonly TimeSpan[] Fallback =
        [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)];

    /// <summary>
    /// The schedule in force for a protocol: configured, else the default of its channel profile
    /// (<see cref="IChannelProfile.RequerySchedule"/>), else the fallback.
    /// </summary>
    public IReadOnlyList<TimeSpan> For(string protocol) =>
        options.Value.Schedules.TryGetValue(protocol, out var configured) && configured.Length > 0 && configured.All(i => i > TimeSpan.Zero)
            ? configured
            : channels.FindProfile(protocol)?.RequerySchedule ?? Fallback;

    /// <summary>The wait before query number <paramref name="attempt"/> + 1 (after <paramref name="attempt"/> made); the last interval repeats.</summary>
    public TimeSpan After(string protocol, int attempt)
    {
        var schedule = For(protocol);
        return schedule[Math.Clamp(attempt, 0, schedule.Count - 1)];
    }

    /// <summary>
    /// When to look at the order next: the schedule's interval, but no later than its expiry while it is not yet
    /// expired (so an unpaid order is closed on time).
    /// </summary>
    public DateTimeOffset NextAt(string protocol, int attempt, DateTimeOffset now, DateTimeOffset? expiresAt)
    {
        var next = now + After(protocol, attempt);
        return expiresAt is { } expiry && expiry > now && expiry < next ? expiry : next;
    }
}
