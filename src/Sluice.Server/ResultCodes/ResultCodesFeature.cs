using Sluice.Server.Api;

namespace Sluice.Server.ResultCodes;

/// <summary>The unified result-code map with operators' overrides, and its admin API.</summary>
public static class ResultCodesFeature
{
    public static IServiceCollection AddResultCodes(this IServiceCollection services) =>
        services.AddSingleton<ResultCodeMap>();

    public static SluiceRoutes MapResultCodes(this SluiceRoutes routes)
    {
        routes.Admin?.MapAdminResultCodeEndpoints();
        return routes;
    }
}
