using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Data;
using Sluice.Payments;

namespace Sluice.Server.Requery;

/// <summary>
/// Writes the rows of supplementary queries. Both calls only stage changes on the caller's unit of work, so a row is
/// committed in the same transaction as the order state it follows.
/// </summary>
public sealed class ChannelQueryBook(RequerySchedules schedules, IdGenerator ids, TimeProvider clock)
{
    /// <summary>Schedules the first query of a new order the channel has not settled (pending, or an unknown answer).</summary>
    public void Schedule(SluiceDbContext db, ChannelQueryKind kind, string orderId, ChannelAccount account, DateTimeOffset? expiresAt)
    {
        if (db.ChannelQueries.Local.Any(q => q.Kind == kind && q.OrderId == orderId))
        {
            return;
        }

        var now = clock.GetUtcNow();
        db.ChannelQueries.Add(new ChannelQuery
        {
            Id = ids.Next("cq"),
            Kind = kind,
            OrderId = orderId,
            ChannelAccountId = account.Id,
            Protocol = account.Protocol,
            Status = ChannelQueryStatus.Pending,
            NextQueryAt = schedules.NextAt(account.Protocol, 0, now, expiresAt),
            CreatedAt = now,
            UpdatedAt = now,
        });
    }

    /// <summary>
    /// Schedules the query of an order that may have had a row before: a pending row stays as it is; a done one (a
    /// refund an operator resent from the exception queue) is reopened from the start of its protocol's schedule.
    /// </summary>
    public async Task ScheduleAsync(SluiceDbContext db, ChannelQueryKind kind, string orderId, ChannelAccount account, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        var row = db.ChannelQueries.Local.FirstOrDefault(q => q.Kind == kind && q.OrderId == orderId)
            ?? await db.ChannelQueries.FirstOrDefaultAsync(q => q.Kind == kind && q.OrderId == orderId, ct);
        if (row is null)
        {
            Schedule(db, kind, orderId, account, expiresAt);
            return;
        }

        if (row.Status == ChannelQueryStatus.Pending)
        {
            return;
        }

        var now = clock.GetUtcNow();
        row.Status = ChannelQueryStatus.Pending;
        row.AttemptCount = 0;
        row.NextQueryAt = schedules.NextAt(account.Protocol, 0, now, expiresAt);
        row.LeaseOwner = null;
        row.LeaseExpiresAt = null;
        row.UpdatedAt = now;
    }

    /// <summary>Marks an order's pending query done because the order has become terminal.</summary>
    public static async Task SettleAsync(SluiceDbContext db, ChannelQueryKind kind, string orderId, DateTimeOffset now, CancellationToken ct)
    {
        var row = db.ChannelQueries.Local.FirstOrDefault(q => q.Kind == kind && q.OrderId == orderId)
            ?? await db.ChannelQueries.FirstOrDefaultAsync(q => q.Kind == kind && q.OrderId == orderId && q.Status == ChannelQueryStatus.Pending, ct);
        if (row is null || row.Status == ChannelQueryStatus.Done)
        {
            return;
        }

        if (db.Entry(row).State == EntityState.Added)
        {
            // Scheduled in this very unit of work and already settled: it need not exist at all.
            db.Entry(row).State = EntityState.Detached;
            return;
        }

        row.Status = ChannelQueryStatus.Done;
        row.UpdatedAt = now;
    }
}
