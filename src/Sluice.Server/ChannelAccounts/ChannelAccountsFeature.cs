using Sluice.Server.Api;

namespace Sluice.Server.ChannelAccounts;

/// <summary>Merchants' channel accounts: decrypted contexts for the adapters, and their admin API.</summary>
public static class ChannelAccountsFeature
{
    public static IServiceCollection AddChannelAccounts(this IServiceCollection services) =>
        services.AddSingleton<ChannelAccountContexts>();

    public static SluiceRoutes MapChannelAccounts(this SluiceRoutes routes)
    {
        routes.Admin?.MapAdminChannelAccountEndpoints();
        return routes;
    }

    /// <summary>Demo mode only: accounts at the sandbox channel with credentials the sandbox issues.</summary>
    public static SluiceRoutes MapSandboxChannelAccounts(this SluiceRoutes routes)
    {
        routes.Admin?.MapAdminSandboxAccountEndpoint();
        return routes;
    }
}
