using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Data;
using Sluice.Server.Routing;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Routing;

/// <summary>Daily limits hold exactly under concurrency and across nodes: never exceeded, never under-used.</summary>
public abstract class DailyLimitTests(GatewayFixture gateway)
{
    private static async Task<bool> ReserveAsync(IServiceProvider services, string orderId, string channel, long amount, long limit)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DailyLimitLedger>().TryReserveAsync(orderId, channel, amount, limit, CancellationToken.None);
    }

    private static async Task<bool> ReleaseAsync(IServiceProvider services, string orderId)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DailyLimitLedger>().ReleaseAsync(orderId, CancellationToken.None);
    }

    private Task<long> ReservedAsync(string channel) =>
        gateway.WithDbAsync(db => db.ChannelDailyUsage.Where(u => u.ChannelCode == channel).SumAsync(u => u.ReservedAmount));

    [Fact]
    public async Task Two_hundred_racing_payments_on_two_nodes_fill_the_limit_exactly()
    {
        await using var nodeB = gateway.StartNode("limit-node-b");
        var channel = "race-" + Guid.NewGuid().ToString("N")[..8];
        const long limit = 1_000_000;
        const long amount = 7_000; // 142 fit (994,000); the 143rd would exceed the limit.

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            ReserveAsync(i % 2 == 0 ? gateway.Services : nodeB.Services, $"pay_race_{channel}_{i}", channel, amount, limit)));

        results.Count(ok => ok).ShouldBe(142);
        (await ReservedAsync(channel)).ShouldBe(142 * amount);
        (await gateway.WithDbAsync(db => db.LimitReservations.CountAsync(r => r.ChannelCode == channel))).ShouldBe(142);
    }

    [Fact]
    public async Task A_released_amount_is_given_back_once_and_can_be_reserved_again()
    {
        var channel = "release-" + Guid.NewGuid().ToString("N")[..8];
        (await ReserveAsync(gateway.Services, "pay_r1_" + channel, channel, 600, 1_000)).ShouldBeTrue();
        (await ReserveAsync(gateway.Services, "pay_r2_" + channel, channel, 600, 1_000)).ShouldBeFalse();

        var releases = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => ReleaseAsync(gateway.Services, "pay_r1_" + channel)));

        releases.Count(r => r).ShouldBe(1);
        (await ReservedAsync(channel)).ShouldBe(0);
        (await ReserveAsync(gateway.Services, "pay_r2_" + channel, channel, 600, 1_000)).ShouldBeTrue();
        (await ReservedAsync(channel)).ShouldBe(600);
    }

    [Fact]
    public async Task The_business_day_turns_at_midnight_in_shanghai()
    {
        DailyLimitLedger.BusinessDayOf(new DateTimeOffset(2026, 11, 24, 15, 59, 0, TimeSpan.Zero)).ShouldBe("2026-11-24");
        DailyLimitLedger.BusinessDayOf(new DateTimeOffset(2026, 11, 24, 16, 0, 0, TimeSpan.Zero)).ShouldBe("2026-11-25");

        var channel = "day-" + Guid.NewGuid().ToString("N")[..8];
        (await ReserveAsync(gateway.Services, "pay_d1_" + channel, channel, 900, 1_000)).ShouldBeTrue();
        (await ReserveAsync(gateway.Services, "pay_d2_" + channel, channel, 900, 1_000)).ShouldBeFalse();
        var untilMidnight = TimeSpan.FromHours(24) - TimeZoneInfo.ConvertTime(gateway.Clock.GetUtcNow(), DailyLimitLedger.BusinessZone).TimeOfDay;
        gateway.Clock.Advance(untilMidnight + TimeSpan.FromMinutes(1));
        (await ReserveAsync(gateway.Services, "pay_d2_" + channel, channel, 900, 1_000)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_reservation_left_by_a_node_that_died_before_storing_its_order_is_given_back_once_after_the_grace_period()
    {
        await using var nodeB = gateway.StartNode("sweep-node-b");
        var channel = "orphan-" + Guid.NewGuid().ToString("N")[..8];
        var live = await gateway.Merchant().CreatePaymentAsync("ord-sweep-live-" + channel);
        var failed = await gateway.Merchant().CreatePaymentAsync("ord-sweep-failed-" + channel);

        // The node reserved, then died before the order row existed: nothing refers to "pay_never_stored".
        (await ReserveAsync(gateway.Services, "pay_never_stored_" + channel, channel, 400, 1_000)).ShouldBeTrue();
        // A payment still open keeps its amount; one the node failed but never released gets it back.
        (await ReserveAsync(gateway.Services, live.Str("id"), channel, 300, 1_000)).ShouldBeTrue();
        (await ReserveAsync(gateway.Services, failed.Str("id"), channel, 200, 1_000)).ShouldBeTrue();
        await gateway.WithDbAsync(db => db.Payments.Where(p => p.Id == failed.Str("id"))
            .ExecuteUpdateAsync(u => u.SetProperty(p => p.Status, Sluice.Payments.PaymentStatus.Failed)));

        // Within the grace period an order may still be on its way to the database: nothing is touched.
        await SweepAsync(gateway.Services);
        (await ReservedAsync(channel)).ShouldBe(900);

        gateway.Clock.Advance(LimitReservationSweeper.Grace + TimeSpan.FromMinutes(1));
        await Task.WhenAll(SweepAsync(gateway.Services), SweepAsync(nodeB.Services));

        // Both nodes swept at once; each amount came back exactly once (a double release would leave less than 300).
        (await ReservedAsync(channel)).ShouldBe(300);
        (await gateway.WithDbAsync(db => db.LimitReservations.Where(r => r.ChannelCode == channel && r.ReleasedAt == null).Select(r => r.OrderId).ToListAsync()))
            .ShouldBe([live.Str("id")]);
        (await ReserveAsync(gateway.Services, "pay_after_sweep_" + channel, channel, 700, 1_000)).ShouldBeTrue();
    }

    private static async Task SweepAsync(IServiceProvider services)
    {
        var sweeper = services.GetRequiredService<LimitReservationSweeper>();
        while (await sweeper.RunOnceAsync(CancellationToken.None) > 0)
        {
            // Drain, as the hosted loop does.
        }
    }
}

public sealed class DailyLimitSqliteTests(SqliteGateway gateway) : DailyLimitTests(gateway), IClassFixture<SqliteGateway>;

public sealed class DailyLimitPostgresTests(PostgresGateway gateway) : DailyLimitTests(gateway), IClassFixture<PostgresGateway>;

public class RoutingFactsTests
{
    [Fact]
    public void Facts_know_the_merchants_channels_and_read_channel_and_bank_usage_by_their_keys()
    {
        var accounts = new[]
        {
            new Sluice.Channels.ChannelAccount { Id = "cha_1", ChannelCode = "alipay", Protocol = "alipay", MerchantId = "m", PaymentMethods = "alipay_qr", CredentialsCiphertext = "x" },
        };
        var usage = new Dictionary<string, long> { ["alipay"] = 500, [DailyLimitLedger.BankKey("alipay", "ICBC", Sluice.Channels.CardType.Debit)] = 70 };

        var facts = new RoutingFacts(accounts, usage);

        facts.HasUsableAccount("alipay").ShouldBeTrue();
        facts.HasUsableAccount("wechat").ShouldBeFalse();
        facts.UsedToday("alipay").ShouldBe(500);
        facts.UsedTodayAtBank("alipay", "ICBC", Sluice.Channels.CardType.Debit).ShouldBe(70);
        facts.UsedTodayAtBank("alipay", "ICBC", Sluice.Channels.CardType.Credit).ShouldBe(0);
        facts.AccountFor("alipay")!.Id.ShouldBe("cha_1");
    }
}
