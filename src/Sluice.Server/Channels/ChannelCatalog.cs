using System.Collections.Frozen;
using System.Collections.Immutable;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;

namespace Sluice.Server.Channels;

/// <summary>
/// Serves the channel catalog (payment methods, channels, fees, maintenance windows, bank mappings, routing rule sets
/// with their whitelists and merchants' rule-set assignments) from an immutable
/// in-memory snapshot. Every catalog change increments the single <c>catalog_versions</c> row in its own transaction;
/// each node compares that number with its snapshot's at most once per <see cref="CheckInterval"/> and reloads when it
/// moved, so a change made on any node is in force on every node within about a second, without a restart.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A node-lifetime singleton; its SemaphoreSlim never exposes a wait handle, and disposing it under a background check still running at shutdown would only throw.")]
public sealed class ChannelCatalog(IServiceScopeFactory scopes, TimeProvider clock, ILogger<ChannelCatalog> logger)
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _reload = new(1, 1);
    private ChannelCatalogSnapshot _snapshot = ChannelCatalogSnapshot.Empty;
    private long _nextCheckTicks;
    private int _backgroundCheck;

    /// <summary>
    /// The snapshot in force on this node. Never blocks or allocates: when a version check is due it starts one in the
    /// background and returns the current snapshot.
    /// </summary>
    public ChannelCatalogSnapshot Current
    {
        get
        {
            if (clock.GetUtcNow().UtcTicks >= Volatile.Read(ref _nextCheckTicks) && Interlocked.CompareExchange(ref _backgroundCheck, 1, 0) == 0)
            {
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await CheckAsync(force: false, CancellationToken.None);
                    }
                    finally
                    {
                        Volatile.Write(ref _backgroundCheck, 0);
                    }
                });
            }

            return Volatile.Read(ref _snapshot);
        }
    }

    /// <summary>The snapshot loaded now, without starting a check (for tests and diagnostics).</summary>
    internal ChannelCatalogSnapshot Loaded => Volatile.Read(ref _snapshot);

    /// <summary>The snapshot in force, after checking the database version first when a check is due.</summary>
    public async ValueTask<ChannelCatalogSnapshot> GetAsync(CancellationToken ct)
    {
        if (clock.GetUtcNow().UtcTicks >= Volatile.Read(ref _nextCheckTicks))
        {
            await CheckAsync(force: false, ct);
        }

        return Volatile.Read(ref _snapshot);
    }

    /// <summary>
    /// Increments the stored catalog version, in the caller's transaction: every node reloads what follows that version
    /// (the catalog, and the result-code overrides) at its next check. The row's update also serialises writers.
    /// </summary>
    public static Task IncrementVersionAsync(SluiceDbContext db, CancellationToken ct) =>
        db.CatalogVersions.Where(v => v.Id == CatalogVersion.SingletonId)
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Version, v => v.Version + 1), ct);

    /// <summary>Reloads now if the stored version differs from this node's snapshot (after a change made on this node).</summary>
    public Task RefreshAsync(CancellationToken ct) => CheckAsync(force: true, ct);

    private async Task CheckAsync(bool force, CancellationToken ct)
    {
        await _reload.WaitAsync(ct);
        try
        {
            var now = clock.GetUtcNow();
            if (!force && now.UtcTicks < Volatile.Read(ref _nextCheckTicks))
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
            var version = await db.CatalogVersions.AsNoTracking().Where(v => v.Id == CatalogVersion.SingletonId).Select(v => v.Version).FirstAsync(ct);
            if (version != _snapshot.Version)
            {
                var snapshot = await LoadAsync(db, version, ct);
                Volatile.Write(ref _snapshot, snapshot);
                logger.ChannelCatalogLoaded(version, snapshot.Channels.Length, snapshot.Methods.Count);
            }

            Volatile.Write(ref _nextCheckTicks, (now + CheckInterval).UtcTicks);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Keep serving the last good snapshot; try again at the next interval.
            Volatile.Write(ref _nextCheckTicks, (clock.GetUtcNow() + CheckInterval).UtcTicks);
            logger.ChannelCatalogCheckFailed(ex);
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>Reads the whole catalog. The version is read before the rows, so a change racing the load is picked up next time.</summary>
    internal static async Task<ChannelCatalogSnapshot> LoadAsync(SluiceDbContext db, long version, CancellationToken ct)
    {
        var methods = await db.PaymentMethods.AsNoTracking().ToListAsync(ct);
        var channels = await db.Channels.AsNoTracking().ToListAsync(ct);
        var fees = (await db.ChannelMethodFees.AsNoTracking().ToListAsync(ct)).ToLookup(f => f.ChannelCode, StringComparer.Ordinal);
        var windows = (await db.MaintenanceWindows.AsNoTracking().ToListAsync(ct)).ToLookup(w => w.ChannelCode, StringComparer.Ordinal);
        var banks = (await db.ChannelBanks.AsNoTracking().ToListAsync(ct)).ToLookup(b => b.ChannelCode, StringComparer.Ordinal);
        var ruleSets = await db.RoutingRuleSets.AsNoTracking().ToListAsync(ct);
        var whitelist = (await db.RoutingWhitelist.AsNoTracking().OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToListAsync(ct))
            .ToLookup(w => w.RuleSetName, StringComparer.Ordinal);
        var assigned = await db.Merchants.AsNoTracking().Where(m => m.RoutingRuleSet != null)
            .Select(m => new KeyValuePair<string, string>(m.Id, m.RoutingRuleSet!)).ToListAsync(ct);

        return new ChannelCatalogSnapshot(
            version,
            methods.Select(m => new PaymentMethodInfo(m.Code, m.Name, m.Kind, m.Enabled)),
            channels.Select(c => new ChannelInfo
            {
                Code = c.Code,
                InstitutionName = c.InstitutionName,
                BusinessType = c.BusinessType,
                Protocol = c.Protocol,
                Status = c.Status,
                Weight = c.Weight,
                LimitCurrency = c.LimitCurrency,
                SingleMinMinor = c.SingleMinMinor,
                SingleMaxMinor = c.SingleMaxMinor,
                DailyLimitMinor = c.DailyLimitMinor,
                PaymentMethods = Set(c.PaymentMethods),
                Environments = Set(c.Environments),
                ProductCodes = Set(c.ProductCodes),
                Currencies = Set(c.Currencies),
                FeeRatePpm = fees[c.Code].ToFrozenDictionary(f => f.PaymentMethod, f => f.RatePpm, StringComparer.Ordinal),
                MaintenanceWindows = windows[c.Code].OrderBy(w => w.Id, StringComparer.Ordinal).Select(Warm).ToImmutableArray(),
                Banks = banks[c.Code].ToFrozenDictionary(
                    b => (b.BankCode, b.CardType),
                    b => new ChannelBankLimit(b.BankCode, b.CardType, b.SingleMaxMinor, b.DailyLimitMinor)),
                Version = c.Version,
            }),
            ruleSets.Select(r => r.ToRuleSet(whitelist[r.Name])),
            assigned);
    }

    private static FrozenSet<string> Set(string list) => Channel.SplitList(list).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Resolves a recurring window's time zone while loading, so readers never pay for it.</summary>
    private static MaintenanceWindow Warm(MaintenanceWindow w)
    {
        if (w.Kind != MaintenanceWindowKind.OneOff)
        {
            _ = w.Zone;
        }

        return w;
    }
}

/// <summary>
/// Keeps an idle node's catalog fresh: checks the version every <see cref="ChannelCatalog.CheckInterval"/>, so even the
/// synchronous <see cref="ChannelCatalog.Current"/> read never serves a snapshot much older than that after a quiet spell.
/// </summary>
public sealed class ChannelCatalogRefresher(ChannelCatalog catalog, TimeProvider clock) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(ChannelCatalog.CheckInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Failures are logged by the catalog, which keeps serving its last snapshot.
                await catalog.GetAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
