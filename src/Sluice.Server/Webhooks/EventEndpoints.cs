using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Server.Api;
using Sluice.Server.Auth;
using Sluice.Webhooks;

namespace Sluice.Server.Webhooks;

/// <summary>
/// Every webhook is also an event resource: <c>GET /v1/events</c> lists the app's events newest first (filters
/// <c>type</c>, <c>order_id</c> and the list parameters), <c>GET /v1/events/{id}</c> answers one — the exact body its
/// webhook carries (<c>{id, type, created_at, data}</c>). Events are kept with their delivery rows (never purged).
/// </summary>
public static class EventEndpoints
{
    public static void MapEventEndpoints(this RouteGroupBuilder merchant)
    {
        var group = merchant.MapGroup("/events").WithTags("Events");
        group.MapGet("/", ListAsync).WithName("ListEvents").WithSummary("List the app's events (every webhook it was sent), newest first")
            .WithDescription("Filters: type (e.g. payment.succeeded), order_id (a payment, refund or withdrawal id), limit, starting_after, ending_before, created[gte], created[lt]. " +
                             "The event catalogue is in docs/webhooks.md.");
        group.MapGet("/{id}", GetAsync).WithName("GetEvent").WithSummary("Get one event by its id (evt_...)");
    }

    private static async Task<Results<Ok<ListPage<JsonElement>>, ProblemHttpResult>> ListAsync(
        HttpContext http, SluiceDbContext db, CancellationToken ct)
    {
        var (query, invalid) = ListQuery.From(http.Request, []);
        if (invalid is not null)
        {
            return invalid;
        }

        var appId = http.User.Caller().AppId;
        var rows = db.WebhookDeliveries.Where(d => d.AppId == appId);
        var type = http.Request.Query["type"].ToString();
        if (type.Length > 0)
        {
            if (type.Length > 64)
            {
                return Problems.Validation(UnifiedCode.InvalidField, "type", "type is an event type such as payment.succeeded.");
            }

            rows = rows.Where(d => d.EventType == type);
        }

        var orderId = http.Request.Query["order_id"].ToString();
        if (orderId.Length > 0)
        {
            rows = rows.Where(d => d.OrderId == orderId);
        }

        return TypedResults.Ok(await MerchantLists.PageAsync(rows, d => d.EventId, d => d.CreatedAt, query!, Body, "/v1/events", ct));
    }

    private static async Task<Results<Ok<JsonElement>, ProblemHttpResult>> GetAsync(string id, HttpContext http, SluiceDbContext db, CancellationToken ct)
    {
        var appId = http.User.Caller().AppId;
        var row = await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.AppId == appId && d.EventId == id, ct);
        return row is null ? Problems.NotFound("event") : TypedResults.Ok(Body(row));
    }

    private static JsonElement Body(WebhookDelivery delivery) => JsonDocument.Parse(delivery.Payload).RootElement.Clone();
}
