using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Routing;

namespace Sluice.Server.Routing;

public sealed class ChannelBreakerOptions
{
    public const string Section = "Sluice:Routing:Breaker";

    /// <summary>Calls in a row a channel does not answer (not taken, or outcome unknown) before its breaker opens.</summary>
    public int FailureThreshold { get; set; } = 5;

    /// <summary>How long an open breaker keeps the channel out of routing before one probe may go to it.</summary>
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a node re-reads every channel's breaker (a change on this node is in force here at once).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Every channel's circuit breaker, stored in <c>channel_breakers</c> so that every node and a restarted one see the
/// same state: each call the channel caller makes counts (<see cref="RecordAsync"/>): a call the channel did not
/// answer adds one to its consecutive failures and, at <see cref="ChannelBreakerOptions.FailureThreshold"/>, opens it;
/// an answered call closes it. Every change is one conditional update (compare-and-set) in the database. Each node
/// reads all rows at most once per <see cref="ChannelBreakerOptions.RefreshInterval"/>, as the channel catalog does.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A node-lifetime singleton; its SemaphoreSlim never exposes a wait handle.")]
public sealed class ChannelBreakers(IServiceScopeFactory scopes, TimeProvider clock, IOptions<ChannelBreakerOptions> options, ILogger<ChannelBreakers> logger)
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private FrozenDictionary<string, ChannelBreaker> _rows = FrozenDictionary<string, ChannelBreaker>.Empty;
    private long _nextLoadTicks;

    public ChannelBreakerOptions Options => options.Value;

    /// <summary>Every channel's breaker as stored, re-read when this node's copy is older than the refresh interval.</summary>
    public async ValueTask<BreakerSnapshot> CurrentAsync(CancellationToken ct)
    {
        if (clock.GetUtcNow().UtcTicks >= Volatile.Read(ref _nextLoadTicks))
        {
            await LoadAsync(force: false, ct);
        }

        return new BreakerSnapshot(Volatile.Read(ref _rows), clock.GetUtcNow(), Options.CoolDown);
    }

    /// <summary>Every stored breaker, read now (the admin view).</summary>
    public async Task<IReadOnlyList<ChannelBreaker>> AllAsync(CancellationToken ct)
    {
        await LoadAsync(force: true, ct);
        return [.. Volatile.Read(ref _rows).Values.OrderBy(r => r.ChannelCode, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Counts one call to a channel: answered (the channel took or declined the order: it works) or not. Writes only
    /// when the breaker changes: a failure, or the first success after failures.
    /// </summary>
    public async Task RecordAsync(string channelCode, bool answered, CancellationToken ct)
    {
        // A node that does not route (a worker) still reads the breakers, so its answered calls close them too.
        if (clock.GetUtcNow().UtcTicks >= Volatile.Read(ref _nextLoadTicks))
        {
            await LoadAsync(force: false, ct);
        }

        var known = Volatile.Read(ref _rows).GetValueOrDefault(channelCode);
        if (answered && (known is null || (known.ConsecutiveFailures == 0 && known.OpenedAt is null)))
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
        var now = clock.GetUtcNow();
        var breakers = db.ChannelBreakers.Where(b => b.ChannelCode == channelCode);
        if (answered)
        {
            var closed = await breakers.Where(b => b.ConsecutiveFailures > 0 || b.OpenedAt != null)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(b => b.ConsecutiveFailures, 0).SetProperty(b => b.OpenedAt, (DateTimeOffset?)null)
                    .SetProperty(b => b.ProbeStartedAt, (DateTimeOffset?)null).SetProperty(b => b.Version, b => b.Version + 1)
                    .SetProperty(b => b.UpdatedAt, now), ct);
            if (closed > 0 && known?.OpenedAt is not null)
            {
                logger.ChannelBreakerClosed(channelCode);
            }
        }
        else
        {
            if (known is null && !await breakers.AnyAsync(ct))
            {
                await InsertAsync(db, channelCode, now, ct);
            }

            await breakers.ExecuteUpdateAsync(s => s
                .SetProperty(b => b.ConsecutiveFailures, b => b.ConsecutiveFailures + 1).SetProperty(b => b.Version, b => b.Version + 1)
                .SetProperty(b => b.UpdatedAt, now), ct);

            // Opens a closed breaker that reached the threshold, and re-opens one whose probe failed; an open one
            // keeps its time (re-queries of its orders still go out and fail while it cools down).
            var threshold = Options.FailureThreshold;
            var opened = await breakers.Where(b => b.ConsecutiveFailures >= threshold && (b.OpenedAt == null || b.ProbeStartedAt != null))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(b => b.OpenedAt, now).SetProperty(b => b.ProbeStartedAt, (DateTimeOffset?)null)
                    .SetProperty(b => b.Version, b => b.Version + 1), ct);
            if (opened > 0)
            {
                logger.ChannelBreakerOpened(channelCode, threshold, Options.CoolDown);
            }
        }

        await LoadAsync(force: true, ct);
    }

    /// <summary>
    /// Claims the half-open probe of a cooled-down channel for one request (compare-and-set on the version this node
    /// read): true for exactly one claimant on any node; the others keep the channel out until the probe's answer.
    /// </summary>
    public async Task<bool> TryClaimProbeAsync(SluiceDbContext db, string channelCode, BreakerView seen, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claimed = await db.ChannelBreakers.Where(b => b.ChannelCode == channelCode && b.Version == seen.Version && b.OpenedAt != null)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.ProbeStartedAt, now).SetProperty(b => b.Version, b => b.Version + 1), ct);
        await LoadAsync(force: true, ct);
        return claimed == 1;
    }

    /// <summary>An operator closes a channel's breaker by hand. False when the channel has none open or counting.</summary>
    public async Task<ChannelBreaker?> ResetAsync(SluiceDbContext db, string channelCode, string actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var row = await db.ChannelBreakers.FirstOrDefaultAsync(b => b.ChannelCode == channelCode, ct);
        if (row is null)
        {
            return null;
        }

        (row.ConsecutiveFailures, row.OpenedAt, row.ProbeStartedAt, row.ResetBy, row.UpdatedAt) = (0, null, null, actor, now);
        row.Version++;
        await db.SaveChangesAsync(ct);
        await LoadAsync(force: true, ct);
        return row;
    }

    private static async Task InsertAsync(SluiceDbContext db, string channelCode, DateTimeOffset now, CancellationToken ct)
    {
        db.ChannelBreakers.Add(new ChannelBreaker { ChannelCode = channelCode, UpdatedAt = now });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
        {
            // Another node's failure made the row first.
        }

        db.ChangeTracker.Clear();
    }

    private async Task LoadAsync(bool force, CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            if (!force && clock.GetUtcNow().UtcTicks < Volatile.Read(ref _nextLoadTicks))
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
            var rows = await db.ChannelBreakers.AsNoTracking().ToListAsync(ct);
            Volatile.Write(ref _rows, rows.ToFrozenDictionary(r => r.ChannelCode, StringComparer.Ordinal));
            Volatile.Write(ref _nextLoadTicks, (clock.GetUtcNow() + Options.RefreshInterval).UtcTicks);
        }
        finally
        {
            _reload.Release();
        }
    }
}

/// <summary>Every channel's breaker as one node read it, judged at <see cref="At"/>.</summary>
public sealed class BreakerSnapshot(IReadOnlyDictionary<string, ChannelBreaker> rows, DateTimeOffset at, TimeSpan coolDown)
{
    public DateTimeOffset At => at;

    public TimeSpan CoolDown => coolDown;

    public BreakerView Of(string channelCode) => BreakerView.Of(rows.GetValueOrDefault(channelCode), at, coolDown);

    /// <summary>Whether the breaker keeps the channel out of routing now.</summary>
    public bool KeepsOut(string channelCode) => !Of(channelCode).Admits(at, coolDown);
}
