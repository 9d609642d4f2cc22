using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Payments;

namespace Sluice.Server.Requery;

/// <summary>
/// Supplementary queries of payments: an order found terminal is done; an order past its expiry is closed at the channel
/// first, then locally; any other order is queried and the answer applied through the same compare-and-set and webhook
/// path as a notice. A payment still <c>created</c> without a query row was left by a node that died before recording
/// the channel's answer.
/// </summary>
public sealed class PaymentQueryHandler(TimeProvider clock) : IChannelQueryHandler
{
    public ChannelQueryKind Kind => ChannelQueryKind.Payment;

    public async Task<IReadOnlyList<OrphanOrder>> OrphansAsync(IServiceProvider scope, DateTimeOffset before, CancellationToken ct)
    {
        var db = scope.GetRequiredService<SluiceDbContext>();
        return await db.Payments.AsNoTracking()
            .Where(p => p.Status == PaymentStatus.Created && p.CreatedAt < before
                && !db.ChannelQueries.Any(q => q.Kind == ChannelQueryKind.Payment && q.OrderId == p.Id))
            .OrderBy(p => p.CreatedAt).Take(100)
            .Select(p => new OrphanOrder(p.Id, p.ChannelAccountId!, p.ExpiresAt))
                .ToListAsync(ct);
    }

    public async Task<ChannelQueryRound> QueryAsync(IServiceProvider scope, ChannelQuery row, CancellationToken ct)
    {
        var db = scope.GetRequiredService<SluiceDbContext>();
        var order = await db.Payments.FirstOrDefaultAsync(p => p.Id == row.OrderId, ct);
        if (order is null || PaymentStateMachine.IsTerminal(order.Status))
        {
            var found = order is null ? "missing" : PaymentStateMachine.WireName(order.Status);
            return new ChannelQueryRound("", "found " + found, found, true, order?.ExpiresAt);
        }

        var payments = scope.GetRequiredService<PaymentService>();
        var expired = clock.GetUtcNow() >= order.ExpiresAt;
        var result = expired
            ? await payments.CloseAtChannelAsync(order, "expiry_close", ct)
            : await payments.QueryAtChannelAsync(order, "channel_query", ct, ct);
        return new ChannelQueryRound(expired ? "close" : "query", result, PaymentStateMachine.WireName(order.Status),
            PaymentStateMachine.IsTerminal(order.Status), order.ExpiresAt);
    }
}
