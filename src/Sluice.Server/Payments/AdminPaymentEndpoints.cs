using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Api;
using Sluice.Server.Orders;

namespace Sluice.Server.Payments;

/// <summary>Operators' view of payments: raw channel codes and the whole timeline.</summary>
public static class AdminPaymentEndpoints
{
    /// <summary>Maps <c>/payments/{id}</c> into the admin API group (<c>/admin/api</c>, whose policy admits operators only).</summary>
    public static void MapAdminPaymentEndpoints(this RouteGroupBuilder admin) =>
        admin.MapGet("/payments/{id}", GetPaymentAsync).WithTags("Admin: payments");

    private static async Task<Results<Ok<AdminPaymentView>, ProblemHttpResult>> GetPaymentAsync(string id, SluiceDbContext db, CancellationToken ct)
    {
        var o = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (o is null)
        {
            return Problems.NotFound("payment");
        }

        List<OrderEventView> events = [OrderEventView.CreatedFrom(o, $"channel account {o.ChannelAccountId} ({o.ChannelCode})"),
            .. (await db.PaymentEvents.AsNoTracking().Where(e => e.PaymentId == id).OrderBy(e => e.Id).ToListAsync(ct)).Select(OrderEventView.Of)];
        var unbelieved = PaymentStateMachine.IsTerminal(o.Status)
            ? null
            : events.LastOrDefault(e => e.Kind == OrderTransitions<PaymentOrder, PaymentStatus>.AmountMismatchEvent);
        return TypedResults.Ok(new AdminPaymentView(PaymentView.From(o), o.AppId, o.MerchantId, o.ChannelAccountId, o.ChannelTradeNo,
            o.LastChannelOutcome, o.RawCode, o.RawSubCode, o.RawMessage, o.ResultCode ?? o.FailureCode, events)
        {
            Attention = unbelieved is null ? null : $"success not believed ({unbelieved.Source}, {unbelieved.At:O}): {unbelieved.Detail}",
        });
    }
}
