using Sluice.Server.Api;

namespace Sluice.Server.Audit;

/// <summary>The audit log (admin API).</summary>
public static class AuditFeature
{
    public static SluiceRoutes MapAudit(this SluiceRoutes routes)
    {
        routes.Admin?.MapAuditEndpoints();
        return routes;
    }
}
