using Sluice.Channels;
using Sluice.Server.Api;
using Sluice.Server.Hosting;

namespace Sluice.Server.Channels;

/// <summary>The channel catalog: the adapters that speak each protocol, this node's snapshot, and the catalog's admin API.</summary>
public static class ChannelsFeature
{
    public static IServiceCollection AddChannels(this IServiceCollection services, NodeRoles roles)
    {
        services.AddChannelAdapters();
        services.AddSingleton<ChannelCatalog>();

        // Every node, whatever its roles, keeps its own snapshot fresh: it is what this node routes and answers with.
        if (roles.WorkersEnabled)
        {
            services.AddHostedService<ChannelCatalogRefresher>();
        }

        return services;
    }

    public static SluiceRoutes MapChannels(this SluiceRoutes routes)
    {
        routes.Admin?.MapAdminCatalogEndpoints();
        return routes;
    }
}
