using Sluice.Server.Api;

namespace Sluice.Server.Merchants;

/// <summary>Service providers, merchants, apps and their API keys (admin API).</summary>
public static class MerchantsFeature
{
    public static SluiceRoutes MapMerchants(this SluiceRoutes routes)
    {
        routes.Admin?.MapAdminMerchantEndpoints();
        return routes;
    }
}
