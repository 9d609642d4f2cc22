using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Server.Api;

namespace Sluice.Server.Channels;

/// <summary>
/// Admin API for channel information: payment methods, channels, status, maintenance windows and bank mappings. Every
/// request is validated completely before anything is written; every change is audited with its old and new value and
/// commits together with an increment of the catalog version, which every node watches to reload its snapshot.
/// Each resource has its own file: <see cref="AdminPaymentMethodEndpoints"/>, <see cref="AdminChannelEndpoints"/>,
/// <see cref="AdminMaintenanceWindowEndpoints"/>, <see cref="AdminChannelBankEndpoints"/>; this one serves the catalog's state.
/// </summary>
public static class AdminCatalogEndpoints
{
    /// <summary>Maps the catalog's admin API into the admin API group (<c>/admin/api</c>), one resource per file.</summary>
    public static void MapAdminCatalogEndpoints(this RouteGroupBuilder adminApi)
    {
        adminApi.MapAdminPaymentMethodEndpoints();
        adminApi.MapAdminChannelEndpoints();
        adminApi.MapAdminMaintenanceWindowEndpoints();
        adminApi.MapAdminChannelBankEndpoints();

        var admin = adminApi.MapGroup("").WithTags("Admin: channels");
        admin.MapGet("/catalog", async (ChannelCatalog catalog, CancellationToken ct) =>
        {
            var s = await catalog.GetAsync(ct);
            return TypedResults.Ok(new CatalogStateView(s.Version, s.Channels.Length, s.Methods.Count, s.Channels.Where(c => c.IsOnline).Select(c => c.Code).ToList()));
        });
    }

    // ---- shared by the catalog's admin endpoints (and routing configuration's commit) ----

    /// <summary>
    /// Commits the staged change, its audit line and an increment of the catalog version in one transaction (the version
    /// row's update also serialises catalog writers), then reloads this node's snapshot. Null on success.
    /// </summary>
    internal static async Task<ProblemHttpResult?> CommitAsync(SluiceDbContext db, ChannelCatalog catalog, CancellationToken ct)
    {
        try
        {
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                await ChannelCatalog.IncrementVersionAsync(db, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict(UnifiedCode.ConcurrentModification, "Someone else changed this resource first; read it again and retry with its new version.");
        }
        catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
        {
            return Problems.Conflict(UnifiedCode.AlreadyExists, "A resource with that code already exists.");
        }

        await catalog.RefreshAsync(ct);
        return null;
    }

    internal static ProblemHttpResult Stale(string what, int current) =>
        Problems.Conflict(UnifiedCode.ConcurrentModification, $"The {what} is at version {current}; read it again and retry with that version.");

    internal static ProblemHttpResult Missing(string field) => Problems.Validation(UnifiedCode.MissingField, field, $"{field} is required.");

    internal static ProblemHttpResult Invalid(string field, string detail) => Problems.Validation(UnifiedCode.InvalidField, field, detail);

    internal static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;
}
