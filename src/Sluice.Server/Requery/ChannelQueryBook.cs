using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Data;
using Sluice.Payments;

namespace Sluice.Server.Requery;

/// <summary>
/// Writes the rows of supplementary queries on the scope's unit of work: staged rows commit in the same transaction as
/// the order state they follow; leases on one order's row are taken and given up at once.
/// </summary>
public sealed class ChannelQueryBook(SluiceDbContext db, RequerySchedules schedules, IdGenerator ids, TimeProvider clock)
{
    /// <summary>Schedules the first query of a new order the channel has not settled (pending, or an unknown answer).</summary>
    public void Schedule(ChannelQueryKind kind, string orderId, ChannelAccount account, DateTimeOffset? expiresAt)
    {
        if (db.ChannelQueries.Local.Any(q => q.Kind == kind && q.OrderId == orderId))
        {
            return;
        }

        Stage(kind, orderId, account, schedules.NextAt(account.Protocol, 0, clock.GetUtcNow(), expiresAt));
    }

    /// <summary>
    /// Stages the row of an order due at <paramref name="dueAt"/>: with no account for an order no channel has yet (a
    /// held withdrawal), and leased by <paramref name="leasedBy"/> when that node is working on the order right now (its
    /// channel call), so no other node takes it up before that lease has expired.
    /// </summary>
    public ChannelQuery Stage(
        ChannelQueryKind kind, string orderId, ChannelAccount? account, DateTimeOffset dueAt, (string Owner, DateTimeOffset Until)? leasedBy = null)
    {
        var now = clock.GetUtcNow();
        var row = new ChannelQuery
        {
            Id = ids.Next("cq"),
            Kind = kind,
            OrderId = orderId,
            ChannelAccountId = account?.Id,
            Protocol = account?.Protocol,
            Status = ChannelQueryStatus.Pending,
            NextQueryAt = dueAt,
            LeaseOwner = leasedBy?.Owner,
            LeaseExpiresAt = leasedBy?.Until,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.ChannelQueries.Add(row);
        return row;
    }

    /// <summary>
    /// Leases an order's pending row to <paramref name="owner"/> unless another node holds it (a merchant's live
    /// refresh works under the same lease as the worker). True when this call took it.
    /// </summary>
    public async Task<bool> TryLeaseAsync(
        ChannelQueryKind kind, string orderId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken ct) =>
        await db.ChannelQueries
            .Where(q => q.Kind == kind && q.OrderId == orderId && q.Status == ChannelQueryStatus.Pending && (q.LeaseExpiresAt == null || q.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.LeaseOwner, owner).SetProperty(q => q.LeaseExpiresAt, now + lease), ct) == 1;

    /// <summary>
    /// Moves an order's pending row where the order went (<see cref="QueryRowMove"/>: another channel account, or none
    /// while a withdrawal is held), its schedule started over, and gives up <paramref name="owner"/>'s lease on it.
    /// </summary>
    public Task MoveAsync(ChannelQueryKind kind, string orderId, string owner, QueryRowMove move, string? lastResult, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.ChannelQueries
            .Where(q => q.Kind == kind && q.OrderId == orderId && q.LeaseOwner == owner && q.Status == ChannelQueryStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(q => q.ChannelAccountId, move.ChannelAccountId)
                .SetProperty(q => q.Protocol, move.Protocol)
                .SetProperty(q => q.AttemptCount, 0)
                .SetProperty(q => q.NextQueryAt, move.NextAt)
                .SetProperty(q => q.LastResult, q => lastResult ?? q.LastResult)
                .SetProperty(q => q.LeaseOwner, (string?)null)
                .SetProperty(q => q.LeaseExpiresAt, (DateTimeOffset?)null)
                .SetProperty(q => q.UpdatedAt, now), ct);
    }

    /// <summary>Gives up <paramref name="owner"/>'s lease on an order's row, leaving it due when it was.</summary>
    public Task ReleaseAsync(ChannelQueryKind kind, string orderId, string owner, CancellationToken ct) =>
        db.ChannelQueries.Where(q => q.Kind == kind && q.OrderId == orderId && q.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.LeaseOwner, (string?)null).SetProperty(q => q.LeaseExpiresAt, (DateTimeOffset?)null), ct);

    /// <summary>
    /// Schedules the query of an order that may have had a row before: a pending row stays as it is; a done one (a
    /// refund an operator resent from the exception queue) is reopened from the start of its protocol's schedule.
    /// </summary>
    public async Task ScheduleAsync(ChannelQueryKind kind, string orderId, ChannelAccount account, DateTimeOffset? expiresAt, CancellationToken ct)
    {
        var row = db.ChannelQueries.Local.FirstOrDefault(q => q.Kind == kind && q.OrderId == orderId)
            ?? await db.ChannelQueries.FirstOrDefaultAsync(q => q.Kind == kind && q.OrderId == orderId, ct);
        if (row is null)
        {
            Schedule(kind, orderId, account, expiresAt);
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
    public async Task SettleAsync(ChannelQueryKind kind, string orderId, DateTimeOffset now, CancellationToken ct)
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
