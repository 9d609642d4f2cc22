using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Routing;

namespace Sluice.Server.Routing;

/// <summary>
/// Daily limits that hold exactly under concurrency and across nodes. Reserving is one conditional UPDATE
/// (<c>reserved + amount &lt;= limit</c>) on the channel's usage row for the business day, committed with the order's
/// reservation row; the database serialises concurrent updates of that row, so the limit is never exceeded, and every
/// reservation that fits succeeds, so it is never under-used. Releasing is a compare-and-set on the reservation, so an
/// order's amount comes back exactly once.
/// </summary>
public sealed class DailyLimitLedger(SluiceDbContext db, TimeProvider clock)
{
    /// <summary>Daily limits count natural days in China Standard Time, as Chinese channels do.</summary>
    public static readonly TimeZoneInfo BusinessZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    /// <summary>The usage key of a channel's limit at one bank for one card type, kept beside the channel's own key.</summary>
    public static string BankKey(string channelCode, string bankCode, CardType cardType) =>
        $"{channelCode}@{bankCode}:{cardType.ToString().ToLowerInvariant()}";

    public static string BusinessDayOf(DateTimeOffset instant) =>
        TimeZoneInfo.ConvertTime(instant, BusinessZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Reserves <paramref name="amount"/> of <paramref name="channelCode"/>'s daily limit for an order.</summary>
    public async Task<bool> TryReserveAsync(string orderId, string channelCode, long amount, long dailyLimit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var day = BusinessDayOf(now);
        if (amount > dailyLimit)
        {
            return false;
        }

        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO channel_daily_usage (channel_code, business_day, reserved_amount) VALUES ({channelCode}, {day}, {0L}) ON CONFLICT DO NOTHING", ct);

        await using var transaction = await OwnTransactionAsync(db, ct);
        var taken = await db.ChannelDailyUsage
            .Where(u => u.ChannelCode == channelCode && u.BusinessDay == day && u.ReservedAmount + amount <= dailyLimit)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.ReservedAmount, u => u.ReservedAmount + amount), ct);
        if (taken != 1)
        {
            return false;
        }

        db.LimitReservations.Add(new LimitReservation { OrderId = orderId, ChannelCode = channelCode, BusinessDay = day, Amount = amount, ReservedAt = now });
        await db.SaveChangesAsync(ct);
        await CommitIfOwnAsync(transaction, ct);
        return true;
    }

    /// <summary>
    /// The first candidate from <paramref name="start"/> whose daily limits take the amount, reserved (the channel's, and
    /// for a bank-card payment the channel's at that bank), or -1. A candidate whose limit another request just took
    /// is passed over before any channel is asked. Shared by payments and withdrawals.
    /// </summary>
    public async Task<int> ReserveFirstAsync(
        string orderId, IReadOnlyList<(ChannelInfo Channel, ChannelAccount Account)> candidates, int start, RoutingRequest request, CancellationToken ct)
    {
        for (var i = start; i < candidates.Count; i++)
        {
            var channel = candidates[i].Channel;
            if (channel.LimitCurrency != request.Currency)
            {
                return i;
            }

            var channelOk = channel.DailyLimitMinor is not { } limit
                || await TryReserveAsync(orderId, channel.Code, request.Amount, limit, ct);
            var card = request.CardType ?? CardType.Debit;
            var bankOk = channelOk
                && (request.BankCode is null
                    || !channel.Banks.TryGetValue((request.BankCode, card), out var bank)
                    || bank.DailyLimitMinor is not { } bankLimit
                    || await TryReserveAsync(orderId, DailyLimitLedger.BankKey(channel.Code, request.BankCode, card), request.Amount, bankLimit, ct));
            if (bankOk)
            {
                return i;
            }

            await ReleaseAsync(orderId, ct);
        }

        return -1;
    }

    /// <summary>
    /// After candidate <paramref name="current"/> definitely did not take the order: gives its reservation back and
    /// reserves the next candidate that fits (its index), or -1.
    /// </summary>
    public async Task<int> ReserveNextAsync(
        string orderId, IReadOnlyList<(ChannelInfo Channel, ChannelAccount Account)> candidates, int current, RoutingRequest request, CancellationToken ct)
    {
        await ReleaseAsync(orderId, ct);
        return await ReserveFirstAsync(orderId, candidates, current + 1, request, ct);
    }

    /// <summary>Gives every amount an order reserved (channel and bank) back to its day. Safe to call any number of times.</summary>
    public async Task<bool> ReleaseAsync(string orderId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await OwnTransactionAsync(db, ct);
        var reservations = await db.LimitReservations.AsNoTracking().Where(r => r.OrderId == orderId && r.ReleasedAt == null).ToListAsync(ct);
        var any = false;
        foreach (var reservation in reservations)
        {
            // Compare-and-set per reservation: of racing releases exactly one gives the amount back.
            var released = await db.LimitReservations
                .Where(r => r.OrderId == orderId && r.ChannelCode == reservation.ChannelCode && r.ReleasedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ReleasedAt, now), ct);
            if (released != 1)
            {
                continue;
            }

            await db.ChannelDailyUsage
                .Where(u => u.ChannelCode == reservation.ChannelCode && u.BusinessDay == reservation.BusinessDay)
                .ExecuteUpdateAsync(s => s.SetProperty(u => u.ReservedAmount, u => u.ReservedAmount - reservation.Amount), ct);
            any = true;
        }

        await CommitIfOwnAsync(transaction, ct);
        return any;
    }

    /// <summary>A transaction of our own, or none when the caller's transaction already covers this work.</summary>
    private static async Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction?> OwnTransactionAsync(SluiceDbContext db, CancellationToken ct) =>
        db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;

    private static Task CommitIfOwnAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction, CancellationToken ct) =>
        transaction?.CommitAsync(ct) ?? Task.CompletedTask;

    /// <summary>The amount reserved today per channel, for routing's daily-limit filter.</summary>
    public async Task<Dictionary<string, long>> UsedTodayAsync(CancellationToken ct)
    {
        var day = BusinessDayOf(clock.GetUtcNow());
        return await db.ChannelDailyUsage.AsNoTracking().Where(u => u.BusinessDay == day)
            .ToDictionaryAsync(u => u.ChannelCode, u => u.ReservedAmount, StringComparer.Ordinal, ct);
    }
}
