using Sluice.Server.Api;
using Sluice.Server.Hosting;

namespace Sluice.Server.Refunds;

/// <summary>Refunds: the merchant API (<c>/v1/refunds</c>), the operators' exception queue and pay-backs, and the overdue scan.</summary>
public static class RefundsFeature
{
    public static IServiceCollection AddRefunds(this IServiceCollection services, IConfiguration configuration, NodeRoles roles)
    {
        services.AddScoped<RefundService>();
        services.AddScoped<RefundPayBackService>();
        services.Configure<RefundOptions>(configuration.GetSection(RefundOptions.Section));
        services.AddSingleton<RefundOverdueScanner>();
        if (roles.Runs(NodeRoles.RefundOverdue))
        {
            services.AddHostedService<RefundOverdueService>();
        }

        return services;
    }

    public static SluiceRoutes MapRefunds(this SluiceRoutes routes)
    {
        routes.Merchant?.MapRefundEndpoints();
        routes.Admin?.MapAdminRefundEndpoints();
        return routes;
    }
}
