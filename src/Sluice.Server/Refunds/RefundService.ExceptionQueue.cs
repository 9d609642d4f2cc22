using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Sluice.Errors;
using Sluice.Refunds;
using Sluice.Server.Audit;
using Sluice.Server.Orders;

namespace Sluice.Server.Refunds;

/// <summary>The exception queue: refunds whose original route is impossible, and the operator's resend and close-offline actions.</summary>
public sealed partial class RefundService
{
    /// <summary>Refunds in the exception queue (the original route is impossible), oldest first.</summary>
    public Task<List<RefundOrder>> ExceptionsAsync(CancellationToken ct) =>
        db.Refunds.AsNoTracking().Where(x => x.Status == RefundStatus.Exception).OrderBy(x => x.UpdatedAt).Take(500).ToListAsync(ct);

    /// <summary>Whether an operator may resend a refund of the exception queue through its original route now.</summary>
    public async Task<bool> ResendAllowedAsync(RefundOrder refund, CancellationToken ct) =>
        refund.Status == RefundStatus.Exception
        && refund.ResultCode != "refund_window_passed" // a channel's refund window never reopens
        && (await RouteAsync(refund, ct)).Account is not null;

    /// <summary>An operator resends an exception refund through its original channel account, when the channel permits it.</summary>
    public async Task<OrderResult<RefundOrder>> ResendAsync(ClaimsPrincipal operatorUser, string id, CancellationToken ct)
    {
        var refund = await db.Refunds.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (refund is null)
        {
            return Refusal.Of(RefusalKind.NotFound, UnifiedCode.NotFound, "No refund with that id.");
        }

        if (!await ResendAllowedAsync(refund, ct))
        {
            return Refusal.Of(RefusalKind.Conflict, UnifiedCode.RefundActionNotAllowed,
                refund.Status != RefundStatus.Exception
                    ? $"Only a refund in the exception queue can be resent; this one is {RefundStateMachine.WireName(refund.Status)}."
                    : $"The channel does not permit resending this refund ({refund.ExceptionReason}).",
                new Dictionary<string, object?> { ["refund_status"] = RefundStateMachine.WireName(refund.Status) });
        }

        var before = AdminRefundEndpoints.ViewOf(refund, false, null);
        AuditLog.Add(db, clock, operatorUser, "refund.resend", "refund", refund.Id, before, new { status = "pending" });
        var moved = await orders.ApplyAsync(refund, new(RefundStatus.Pending, "operator_resend", "resent by " + (operatorUser.Identity?.Name ?? "operator")) { OnlyFrom = RefundStatus.Exception }, x =>
        {
            x.ExceptionReason = null;
            x.ResultCode = null;
        }, ct);
        if (moved != TransitionResult.Applied)
        {
            db.ChangeTracker.Clear();
            return Refusal.Of(RefusalKind.Conflict, UnifiedCode.ConcurrentModification, "The refund changed meanwhile; read it again.");
        }

        await SendAsync(refund, "operator_resend", CancellationToken.None);
        return OrderResult<RefundOrder>.Ok(refund);
    }

    /// <summary>An operator paid the refund back outside Sluice: closed with a note; its amount stays refunded.</summary>
    public async Task<OrderResult<RefundOrder>> CloseOfflineAsync(ClaimsPrincipal operatorUser, string id, string note, CancellationToken ct)
    {
        var refund = await db.Refunds.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (refund is null)
        {
            return Refusal.Of(RefusalKind.NotFound, UnifiedCode.NotFound, "No refund with that id.");
        }

        if (refund.Status != RefundStatus.Exception)
        {
            return NotInExceptionQueue(refund, "closed as handled offline");
        }

        var before = AdminRefundEndpoints.ViewOf(refund, false, null);
        AuditLog.Add(db, clock, operatorUser, "refund.close_offline", "refund", refund.Id, before, new { status = "closed_offline", note });
        var moved = await orders.ApplyAsync(refund, new(RefundStatus.ClosedOffline, "operator_close_offline", note), x =>
        {
            x.ResolutionNote = note;
            x.RefundedAt = clock.GetUtcNow();
        }, ct);
        if (moved != TransitionResult.Applied)
        {
            db.ChangeTracker.Clear();
            return Refusal.Of(RefusalKind.Conflict, UnifiedCode.ConcurrentModification, "The refund changed meanwhile; read it again.");
        }

        return OrderResult<RefundOrder>.Ok(refund);
    }

    /// <summary>The problem answering an operator's action on a refund that is not in the exception queue (nothing changed).</summary>
    public static Refusal NotInExceptionQueue(RefundOrder refund, string action) =>
        Refusal.Of(RefusalKind.Conflict, UnifiedCode.RefundActionNotAllowed,
            $"Only a refund in the exception queue can be {action}; this one is {RefundStateMachine.WireName(refund.Status)}.",
            new Dictionary<string, object?> { ["refund_status"] = RefundStateMachine.WireName(refund.Status) });
}
