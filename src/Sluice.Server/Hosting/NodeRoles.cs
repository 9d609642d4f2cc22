using System.Collections.Frozen;

namespace Sluice.Server.Hosting;

/// <summary>
/// What this node does (<c>Sluice:Roles</c>, a list or a comma-separated string; empty: every role). One binary runs
/// every role by default; an operator can run nodes that only serve the merchant API and others that only drain
/// webhooks, so each concern scales and fails on its own. Serving roles map routes; the others are background loops,
/// which run only when <c>Sluice:Workers:Enabled</c> is also true. Every node keeps its own channel catalog snapshot
/// fresh whatever its roles, and health, readiness and the API reference are always served.
/// </summary>
public sealed class NodeRoles
{
    public const string Section = "Sluice:Roles";

    /// <summary>The merchant API (<c>/v1</c>), channels' notify callbacks (<c>/notify</c>) and, in demo mode, the demo's routes.</summary>
    public const string Api = "api";

    /// <summary>The admin API (<c>/admin/api</c>).</summary>
    public const string Admin = "admin";

    /// <summary>The webhook dispatcher: claims due deliveries with a lease, signs and sends them.</summary>
    public const string Webhooks = "webhooks";

    /// <summary>
    /// The supplementary-query worker: re-queries payments, refunds and withdrawals left pending or unknown, closes
    /// expired payments, re-routes held withdrawals.
    /// </summary>
    public const string Requery = "requery";

    /// <summary>The refund overdue scan: flags refunds past their channel's refund timeout.</summary>
    public const string RefundOverdue = "refund-overdue";

    /// <summary>The daily-limit sweep: gives back reservations whose order never got stored, failed or closed.</summary>
    public const string LimitSweep = "limit-sweep";

    /// <summary>The ledger's settlement: moves succeeded payments from pending to available on their T+N day.</summary>
    public const string Settlement = "settlement";

    public static readonly IReadOnlyList<string> All = [Api, Admin, Webhooks, Requery, RefundOverdue, LimitSweep, Settlement];

    private readonly FrozenSet<string> _roles;

    public NodeRoles(IEnumerable<string> roles, bool workersEnabled)
    {
        var named = roles.Select(r => r.Trim().ToLowerInvariant()).Where(r => r.Length > 0).ToList();
        if (named.FirstOrDefault(r => !All.Contains(r)) is { } unknown)
        {
            throw new InvalidOperationException($"Unknown role '{unknown}' in {Section}. Roles: {string.Join(", ", All)}.");
        }

        _roles = (named.Count == 0 ? All : named).ToFrozenSet(StringComparer.Ordinal);
        WorkersEnabled = workersEnabled;
    }

    /// <summary>This node's roles, from <c>Sluice:Roles</c> (<c>Sluice__Roles=api,admin</c> or <c>Sluice__Roles__0=api</c>, …).</summary>
    public static NodeRoles From(IConfiguration configuration, bool workersEnabled)
    {
        var section = configuration.GetSection(Section);
        var listed = section.Value is { } flat
            ? flat.Split(',', StringSplitOptions.RemoveEmptyEntries)
            : section.GetChildren().Select(c => c.Value ?? "");
        return new NodeRoles(listed, workersEnabled);
    }

    /// <summary>False when <c>Sluice:Workers:Enabled</c> stops every background loop (tests drive the workers themselves).</summary>
    public bool WorkersEnabled { get; }

    public IReadOnlyCollection<string> Names => All.Where(_roles.Contains).ToList();

    /// <summary>True when this node serves the routes of a serving role (<see cref="Api"/>, <see cref="Admin"/>).</summary>
    public bool Serves(string role) => _roles.Contains(role);

    /// <summary>True when this node runs the background loop of a worker role (and background loops are enabled at all).</summary>
    public bool Runs(string role) => WorkersEnabled && _roles.Contains(role);

    public override string ToString() => string.Join(",", Names);

    /// <summary>Says at start-up what this node does, so an operator reading one node's log knows its share.</summary>
    public void LogStart(ILogger logger, string nodeId)
    {
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.NodeRolesStarted(nodeId, ToString(), WorkersEnabled);
        }
    }
}
