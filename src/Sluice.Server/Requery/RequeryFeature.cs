using Sluice.Server.Hosting;

namespace Sluice.Server.Requery;

/// <summary>Supplementary queries (补单) and expiry close: the query book, one handler per kind of row, and the leased worker.</summary>
public static class RequeryFeature
{
    public static IServiceCollection AddRequery(this IServiceCollection services, IConfiguration configuration, NodeRoles roles)
    {
        services.Configure<RequeryOptions>(configuration.GetSection(RequeryOptions.Section));
        services.AddSingleton<RequerySchedules>();
        services.AddScoped<ChannelQueryBook>();
        services.AddSingleton<IChannelQueryHandler, PaymentQueryHandler>();
        services.AddSingleton<IChannelQueryHandler, Refunds.RefundQueryHandler>();
        services.AddSingleton<ChannelRequeryWorker>();
        if (roles.Runs(NodeRoles.Requery))
        {
            services.AddHostedService<ChannelRequeryService>();
        }

        return services;
    }
}
