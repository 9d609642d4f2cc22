using System.Security.Claims;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Common;
using Sluice.Data;
using Sluice.Server.Api;
using Sluice.Server.Auth;

namespace Sluice.Server.Audit;

/// <summary>
/// Who changed what, when, with the old and new value. An entry is staged in the same unit of work as the change it
/// describes, so a change is never committed without its audit line. Views passed in never hold secrets.
/// </summary>
public static class AuditLog
{
    public static void Add(SluiceDbContext db, TimeProvider clock, ClaimsPrincipal user, string action, string type, string id, object? oldValue, object? newValue) =>
        db.AuditEntries.Add(new AuditEntry
        {
            Actor = user.Identity?.Name ?? "unknown",
            Action = action,
            EntityType = type,
            EntityId = id,
            OldValue = oldValue is null ? null : JsonSerializer.Serialize(oldValue, SluiceJson.Options),
            NewValue = newValue is null ? null : JsonSerializer.Serialize(newValue, SluiceJson.Options),
            At = clock.GetUtcNow(),
        });

    public static void MapAuditEndpoints(this RouteGroupBuilder admin) =>
        admin.MapGet("/audit", async (string? entityType, string? entityId, SluiceDbContext db, CancellationToken ct) =>
                TypedResults.Ok(await db.AuditEntries.AsNoTracking()
                    .Where(a => (entityType == null || a.EntityType == entityType) && (entityId == null || a.EntityId == entityId))
                    .OrderByDescending(a => a.Id).Take(200).ToListAsync(ct)))
            .WithTags("Admin: audit");
}
