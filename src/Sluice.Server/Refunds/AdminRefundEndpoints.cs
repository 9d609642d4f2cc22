using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Refunds;
using Sluice.Server.Api;
using Sluice.Server.Auth;
using Sluice.Server.Orders;

namespace Sluice.Server.Refunds;

/// <summary>
/// Operators' view of refunds and the exception queue: refunds whose original route is impossible, which an operator
/// resends (when the channel permits), pays back through a withdrawal channel to an account the buyer gives, or closes
/// as handled offline, each with a note where it matters, audited and notified.
/// </summary>
public static class AdminRefundEndpoints
{
    public static void MapAdminRefundEndpoints(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/refunds").WithTags("Admin: refunds");
        group.MapGet("/exceptions", ExceptionsAsync).WithSummary("Refunds that cannot take their original route");
        group.MapGet("/overdue", OverdueAsync)
            .WithSummary("Refunds flagged overdue and not final yet: past their channel's refund timeout, or unable to take their route")
            .WithDescription("Filters: channel (channel code), status (created, pending, exception, paying_back). Resolve them by contacting the buyer, " +
                             "then resend or close as handled offline.");
        group.MapGet("/{id}", GetAsync).WithSummary("A refund with its raw channel codes and timeline");
        group.MapPost("/{id}/resend", async (string id, HttpContext http, RefundService refunds, CancellationToken ct) =>
                RefundEndpoints.ToResult(await refunds.ResendAsync(http.User, id, ct), http))
            .WithSummary("Resend an exception refund through its original channel account (when the channel permits)");
        group.MapPost("/{id}/close-offline", CloseOfflineAsync).WithSummary("Close an exception refund as handled offline, with a note");
        group.MapPost("/{id}/notes", AddNoteAsync)
            .WithSummary("Record what an operator did about a refund (e.g. contacted the buyer); on its timeline and in the audit log")
            .WithDescription("Changes no state and notifies nobody: the note is for the operators who pick the refund up next.");
        group.MapPost("/{id}/pay-back", PayBackAsync)
            .WithSummary("Pay an exception refund back through a withdrawal channel to an account the buyer gives, with a note")
            .WithDescription("Body: payee_type (bank_account or wallet), payee_account_no, payee_name, optional bank_code, note. Opens a withdrawal " +
                             "routed among the merchant's withdrawal channels; the refund is paying_back until it succeeds (refund succeeded) " +
                             "or fails (back to exception).");
    }

    public static AdminRefundView ViewOf(RefundOrder r, bool resendAllowed, IReadOnlyList<OrderEventView>? events) =>
        new(RefundView.From(r), r.AppId, r.MerchantId, r.ChannelAccountId, r.ChannelRefundNo, r.LastChannelOutcome, r.RawCode, r.RawSubCode,
            r.RawMessage, r.ResultCode, r.ExceptionReason, r.ResolutionNote, resendAllowed, r.OverdueAt, events);

    private static async Task<Ok<List<AdminRefundView>>> ExceptionsAsync(RefundService refunds, CancellationToken ct)
    {
        var views = new List<AdminRefundView>();
        foreach (var r in await refunds.ExceptionsAsync(ct))
        {
            views.Add(ViewOf(r, await refunds.ResendAllowedAsync(r, ct), null));
        }

        return TypedResults.Ok(views);
    }

    private static async Task<Results<Ok<List<AdminRefundView>>, ProblemHttpResult>> OverdueAsync(
        string? channel, string? status, SluiceDbContext db, RefundService refunds, CancellationToken ct)
    {
        RefundStatus[] open = [RefundStatus.Created, RefundStatus.Pending, RefundStatus.Exception, RefundStatus.PayingBack];
        var wanted = open.Where(s => status is null || RefundStateMachine.WireName(s) == status).ToArray();
        if (wanted.Length == 0)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "status", "status must be created, pending, exception or paying_back (overdue refunds are not final).");
        }

        var rows = await db.Refunds.AsNoTracking()
            .Where(x => x.OverdueAt != null && wanted.Contains(x.Status) && (channel == null || x.ChannelCode == channel))
            .OrderBy(x => x.OverdueAt).Take(500).ToListAsync(ct);
        var views = new List<AdminRefundView>();
        foreach (var r in rows)
        {
            views.Add(ViewOf(r, await refunds.ResendAllowedAsync(r, ct), null));
        }

        return TypedResults.Ok(views);
    }

    private static async Task<Results<Ok<AdminRefundView>, ProblemHttpResult>> GetAsync(string id, SluiceDbContext db, RefundService refunds, CancellationToken ct) =>
        await WithTimelineAsync(id, db, refunds, ct) is { } view ? TypedResults.Ok(view) : Problems.Of(404, UnifiedCode.NotFound, "No refund with that id.");

    private static async Task<AdminRefundView?> WithTimelineAsync(string id, SluiceDbContext db, RefundService refunds, CancellationToken ct)
    {
        var r = await db.Refunds.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (r is null)
        {
            return null;
        }

        List<OrderEventView> events = [OrderEventView.CreatedFrom(r, null),
            .. (await db.RefundEvents.AsNoTracking().Where(e => e.RefundId == id).OrderBy(e => e.Id).ToListAsync(ct)).Select(OrderEventView.Of)];
        return ViewOf(r, await refunds.ResendAllowedAsync(r, ct), events);
    }

    private static async Task<Results<Created<AdminRefundView>, ProblemHttpResult>> AddNoteAsync(
        string id, [FromBody] OperatorNoteRequest? body, HttpContext http, SluiceDbContext db, RefundService refunds, OrderTransitions<RefundOrder, RefundStatus> orders,
        TimeProvider clock, CancellationToken ct)
    {
        if (OperatorNotes.Validate(body?.Note) is { } problem)
        {
            return problem;
        }

        var refund = await db.Refunds.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (refund is null)
        {
            return Problems.Of(404, UnifiedCode.NotFound, "No refund with that id.");
        }

        var note = body!.Note!.Trim();
        orders.Note(refund, "operator_note", "operator:" + (http.User.Identity?.Name ?? "unknown"), note);
        Audit.AuditLog.Add(db, clock, http.User, "refund.note", "refund", refund.Id, null, new { note });
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return TypedResults.Created($"/admin/api/refunds/{id}", await WithTimelineAsync(id, db, refunds, ct));
    }

    private static async Task<IResult> CloseOfflineAsync(string id, [FromBody] OperatorNoteRequest? body, HttpContext http, RefundService refunds, CancellationToken ct) =>
        OperatorNotes.Validate(body?.Note) is { } invalid
            ? invalid
            : RefundEndpoints.ToResult(await refunds.CloseOfflineAsync(http.User, id, body!.Note!, ct), http);

    private static async Task<IResult> PayBackAsync(string id, [FromBody] PayBackRefundRequest? body, HttpContext http, RefundPayBackService payBacks, CancellationToken ct)
    {
        if (body is null)
        {
            return Problems.Of(400, UnifiedCode.MalformedJson, "The request needs a JSON object body.");
        }

        return RefundPayBackService.Validate(body) is { } invalid ? invalid : RefundEndpoints.ToResult(await payBacks.PayBackAsync(http.User, id, body, ct), http);
    }
}
