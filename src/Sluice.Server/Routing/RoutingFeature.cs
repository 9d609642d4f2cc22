using Sluice.Server.Api;
using Sluice.Server.Hosting;

namespace Sluice.Server.Routing;

/// <summary>Routing over the channel catalog: the router, channel health, the daily-limit ledger and its sweep, and their admin API.</summary>
public static class RoutingFeature
{
    public static IServiceCollection AddPaymentRouting(this IServiceCollection services, NodeRoles roles)
    {
        services.AddSingleton<ChannelHealthMonitor>();
        services.AddOptions<ChannelBreakerOptions>().BindConfiguration(ChannelBreakerOptions.Section);
        services.AddSingleton<ChannelBreakers>();
        services.AddScoped<DailyLimitLedger>();
        services.AddSingleton<LimitReservationSweeper>();
        services.AddScoped<PaymentRouter>();
        if (roles.Runs(NodeRoles.LimitSweep))
        {
            services.AddHostedService<LimitReservationSweeperService>();
        }

        return services;
    }

    public static SluiceRoutes MapPaymentRouting(this SluiceRoutes routes)
    {
        routes.Admin?.MapRoutingEndpoints();
        routes.Admin?.MapRoutingConfigurationEndpoints();
        routes.Admin?.MapChannelHealthEndpoints();
        return routes;
    }
}
