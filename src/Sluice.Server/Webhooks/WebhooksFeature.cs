using Sluice.Server.Api;
using Sluice.Server.Hosting;

namespace Sluice.Server.Webhooks;

/// <summary>Webhooks: the transactional outbox, the leased dispatcher, and the operators' delivery log and resend.</summary>
public static class WebhooksFeature
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services, NodeRoles roles)
    {
        services.AddSingleton<AppWebhookSettings>();
        services.AddScoped<AppWebhookSettingsReader>();
        services.AddScoped<WebhookOutbox>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RemoveAllLoggers();
        if (roles.Runs(NodeRoles.Webhooks))
        {
            services.AddHostedService<WebhookDispatcherService>();
        }

        return services;
    }

    public static SluiceRoutes MapWebhooks(this SluiceRoutes routes)
    {
        routes.Admin?.MapAdminWebhookEndpoints();
        routes.Merchant?.MapEventEndpoints();
        return routes;
    }
}
