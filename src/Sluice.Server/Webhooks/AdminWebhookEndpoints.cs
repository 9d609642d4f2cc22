using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Server.Api;
using Sluice.Server.Auth;
using Sluice.Server.Audit;
using Sluice.Webhooks;

namespace Sluice.Server.Webhooks;

public sealed record WebhookAttemptView(int AttemptNumber, string NodeId, DateTimeOffset StartedAt, int? ResponseStatus, string? Error, long DurationMs);

public sealed record WebhookDeliveryView(
    string Id, string EventId, string EventType, string AppId, string Url, string Status, int AttemptCount,
    int RoundAttemptCount, DateTimeOffset NextAttemptAt, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt, string? LastError,
    IReadOnlyList<WebhookAttemptView>? Attempts);

/// <summary>The webhook log for operators, and resending a delivery.</summary>
public static class AdminWebhookEndpoints
{
    public static void MapAdminWebhookEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("/webhooks").WithTags("Admin: webhooks");
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

    /// <summary>
    /// Puts a delivery back in the queue for one more round of the retry schedule, due now. Attempt numbers keep
    /// counting across rounds, so the log shows every request the merchant was sent; only the schedule starts over.
    /// A delivery that a node is sending right now (a live lease) is refused with 409: its outcome is not known yet.
    /// </summary>
    private static async Task<Results<Ok<WebhookDeliveryView>, ProblemHttpResult>> ResendAsync(
        string id, SluiceDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var d = await db.WebhookDeliveries.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (d is null)
        {
            return Problems.NotFound("webhook delivery");
        }

        var now = clock.GetUtcNow();
        if (d.LeaseExpiresAt is { } leasedUntil && leasedUntil >= now)
        {
            return InFlight();
        }

        var before = View(d, null);
        d.Status = WebhookDeliveryStatus.Pending;
        d.NextAttemptAt = now;
        d.RoundAttemptCount = 0;
        d.DeliveredAt = null;
        d.LeaseOwner = null;
        d.LeaseExpiresAt = null;
        AuditLog.Add(db, clock, user, "resend", "webhook_delivery", d.Id, before.Status, "pending");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A node claimed it between our read and our write (the lease owner is a concurrency token).
            return InFlight();
        }

        return TypedResults.Ok(View(d, null));
    }

    private static ProblemHttpResult InFlight() => Problems.Of(
        StatusCodes.Status409Conflict, UnifiedCode.ConcurrentModification, "The delivery is being attempted right now; resend it once that attempt is logged.");

    private static WebhookDeliveryView View(WebhookDelivery d, IReadOnlyList<WebhookAttemptView>? attempts) => new(
        d.Id, d.EventId, d.EventType, d.AppId, d.Url, d.Status.ToString().ToLowerInvariant(), d.AttemptCount, d.RoundAttemptCount, d.NextAttemptAt,
        d.CreatedAt, d.DeliveredAt, d.LastError, attempts);
}
