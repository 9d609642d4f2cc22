using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Server.Api;
using Sluice.Server.Auth;
using Sluice.Server.Merchants;
using Sluice.Webhooks;

namespace Sluice.Server.Webhooks;

public sealed record WebhookAttemptView(int AttemptNumber, string NodeId, DateTimeOffset StartedAt, int? ResponseStatus, string? Error, long DurationMs);

public sealed record WebhookDeliveryView(
    string Id, string EventId, string EventType, string AppId, string Url, string Status, int AttemptCount,
    DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, string? LastError,
    IReadOnlyList<WebhookAttemptView>? Attempts);

/// <summary>The webhook log for operators, and resending a delivery.</summary>
public static class AdminWebhookEndpoints
{
    public static void MapAdminWebhookEndpoints(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/api/webhooks").RequireAuthorization(SluiceAuth.AdminPolicy).WithTags("Admin: webhooks");
        admin.MapGet("/deliveries", ListAsync);
        admin.MapGet("/deliveries/{id}", GetAsync);
        admin.MapPost("/deliveries/{id}/resend", ResendAsync);
    }

    private static async Task<Ok<List<WebhookDeliveryView>>> ListAsync(string? status, string? appId, SluiceDbContext db, CancellationToken ct)
    {
        var query = db.WebhookDeliveries.AsNoTracking();
        if (Enum.TryParse<WebhookDeliveryStatus>(status, ignoreCase: true, out var s))
        {
            query = query.Where(d => d.Status == s);
        }

        if (appId is not null)
        {
            query = query.Where(d => d.AppId == appId);
        }

        var rows = await query.OrderByDescending(d => d.Id).Take(200).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(d => View(d, null)).ToList());
    }

    private static async Task<Results<Ok<WebhookDeliveryView>, ProblemHttpResult>> GetAsync(string id, SluiceDbContext db, CancellationToken ct)
    {
        var d = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null)
        {
            return Problems.NotFound("webhook delivery");
        }

        var attempts = await db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == id).OrderBy(a => a.AttemptNumber)
            .Select(a => new WebhookAttemptView(a.AttemptNumber, a.NodeId, a.StartedAt, a.ResponseStatus, a.Error, a.DurationMs)).ToListAsync(ct);
        return TypedResults.Ok(View(d, attempts));
    }

    /// <summary>Puts a delivered or failed delivery back in the queue for one more round of the schedule.</summary>
    private static async Task<Results<Ok<WebhookDeliveryView>, ProblemHttpResult>> ResendAsync(
        string id, SluiceDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var d = await db.WebhookDeliveries.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null)
        {
            return Problems.NotFound("webhook delivery");
        }

        var before = View(d, null);
        d.Status = WebhookDeliveryStatus.Pending;
        d.NextAttemptAt = clock.GetUtcNow();
        d.AttemptCount = 0;
        d.LeaseOwner = null;
        d.LeaseExpiresAt = null;
        AdminMerchantEndpoints.Audit(db, clock, user, "resend", "webhook_delivery", d.Id, before.Status, "pending");
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(d, null));
    }

    private static WebhookDeliveryView View(WebhookDelivery d, IReadOnlyList<WebhookAttemptView>? attempts) => new(
        d.Id, d.EventId, d.EventType, d.AppId, d.Url, d.Status.ToString().ToLowerInvariant(), d.AttemptCount, d.NextAttemptAt,
        d.CreatedAt, d.DeliveredAt, d.LastError, attempts);
}
