using Microsoft.Extensions.Options;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Hosting;
using Sluice.Withdrawals;

namespace Sluice.Server.Routing;

/// <summary>
/// Gives back daily-limit amounts nobody will ever use. A payment or withdrawal reserves its channel's limit before its
/// order row is stored; a node that dies between the two leaves a reservation with no order, and one that dies between
/// failing an order and releasing its reservation leaves a reservation on a failed order. Either way the channel's
/// limit would stay consumed for the rest of the business day. This pass, on every node, releases reservations older
/// than <see cref="Grace"/> whose order is missing, failed or closed; releasing is the ledger's compare-and-set, so two
/// nodes sweeping at once give each amount back exactly once.
/// </summary>
public sealed class LimitReservationSweeper(
    IServiceScopeFactory scopes, TimeProvider clock, ILogger<LimitReservationSweeper> logger)
{
    /// <summary>
    /// How old a reservation must be before it counts as orphaned: far longer than creating an order takes, so a
    /// reservation whose order is still being stored is never touched.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMinutes(10);

    /// <summary>How often a node looks; the query is cheap but there is no need to run it every poll.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private const int BatchSize = 100;

    private long _nextSweep = long.MinValue;

    /// <summary>Releases one batch of orphaned reservations when a sweep is due. Returns how many orders' amounts came back.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (now.UtcTicks < Interlocked.Read(ref _nextSweep))
        {
            return 0;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
        var ledger = scope.ServiceProvider.GetRequiredService<DailyLimitLedger>();
        var cutoff = now - Grace;
        var orphans = await db.LimitReservations.AsNoTracking()
            .Where(r => r.ReleasedAt == null && r.ReservedAt < cutoff
                && !db.Payments.Any(p => p.Id == r.OrderId && p.Status != PaymentStatus.Failed && p.Status != PaymentStatus.Closed)
                && !db.Withdrawals.Any(w => w.Id == r.OrderId && w.Status != WithdrawalStatus.Failed))
            .Select(r => r.OrderId)
            .Distinct()
            .Take(BatchSize)
            .ToListAsync(ct);

        var released = 0;
        foreach (var orderId in orphans)
        {
            if (await ledger.ReleaseAsync(orderId, ct))
            {
                released++;
                logger.OrphanedReservationReleased(orderId);
            }
        }

        // A full batch means there may be more: look again on the next round instead of waiting the interval.
        if (orphans.Count < BatchSize)
        {
            Interlocked.Exchange(ref _nextSweep, (now + Interval).UtcTicks);
        }

        return released;
    }
}

/// <summary>Runs the orphaned-reservation sweep on every node; releasing is a compare-and-set, so nodes never double-release.</summary>
public sealed class LimitReservationSweeperService(
    LimitReservationSweeper sweeper, IOptions<SluiceOptions> options, TimeProvider clock, ILogger<LimitReservationSweeperService> logger)
    : PollingWorkerService("Limit reservation sweep", sweeper.RunOnceAsync, options, clock, logger);
