using System.Collections.Frozen;
using Microsoft.Extensions.Options;

namespace Sluice.Server.Requery;

/// <summary>Settings of supplementary queries (section <c>Sluice:Requery</c>).</summary>
public sealed class RequeryOptions
{
    public const string Section = "Sluice:Requery";

    /// <summary>
    /// Intervals between queries per protocol (<c>Sluice:Requery:Schedules:alipay:0 = 00:00:15</c>, ...); the last
    /// interval repeats until the order is terminal. A protocol not listed keeps its default schedule.
    /// </summary>
    public Dictionary<string, TimeSpan[]> Schedules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a merchant's <c>GET /v1/payments/{id}?refresh=true</c> waits for the channel.</summary>
    public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>When to ask a channel again about an order it has not settled: per protocol, configurable.</summary>
public sealed class RequerySchedules(IOptions<RequeryOptions> options)
{
    private static TimeSpan S(int seconds) => TimeSpan.FromSeconds(seconds);

    private static TimeSpan M(int minutes) => TimeSpan.FromMinutes(minutes);

    /// <summary>
    /// Defaults per protocol. Alipay and WeChat Pay: quick queries first (most payers pay within a minute of the QR code
    /// or cashier), then spacing out to 30 minutes. UnionPay: ACP's guidance for transaction-state queries is to double
    /// the interval each time (1, 2, 4, 8 ... minutes). Bank payouts settle slower. The sandbox answers at once.
    /// </summary>
    public static readonly FrozenDictionary<string, TimeSpan[]> Defaults = new Dictionary<string, TimeSpan[]>(StringComparer.Ordinal)
    {
        ["alipay"] = [S(15), S(15), S(30), M(1), M(2), M(5), M(10), M(30)],
        ["wechatpay-v3"] = [S(10), S(15), S(30), M(1), M(3), M(5), M(10), M(30)],
        ["unionpay"] = [M(1), M(2), M(4), M(8), M(16), M(32), M(60)],
        ["bank"] = [S(30), M(1), M(2), M(5), M(10), M(30), M(60)],
        ["sandbox"] = [S(5), S(5), S(10), S(30), M(1)],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>For a protocol with neither configuration nor a default of its own.</summary>
    public static readonly TimeSpan[] Fallback = [S(30), M(1), M(2), M(5), M(10), M(30)];

    /// <summary>The schedule in force for a protocol: configured, else the default, else the fallback.</summary>
    public IReadOnlyList<TimeSpan> For(string protocol) =>
        options.Value.Schedules.TryGetValue(protocol, out var configured) && configured.Length > 0 && configured.All(i => i > TimeSpan.Zero)
            ? configured
            : Defaults.GetValueOrDefault(protocol) ?? Fallback;

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
