using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sluice.Payments;
using Sluice.Server.Requery;
using Sluice.Server.Webhooks;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Requery;

/// <summary>What the supplementary-query tests share: workers of one or more nodes, query rows, schedule overrides.</summary>
public static class RequeryTestKit
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The re-query worker of the gateway's own node (<c>test-node-a</c>).</summary>
    public static ChannelRequeryWorker RequeryWorker(this GatewayFixture gateway) => gateway.Services.GetRequiredService<ChannelRequeryWorker>();

    /// <summary>
    /// A re-query worker built from <paramref name="node"/>'s container (a gateway host sharing the database) as node
    /// <paramref name="nodeId"/>, speaking to the channels through <paramref name="probe"/>.
    /// </summary>
    public static ChannelRequeryWorker RequeryWorkerOf(this IServiceProvider node, string nodeId, RequeryProbe probe) =>
        ActivatorUtilities.CreateInstance<ChannelRequeryWorker>(node, new NodeIdentity(nodeId), probe.Scopes(node));

    /// <summary>Runs rounds until one claims nothing, as each node's loop does.</summary>
    public static async Task DrainAsync(this ChannelRequeryWorker worker)
    {
        while (await worker.RunOnceAsync(Ct) > 0)
        {
            // Until nothing is due.
        }
    }

    public static Task<ChannelQuery> QueryRowAsync(this GatewayFixture gateway, ChannelQueryKind kind, string orderId) =>
        gateway.WithDbAsync(db => db.ChannelQueries.AsNoTracking().SingleAsync(q => q.Kind == kind && q.OrderId == orderId, Ct));

    /// <summary>
    /// Configures <c>Sluice:Requery:Schedules:{protocol}</c> on the running gateway (every node of it reads the same
    /// options instance) until the result is disposed.
    /// </summary>
    public static IDisposable OverrideSchedule(this GatewayFixture gateway, string protocol, params TimeSpan[] intervals)
    {
        var schedules = gateway.Services.GetRequiredService<IOptions<RequeryOptions>>().Value.Schedules;
        schedules[protocol] = intervals;
        return new Restore(() => schedules.Remove(protocol));
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }
}
