using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Data;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using static Sluice.Server.Channels.AdminCatalogEndpoints;

namespace Sluice.Server.Channels;

/// <summary>Admin API for a channel's maintenance windows (<c>/admin/api/channels/{code}/maintenance-windows</c>).</summary>
public static class AdminMaintenanceWindowEndpoints
{
    public static void MapAdminMaintenanceWindowEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("").WithTags("Admin: channels");
        admin.MapGet("/channels/{code}/maintenance-windows", ListWindowsAsync);
        admin.MapPost("/channels/{code}/maintenance-windows", AddWindowAsync);
        admin.MapDelete("/channels/{code}/maintenance-windows/{id}", DeleteWindowAsync);
    }

    private static async Task<Results<Ok<List<MaintenanceWindowView>>, ProblemHttpResult>> ListWindowsAsync(string code, SluiceDbContext db, CancellationToken ct)
    {
        if (!await db.Channels.AnyAsync(c => c.Code == code, ct))
        {
            return Problems.NotFound("channel");
        }

        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.ChannelCode == code).OrderBy(w => w.Id).ToListAsync(ct);
        return TypedResults.Ok(windows.Select(MaintenanceWindowView.Of).ToList());
    }

    private static async Task<Results<Created<MaintenanceWindowView>, ProblemHttpResult>> AddWindowAsync(
        string code, MaintenanceWindowRequest? r, SluiceDbContext db, ChannelCatalog catalog, IdGenerator ids, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Channels.AnyAsync(c => c.Code == code, ct))
        {
            return Problems.NotFound("channel");
        }

        if (CatalogText.WindowKind(r?.Kind) is not { } kind)
        {
            return Invalid("kind", "kind must be one_off, daily or weekly.");
        }

        if (r!.Reason is { Length: > 512 })
        {
            return Invalid("reason", "reason must be at most 512 characters.");
        }

        MaintenanceWindow window;
        if (kind == MaintenanceWindowKind.OneOff)
        {
            if (r.StartsAt is not { } starts || r.EndsAt is not { } ends)
            {
                return Missing(r.StartsAt is null ? "starts_at" : "ends_at");
            }

            if (ends <= starts)
            {
                return Invalid("ends_at", "ends_at must be after starts_at.");
            }

            window = new MaintenanceWindow
            {
                Id = ids.Next("mw"), ChannelCode = code, Kind = kind, StartsAt = starts.ToUniversalTime(), EndsAt = ends.ToUniversalTime(),
                Reason = r.Reason, CreatedAt = clock.GetUtcNow(),
            };
        }
        else
        {
            if (string.IsNullOrWhiteSpace(r.TimeZone))
            {
                return Missing("time_zone");
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone, out _))
            {
                return Invalid("time_zone", $"'{Truncate(r.TimeZone)}' is not a known IANA time zone (e.g. Asia/Shanghai).");
            }

            if (ParseTime(r.LocalStart) is not { } start)
            {
                return Invalid("local_start", "local_start must be a local time of day as HH:mm.");
            }

            if (ParseTime(r.LocalEnd) is not { } end)
            {
                return Invalid("local_end", "local_end must be a local time of day as HH:mm.");
            }

            if (start == end)
            {
                return Invalid("local_end", "local_end must differ from local_start (an end before the start crosses midnight).");
            }

            var mask = 0;
            if (kind == MaintenanceWindowKind.Weekly)
            {
                if (r.Days is not { Count: > 0 })
                {
                    return Missing("days");
                }

                foreach (var day in r.Days)
                {
                    var match = CatalogText.Days.FirstOrDefault(d => d.Key == day);
                    if (match.Key is null)
                    {
                        return Invalid("days", "days must list mon, tue, wed, thu, fri, sat or sun.");
                    }

                    mask |= 1 << (int)match.Value;
                }
            }

            window = new MaintenanceWindow
            {
                Id = ids.Next("mw"), ChannelCode = code, Kind = kind, LocalStart = start, LocalEnd = end, DaysOfWeekMask = mask,
                TimeZoneId = r.TimeZone, Reason = r.Reason, CreatedAt = clock.GetUtcNow(),
            };
        }

        db.MaintenanceWindows.Add(window);
        var view = MaintenanceWindowView.Of(window);
        AuditLog.Add(db, clock, user, "create", "maintenance_window", window.Id, null, view);
        if (await CommitAsync(db, catalog, ct) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Created($"/admin/api/channels/{code}/maintenance-windows/{window.Id}", view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWindowAsync(
        string code, string id, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var window = await db.MaintenanceWindows.FirstOrDefaultAsync(w => w.Id == id && w.ChannelCode == code, ct);
        if (window is null)
        {
            return Problems.NotFound("maintenance window");
        }

        db.MaintenanceWindows.Remove(window);
        AuditLog.Add(db, clock, user, "delete", "maintenance_window", window.Id, MaintenanceWindowView.Of(window), null);
        return await CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.NoContent();
    }

    private static TimeOnly? ParseTime(string? value) =>
        TimeOnly.TryParseExact(value, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;
}
