using Sluice.Server.Api;

namespace Sluice.Server.ResultCodes;

/// <summary>The unified result-code map with operators' overrides (one per node), its resolver per unit of work, and its admin API.</summary>
public static class ResultCodesFeature
{
    public static IServiceCollection AddResultCodes(this IServiceCollection services) =>
        services.AddSingleton<ResultCodeMap>().AddScoped<ResultCodeResolver>();

    public static SluiceRoutes MapResultCodes(this SluiceRoutes routes)
    {
        routes.Admin?.MapAdminResultCodeEndpoints();
        return routes;
    }
}
