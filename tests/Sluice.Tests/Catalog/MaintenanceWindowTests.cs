using System.Collections.Frozen;
using System.Collections.Immutable;
using Sluice.Channels;

namespace Sluice.Tests.Catalog;

/// <summary>Maintenance window evaluation: instants, local wall-clock times across midnight, days of the week, and DST days.</summary>
public sealed class MaintenanceWindowTests
{
    private static MaintenanceWindow Recurring(string zone, string start, string end, params DayOfWeek[] days) => new()
    {
        Id = "mw_test",
        ChannelCode = "c",
        Kind = days.Length == 0 ? MaintenanceWindowKind.Daily : MaintenanceWindowKind.Weekly,
        LocalStart = TimeOnly.Parse(start),
        LocalEnd = TimeOnly.Parse(end),
        DaysOfWeekMask = MaintenanceWindow.MaskOf(days),
        TimeZoneId = zone,
    };

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi, int s = 0) => new(y, mo, d, h, mi, s, TimeSpan.Zero);

    [Fact]
    public void A_one_off_window_covers_its_start_and_not_its_end()
    {
        var w = new MaintenanceWindow
        {
            Id = "mw_1", ChannelCode = "c", Kind = MaintenanceWindowKind.OneOff,
            StartsAt = Utc(2026, 12, 1, 2, 0), EndsAt = Utc(2026, 12, 1, 4, 0),
        };

        w.IsActiveAt(Utc(2026, 12, 1, 1, 59, 59)).ShouldBeFalse();
        w.IsActiveAt(Utc(2026, 12, 1, 2, 0)).ShouldBeTrue();
        w.IsActiveAt(new DateTimeOffset(2026, 12, 1, 11, 30, 0, TimeSpan.FromHours(8))).ShouldBeTrue(); // 03:30Z seen from +08:00
        w.IsActiveAt(Utc(2026, 12, 1, 3, 59, 59)).ShouldBeTrue();
        w.IsActiveAt(Utc(2026, 12, 1, 4, 0)).ShouldBeFalse();
    }

    [Fact]
    public void A_daily_window_in_Shanghai_runs_across_midnight()
    {
        var w = Recurring("Asia/Shanghai", "23:30", "00:30"); // UTC+8 all year: 15:30Z-16:30Z

        w.IsActiveAt(Utc(2026, 7, 14, 15, 29, 59)).ShouldBeFalse();
        w.IsActiveAt(Utc(2026, 7, 14, 15, 30)).ShouldBeTrue();
        w.IsActiveAt(Utc(2026, 7, 14, 16, 0)).ShouldBeTrue(); // 00:00 local, the next day
        w.IsActiveAt(Utc(2026, 7, 14, 16, 29, 59)).ShouldBeTrue();
        w.IsActiveAt(Utc(2026, 7, 14, 16, 30)).ShouldBeFalse();
        w.IsActiveAt(Utc(2026, 7, 14, 23, 30)).ShouldBeFalse(); // 23:30 UTC is 07:30 in Shanghai
        w.IsActiveAt(Utc(2026, 1, 14, 15, 45)).ShouldBeTrue(); // no DST in winter either
    }

    [Fact]
    public void A_weekly_window_across_midnight_belongs_to_the_day_it_starts()
    {
        // Fridays 23:00-01:00 Shanghai. 2026-11-27 is a Friday.
        var w = Recurring("Asia/Shanghai", "23:00", "01:00", DayOfWeek.Friday);

        w.IsActiveAt(new DateTimeOffset(2026, 11, 27, 23, 30, 0, TimeSpan.FromHours(8))).ShouldBeTrue();  // Friday night
        w.IsActiveAt(new DateTimeOffset(2026, 11, 28, 0, 30, 0, TimeSpan.FromHours(8))).ShouldBeTrue();   // Saturday morning, Friday's window
        w.IsActiveAt(new DateTimeOffset(2026, 11, 28, 23, 30, 0, TimeSpan.FromHours(8))).ShouldBeFalse(); // Saturday night
        w.IsActiveAt(new DateTimeOffset(2026, 11, 27, 0, 30, 0, TimeSpan.FromHours(8))).ShouldBeFalse();  // Friday morning is Thursday's
        w.IsActiveAt(new DateTimeOffset(2026, 11, 28, 1, 0, 0, TimeSpan.FromHours(8))).ShouldBeFalse();

        // Saturday 23:00-01:00 reaches into Sunday morning (the week wraps).
        var saturday = Recurring("Asia/Shanghai", "23:00", "01:00", DayOfWeek.Saturday);
        saturday.IsActiveAt(new DateTimeOffset(2026, 11, 29, 0, 30, 0, TimeSpan.FromHours(8))).ShouldBeTrue();
        saturday.IsActiveAt(new DateTimeOffset(2026, 11, 30, 0, 30, 0, TimeSpan.FromHours(8))).ShouldBeFalse();

        // Sunday 23:00-01:00 reaches into Monday morning.
        var sunday = Recurring("Asia/Shanghai", "23:00", "01:00", DayOfWeek.Sunday);
        sunday.IsActiveAt(new DateTimeOffset(2026, 11, 30, 0, 30, 0, TimeSpan.FromHours(8))).ShouldBeTrue();
    }

    [Fact]
    public void On_a_spring_forward_day_the_wall_clock_skips_the_missing_hour()
    {
        // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT. Daily 01:30-02:30 local.
        var w = Recurring("America/New_York", "01:30", "02:30");

        w.IsActiveAt(Utc(2026, 3, 8, 6, 29)).ShouldBeFalse(); // 01:29 EST
        w.IsActiveAt(Utc(2026, 3, 8, 6, 30)).ShouldBeTrue();  // 01:30 EST
        w.IsActiveAt(Utc(2026, 3, 8, 6, 59, 59)).ShouldBeTrue();
        w.IsActiveAt(Utc(2026, 3, 8, 7, 0)).ShouldBeFalse();  // 03:00 EDT: past the end
        w.IsActiveAt(Utc(2026, 3, 9, 5, 30)).ShouldBeTrue();  // the next day 01:30 EDT is 05:30Z
        w.IsActiveAt(Utc(2026, 3, 9, 6, 30)).ShouldBeFalse(); // ... so 06:30Z (02:30 EDT) is past it
    }

    [Fact]
    public void On_a_fall_back_day_the_repeated_hour_is_in_the_window_both_times()
    {
        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST. Daily 01:30-02:30 local.
        var w = Recurring("America/New_York", "01:30", "02:30");

        w.IsActiveAt(Utc(2026, 11, 1, 5, 29)).ShouldBeFalse(); // 01:29 EDT
        w.IsActiveAt(Utc(2026, 11, 1, 5, 30)).ShouldBeTrue();  // 01:30 EDT
        w.IsActiveAt(Utc(2026, 11, 1, 6, 0)).ShouldBeFalse();  // 01:00 EST, the second time round
        w.IsActiveAt(Utc(2026, 11, 1, 6, 30)).ShouldBeTrue();  // 01:30 EST
        w.IsActiveAt(Utc(2026, 11, 1, 7, 29)).ShouldBeTrue();  // 02:29 EST
        w.IsActiveAt(Utc(2026, 11, 1, 7, 30)).ShouldBeFalse(); // 02:30 EST
    }

    [Fact]
    public void A_channel_is_available_only_when_online_and_outside_every_window()
    {
        var window = Recurring("Asia/Shanghai", "23:30", "00:30");
        ChannelInfo Channel(ChannelStatus status) => new()
        {
            Code = "c", InstitutionName = "I", BusinessType = ChannelBusinessType.Payment, Protocol = "sandbox", Status = status, Weight = 1,
            LimitCurrency = "CNY", SingleMinMinor = 1, SingleMaxMinor = 100, DailyLimitMinor = null,
            PaymentMethods = FrozenSet.Create(StringComparer.Ordinal, "alipay_qr"), Environments = FrozenSet<string>.Empty,
            ProductCodes = FrozenSet<string>.Empty, Currencies = FrozenSet.Create(StringComparer.Ordinal, "CNY"),
            FeeRatePpm = FrozenDictionary<string, int>.Empty, MaintenanceWindows = [window],
            Banks = FrozenDictionary<(string, CardType), ChannelBankLimit>.Empty, Version = 1,
        };

        var online = Channel(ChannelStatus.Online);
        online.IsAvailableAt(Utc(2026, 7, 14, 12, 0)).ShouldBeTrue();
        online.IsAvailableAt(Utc(2026, 7, 14, 15, 45)).ShouldBeFalse();
        Channel(ChannelStatus.Offline).IsAvailableAt(Utc(2026, 7, 14, 12, 0)).ShouldBeFalse();

        var snapshot = new ChannelCatalogSnapshot(7, [], [online]);
        snapshot.ChannelsFor("alipay_qr").ShouldBe(ImmutableArray.Create(online));
        snapshot.ChannelsFor("wechat_h5").IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public void Reading_the_snapshot_on_the_payment_path_allocates_nothing()
    {
        var banks = new[] { new ChannelBankLimit("ICBC", CardType.Debit, 500_000, null) }.ToFrozenDictionary(b => (b.BankCode, b.CardType));
        var channel = new ChannelInfo
        {
            Code = "c", InstitutionName = "I", BusinessType = ChannelBusinessType.Payment, Protocol = "sandbox", Status = ChannelStatus.Online, Weight = 1,
            LimitCurrency = "CNY", SingleMinMinor = 1, SingleMaxMinor = 100, DailyLimitMinor = null,
            PaymentMethods = FrozenSet.Create(StringComparer.Ordinal, "alipay_qr"), Environments = FrozenSet<string>.Empty,
            ProductCodes = FrozenSet<string>.Empty, Currencies = FrozenSet.Create(StringComparer.Ordinal, "CNY"),
            FeeRatePpm = new Dictionary<string, int> { ["alipay_qr"] = 6000 }.ToFrozenDictionary(StringComparer.Ordinal),
            MaintenanceWindows =
            [
                Recurring("Asia/Shanghai", "23:30", "00:30"),
                Recurring("America/New_York", "01:30", "02:30", DayOfWeek.Sunday),
                new MaintenanceWindow { Id = "mw_o", ChannelCode = "c", Kind = MaintenanceWindowKind.OneOff, StartsAt = Utc(2026, 1, 1, 0, 0), EndsAt = Utc(2026, 1, 2, 0, 0) },
            ],
            Banks = banks, Version = 1,
        };
        var snapshot = new ChannelCatalogSnapshot(1, [], [channel]);
        var instant = Utc(2026, 11, 1, 6, 30);
        var hits = 0;

        void Read()
        {
            foreach (var c in snapshot.ChannelsFor("alipay_qr"))
            {
                if (c.IsAvailableAt(instant) && c.TryGetFeeRatePpm("alipay_qr", out var fee) && c.TryGetBank("ICBC", CardType.Debit, out var bank)
                    && snapshot.TryGetChannel("c", out _) && fee + bank!.SingleMaxMinor > 0)
                {
                    hits++;
                }
            }
        }

        Read();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            Read();
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
        hits.ShouldBe(0); // 06:30Z on 2026-11-01 is 01:30 EST on a Sunday: in the New York window
        instant = Utc(2026, 11, 1, 12, 0);
        Read();
        hits.ShouldBe(1);
    }
}
