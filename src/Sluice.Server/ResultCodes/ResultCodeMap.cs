using System.Collections.Frozen;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Server.Channels;

namespace Sluice.Server.ResultCodes;

/// <summary>What a channel's raw result means for the gateway: the order-state effect, the unified code and its messages.</summary>
public sealed record ResultResolution(
    ChannelOutcome Effect,
    string UnifiedCode,
    string MessageEn,
    string MessageZh,
    bool Retryable,
    bool Mapped,
    ResultCodeSource? Source,
    ResultCodeRule? Rule)
{
    /// <summary>A raw result no rule maps: never guessed at, so the order waits for a re-query.</summary>
    public static readonly ResultResolution Unmapped = new(
        ChannelOutcome.Unknown, Sluice.Errors.UnifiedCode.ChannelResultUnknown, "The payment result is being confirmed.", "支付结果确认中。", false, false, null, null);
}

public enum ResultCodeSource
{
    Default,
    Override,
}

/// <summary>
/// Maps every channel result to a unified code and an order-state effect. Defaults come from each registered channel's profile
/// (plus the transport rules every protocol shares); operators' overrides come from <c>result_code_overrides</c> and win
/// over a default at each step of the lookup (flow, code, sub) → (flow, code, any) → (any, code, sub) → (any, code, any).
/// Overrides follow the channel catalog's version: every override change increments it, and this node reloads its
/// overrides when the catalog it serves (checked at most once a second) has moved, so a change is in force on every node
/// within about a second. A result no rule maps is unknown (never failed) and counted in <c>unmapped_result_codes</c>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "A node-lifetime singleton; its SemaphoreSlim never exposes a wait handle, and disposing it under a background check still running at shutdown would only throw.")]
public sealed class ResultCodeMap
{
    private readonly FrozenDictionary<string, ResultCodeTable> _defaults;
    private readonly ChannelCatalog _catalog;
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<ResultCodeMap> _logger;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private OverrideSet _overrides = new(long.MinValue, FrozenDictionary<string, ResultCodeTable>.Empty);

    public ResultCodeMap(ChannelAdapterRegistry adapters, ChannelCatalog catalog, IServiceScopeFactory scopes, ILogger<ResultCodeMap> logger)
    {
        _defaults = adapters.Protocols.ToFrozenDictionary(
            p => p,
            p => new ResultCodeTable([.. adapters.ResultCodes(p), .. ChannelTransport.Rules]),
            StringComparer.Ordinal);
        _catalog = catalog;
        _scopes = scopes;
        _logger = logger;
    }

    public IEnumerable<string> Protocols => _defaults.Keys.Order(StringComparer.Ordinal);

    public bool Knows(string protocol) => _defaults.ContainsKey(protocol);

    public ResultCodeTable DefaultsFor(string protocol) => _defaults.GetValueOrDefault(protocol) ?? ResultCodeTable.Empty;

    /// <summary>
    /// Looks a channel result of <paramref name="flow"/> up for <paramref name="protocol"/> in the overrides in force and
    /// the defaults (<see cref="ResultCodeResolver"/> also counts a result no rule maps).
    /// </summary>
    public async ValueTask<ResultResolution> LookUpAsync(string protocol, ChannelFlow flow, ChannelResult result, CancellationToken ct)
    {
        var overrides = await OverridesAsync(ct);
        return Resolve(overrides.For(protocol), DefaultsFor(protocol), flow, result.RawCode, result.RawSubCode);
    }

    /// <summary>The lookup itself: at each step an override before a default.</summary>
    public static ResultResolution Resolve(ResultCodeTable overrides, ResultCodeTable defaults, ChannelFlow flow, string? code, string? sub)
    {
        if (string.IsNullOrEmpty(code))
        {
            return ResultResolution.Unmapped;
        }

        foreach (var (stepFlow, stepSub) in ResultCodeTable.LookupOrder(flow, sub))
        {
            if (overrides.Find(stepFlow, code, stepSub) is { } overridden)
            {
                return Of(overridden, ResultCodeSource.Override);
            }

            if (defaults.Find(stepFlow, code, stepSub) is { } byDefault)
            {
                return Of(byDefault, ResultCodeSource.Default);
            }
        }

        return ResultResolution.Unmapped;
    }

    private static ResultResolution Of(ResultCodeRule rule, ResultCodeSource source) =>
        new(rule.Effect, rule.UnifiedCode, rule.MessageEn, rule.MessageZh, rule.Retryable, true, source, rule);

    /// <summary>The overrides in force: reloaded when the catalog version this node serves has moved since the last load.</summary>
    private async ValueTask<OverrideSet> OverridesAsync(CancellationToken ct)
    {
        var version = (await _catalog.GetAsync(ct)).Version;
        var current = Volatile.Read(ref _overrides);
        if (current.Version == version)
        {
            return current;
        }

        await _reload.WaitAsync(ct);
        try
        {
            current = Volatile.Read(ref _overrides);
            if (current.Version == version)
            {
                return current;
            }

            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
            var rows = await db.ResultCodeOverrides.AsNoTracking().ToListAsync(ct);
            var loaded = new OverrideSet(version, rows.GroupBy(r => r.Protocol, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => new ResultCodeTable(g.Select(r => r.ToRule())), StringComparer.Ordinal));
            Volatile.Write(ref _overrides, loaded);
            _logger.ResultCodeOverridesLoaded(version, rows.Count);
            return loaded;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Keep the overrides last loaded (the next resolve tries again); the defaults always hold.
            _logger.ResultCodeOverridesFailed(ex);
            return current;
        }
        finally
        {
            _reload.Release();
        }
    }

    private sealed record OverrideSet(long Version, FrozenDictionary<string, ResultCodeTable> ByProtocol)
    {
        public ResultCodeTable For(string protocol) => ByProtocol.GetValueOrDefault(protocol) ?? ResultCodeTable.Empty;
    }
}
