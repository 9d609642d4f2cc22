using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Server.Requery;

namespace Sluice.Server.Refunds;

/// <summary>
/// Supplementary queries of refunds: a refund the channel left pending (accepted, processing) or whose answer is unknown
/// (timeout, 5xx, unmapped code) is asked about with the channel's refund query, and the answer is applied through
/// <see cref="RefundService.ApplyReportAsync"/>, as a notice is. A refund found final (or in the exception queue) is
/// done without asking. A refund still <c>created</c> (its node died before recording the channel's answer), or pending
/// without a pending query row, is adopted.
/// </summary>
public sealed class RefundQueryHandler : IChannelQueryHandler
{
    public ChannelQueryKind Kind => ChannelQueryKind.Refund;

    public async Task<IReadOnlyList<OrphanOrder>> OrphansAsync(IServiceProvider scope, DateTimeOffset before, CancellationToken ct)
    {
        var db = scope.GetRequiredService<SluiceDbContext>();
        return await db.Refunds.AsNoTracking()
            .Where(r => (r.Status == RefundStatus.Created || r.Status == RefundStatus.Pending) && r.UpdatedAt < before
                && !db.ChannelQueries.Any(q => q.Kind == ChannelQueryKind.Refund && q.OrderId == r.Id && q.Status == ChannelQueryStatus.Pending)
                && db.ChannelAccounts.Any(a => a.Id == r.ChannelAccountId))
            .OrderBy(r => r.UpdatedAt).Take(100)
            .Select(r => new OrphanOrder(r.Id, r.ChannelAccountId, null))
                .ToListAsync(ct);
    }

    public async Task<ChannelQueryRound> QueryAsync(IServiceProvider scope, ChannelQuery row, CancellationToken ct)
    {
        var db = scope.GetRequiredService<SluiceDbContext>();
        var refund = await db.Refunds.FirstOrDefaultAsync(r => r.Id == row.OrderId, ct);
        if (refund is null || !RefundService.IsOpen(refund.Status))
        {
            var found = refund is null ? "missing" : RefundStateMachine.WireName(refund.Status);
            return new ChannelQueryRound("", "found " + found, found, true, null);
        }

        var result = await scope.GetRequiredService<RefundService>().QueryAtChannelAsync(refund, "channel_query", ct, ct);
        return new ChannelQueryRound("refund query", result, RefundStateMachine.WireName(refund.Status), !RefundService.IsOpen(refund.Status), null);
    }
}
