using System.Collections.Frozen;
using System.Collections.Immutable;
using Sluice.Channels;
using Sluice.Routing;

namespace Sluice.Tests.Routing;

/// <summary>Facts for a test: every channel has an account unless listed, usage and health per channel.</summary>
public sealed class TestFacts : IRoutingFacts
{
    public HashSet<string> WithoutAccount { get; } = [];
    public Dictionary<string, long> Used { get; } = [];
    public Dictionary<(string, string, CardType), long> UsedAtBank { get; } = [];
    public Dictionary<string, ChannelHealth> HealthOf { get; } = [];

    public bool HasUsableAccount(string channelCode) => !WithoutAccount.Contains(channelCode);

    public long UsedToday(string channelCode) => Used.GetValueOrDefault(channelCode);

    public long UsedTodayAtBank(string channelCode, string bankCode, CardType cardType) => UsedAtBank.GetValueOrDefault((channelCode, bankCode, cardType));

    public ChannelHealth Health(string channelCode) => HealthOf.GetValueOrDefault(channelCode, new ChannelHealth(1.0, 100));
}

public class RoutingEngineTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 24, 4, 0, 0, TimeSpan.Zero); // 12:00 in Asia/Shanghai
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    public static ChannelInfo Channel(
        string code, int feePpm = 6000, int weight = 100, long min = 1, long max = 100_000_000, long? daily = null, bool online = true,
        string[]? methods = null, string[]? currencies = null, string[]? environments = null, string[]? products = null,
        MaintenanceWindow[]? maintenance = null, Dictionary<(string, CardType), (long SingleMax, long? Daily)>? banks = null,
        ChannelBusinessType type = ChannelBusinessType.Payment)
    {
        methods ??= ["alipay_qr", "wechat_native", "bank_card"];
        return new ChannelInfo
        {
            Code = code,
            InstitutionName = code + " Ltd",
            BusinessType = type,
            Protocol = "sandbox",
            Status = online ? ChannelStatus.Online : ChannelStatus.Offline,
            Weight = weight,
            LimitCurrency = (currencies ?? ["CNY"])[0],
            SingleMinMinor = min,
            SingleMaxMinor = max,
            DailyLimitMinor = daily,
            PaymentMethods = methods.ToFrozenSet(),
            Environments = (environments ?? []).ToFrozenSet(),
            ProductCodes = (products ?? []).ToFrozenSet(),
            Currencies = (currencies ?? ["CNY"]).ToFrozenSet(),
            FeeRatePpm = methods.ToFrozenDictionary(m => m, _ => feePpm),
            MaintenanceWindows = [.. maintenance ?? []],
            Banks = (banks ?? []).ToFrozenDictionary(b => b.Key, b => new ChannelBankLimit(b.Key.Item1, b.Key.Item2, b.Value.SingleMax, b.Value.Daily)),
            Version = 1,
        };
    }

    private static MaintenanceWindow OneOff(DateTimeOffset start, DateTimeOffset end) =>
        new() { Id = "mw_" + Guid.NewGuid().ToString("N")[..8], ChannelCode = "x", Kind = MaintenanceWindowKind.OneOff, StartsAt = start, EndsAt = end };

    private static MaintenanceWindow Recurring(TimeZoneInfo zone, TimeOnly start, TimeOnly end, params DayOfWeek[] days) => new()
    {
        Id = "mw_" + Guid.NewGuid().ToString("N")[..8], ChannelCode = "x",
        Kind = days.Length == 0 ? MaintenanceWindowKind.Daily : MaintenanceWindowKind.Weekly,
        LocalStart = start, LocalEnd = end, TimeZoneId = zone.Id, DaysOfWeekMask = MaintenanceWindow.MaskOf(days),
    };

    private static RoutingRequest Pay(long amount = 10_000, string method = "alipay_qr", DateTimeOffset? at = null) =>
        new(ChannelBusinessType.Payment, method, amount, "CNY", at ?? Noon);

    private static RoutingDecision Decide(RoutingRequest r, IReadOnlyList<ChannelInfo> channels, TestFacts? facts = null, RoutingRuleSet? rules = null) =>
        RoutingEngine.Decide(r, channels, rules ?? RoutingRuleSet.Default, facts ?? new TestFacts());

    private static string? DroppedBy(RoutingDecision d, string code) => d.Explain().Single(l => l.Channel == code).DroppedBy;

    [Fact]
    public void Every_filter_drops_its_channel_and_names_itself()
    {
        var facts = new TestFacts();
        facts.WithoutAccount.Add("no-account");
        facts.Used["daily-full"] = 995_000;
        var channels = new[]
        {
            Channel("ok"),
            Channel("withdrawal-only", type: ChannelBusinessType.Withdrawal),
            Channel("offline", online: false),
            Channel("in-maintenance", maintenance: [OneOff(Noon.AddHours(-1), Noon.AddHours(1))]),
            Channel("wechat-only", methods: ["wechat_native"]),
            Channel("usd-only", currencies: ["USD"]),
            Channel("pos-only", environments: ["pos"]),
            Channel("product-x", products: ["X"]),
            Channel("no-account"),
            Channel("min-20000", min: 20_000),
            Channel("max-5000", max: 5_000),
            Channel("daily-full", daily: 1_000_000),
        };

        var decision = Decide(Pay(10_000) with { Environment = "h5" }, [.. channels, Channel("usd-limits", min: 50_000, currencies: ["USD", "CNY"])], facts);

        decision.Chosen!.Code.ShouldBe("ok");
        DroppedBy(decision, "withdrawal-only").ShouldBe("business_type");
        DroppedBy(decision, "offline").ShouldBe("offline");
        DroppedBy(decision, "in-maintenance").ShouldBe("maintenance_window");
        DroppedBy(decision, "wechat-only").ShouldBe("payment_method");
        DroppedBy(decision, "usd-only").ShouldBe("currency");
        DroppedBy(decision, "pos-only").ShouldBe("payment_environment");
        DroppedBy(decision, "product-x").ShouldBe("product_code");
        DroppedBy(decision, "no-account").ShouldBe("no_usable_account");
        DroppedBy(decision, "min-20000").ShouldBe("single_min");
        DroppedBy(decision, "max-5000").ShouldBe("single_max");
        DroppedBy(decision, "daily-full").ShouldBe("daily_limit");
        DroppedBy(decision, "usd-limits").ShouldBeNull("limits set in USD do not bind a CNY amount (no exchange rates)");
        decision.Explain().Where(l => !l.Eligible).ShouldAllBe(l => !string.IsNullOrWhiteSpace(l.Reason));
    }

    [Fact]
    public void A_daily_limit_is_usable_to_the_last_minor_unit_and_not_one_beyond()
    {
        var facts = new TestFacts();
        facts.Used["a"] = 990_000;
        var channels = new[] { Channel("a", daily: 1_000_000) };

        Decide(Pay(10_000), channels, facts).Chosen!.Code.ShouldBe("a");
        Decide(Pay(10_001), channels, facts).Chosen.ShouldBeNull();
    }

    [Fact]
    public void Bank_card_payments_need_a_channel_serving_that_bank_and_card_type_within_its_limits()
    {
        var facts = new TestFacts();
        facts.UsedAtBank[("icbc-daily", "ICBC", CardType.Debit)] = 49_000;
        var channels = new[]
        {
            Channel("no-banks"),
            Channel("credit-only", banks: new() { [("ICBC", CardType.Credit)] = (100_000_000, null) }),
            Channel("icbc-small", banks: new() { [("ICBC", CardType.Debit)] = (5_000, null) }),
            Channel("icbc-daily", banks: new() { [("ICBC", CardType.Debit)] = (100_000_000, 50_000) }),
            Channel("icbc", feePpm: 9000, banks: new() { [("ICBC", CardType.Debit)] = (100_000, 1_000_000) }),
        };

        var decision = Decide(Pay(10_000, "bank_card") with { BankCode = "ICBC", CardType = CardType.Debit }, channels, facts);

        decision.Chosen!.Code.ShouldBe("icbc");
        DroppedBy(decision, "no-banks").ShouldBe("bank_not_served");
        DroppedBy(decision, "credit-only").ShouldBe("bank_not_served");
        DroppedBy(decision, "icbc-small").ShouldBe("bank_single_max");
        DroppedBy(decision, "icbc-daily").ShouldBe("bank_daily_limit");
    }

    [Fact]
    public void A_recurring_window_across_midnight_in_shanghai_covers_both_sides_of_midnight()
    {
        var window = Recurring(Shanghai, new TimeOnly(23, 30), new TimeOnly(0, 30));
        var channels = new[] { Channel("nightly", maintenance: [window]), Channel("backup", feePpm: 9000) };

        // 23:29, 23:45, 00:15, 00:30 Shanghai time (UTC+8).
        Decide(Pay(at: new DateTimeOffset(2026, 11, 24, 15, 29, 0, TimeSpan.Zero)), channels).Chosen!.Code.ShouldBe("nightly");
        Decide(Pay(at: new DateTimeOffset(2026, 11, 24, 15, 45, 0, TimeSpan.Zero)), channels).Chosen!.Code.ShouldBe("backup");
        Decide(Pay(at: new DateTimeOffset(2026, 11, 24, 16, 15, 0, TimeSpan.Zero)), channels).Chosen!.Code.ShouldBe("backup");
        Decide(Pay(at: new DateTimeOffset(2026, 11, 24, 16, 30, 0, TimeSpan.Zero)), channels).Chosen!.Code.ShouldBe("nightly");
    }

    [Fact]
    public void A_weekly_window_across_midnight_belongs_to_the_day_it_starts()
    {
        var saturdayNight = Recurring(Shanghai, new TimeOnly(23, 30), new TimeOnly(0, 30), DayOfWeek.Saturday);

        saturdayNight.IsActiveAt(new DateTimeOffset(2026, 11, 28, 23, 45, 0, TimeSpan.FromHours(8))).ShouldBeTrue();  // Saturday 23:45
        saturdayNight.IsActiveAt(new DateTimeOffset(2026, 11, 29, 0, 15, 0, TimeSpan.FromHours(8))).ShouldBeTrue();   // Sunday 00:15
        saturdayNight.IsActiveAt(new DateTimeOffset(2026, 11, 29, 23, 45, 0, TimeSpan.FromHours(8))).ShouldBeFalse(); // Sunday 23:45
        saturdayNight.IsActiveAt(new DateTimeOffset(2026, 11, 28, 0, 15, 0, TimeSpan.FromHours(8))).ShouldBeFalse();  // Saturday 00:15
    }

    [Fact]
    public void Windows_follow_daylight_saving_changes_of_their_time_zone()
    {
        var window = Recurring(NewYork, new TimeOnly(1, 30), new TimeOnly(2, 30));

        // 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT.
        window.IsActiveAt(new DateTimeOffset(2026, 3, 8, 6, 45, 0, TimeSpan.Zero)).ShouldBeTrue();   // 01:45 EST
        window.IsActiveAt(new DateTimeOffset(2026, 3, 8, 7, 15, 0, TimeSpan.Zero)).ShouldBeFalse();  // 03:15 EDT
        // 2026-11-01: 01:00-02:00 happens twice (EDT, then EST); both are in the window.
        window.IsActiveAt(new DateTimeOffset(2026, 11, 1, 5, 45, 0, TimeSpan.Zero)).ShouldBeTrue();  // 01:45 EDT
        window.IsActiveAt(new DateTimeOffset(2026, 11, 1, 6, 45, 0, TimeSpan.Zero)).ShouldBeTrue();  // 01:45 EST
        window.IsActiveAt(new DateTimeOffset(2026, 11, 1, 7, 45, 0, TimeSpan.Zero)).ShouldBeFalse(); // 02:45 EST, after the window
    }

    [Fact]
    public void The_lowest_fee_wins_when_all_else_is_equal_and_ties_break_by_code_whatever_the_input_order()
    {
        var channels = new[] { Channel("c", feePpm: 6000), Channel("b", feePpm: 3800), Channel("a", feePpm: 3800), Channel("d", feePpm: 9000) };

        var decision = Decide(Pay(), channels);
        var shuffled = Decide(Pay(), channels.Reverse().ToArray());

        decision.Chosen!.Code.ShouldBe("a");
        shuffled.Chosen!.Code.ShouldBe("a");
        decision.Ranked.Select(c => c.Code).ShouldBe(["a", "b", "c", "d"]);
        shuffled.Ranked.Select(c => c.Code).ShouldBe(["a", "b", "c", "d"]);
    }

    [Fact]
    public void Rules_are_configuration_weight_success_rate_and_latency_can_outweigh_the_fee()
    {
        var facts = new TestFacts();
        facts.HealthOf["cheap"] = new ChannelHealth(0.70, 900);
        facts.HealthOf["reliable"] = new ChannelHealth(0.99, 120);
        var channels = new[] { Channel("cheap", feePpm: 3000, weight: 50), Channel("reliable", feePpm: 6000, weight: 100) };

        Decide(Pay(), channels, facts, new RoutingRuleSet("fee-first", RoutingStrategy.Score, new ScoreWeights(Fee: 1, Weight: 0, SuccessRate: 0, Latency: 0), []))
            .Chosen!.Code.ShouldBe("cheap");
        var quality = Decide(Pay(), channels, facts, new RoutingRuleSet("quality", RoutingStrategy.Score, new ScoreWeights(Fee: 0.2, Weight: 0.2, SuccessRate: 0.4, Latency: 0.2), []));
        quality.Chosen!.Code.ShouldBe("reliable");
        var line = quality.Explain().Single(l => l.Channel == "reliable");
        line.Chosen.ShouldBeTrue();
        line.ScoreParts!["success_rate"].ShouldBe(0.99);
        line.Score!.Value.ShouldBe((0.2 * 0) + (0.2 * 1) + (0.4 * 0.99) + (0.2 * 1), 1e-9);
    }

    [Fact]
    public void A_matching_whitelist_gives_its_channels_precedence_and_falls_back_when_none_is_eligible()
    {
        var rules = new RoutingRuleSet("vip", RoutingStrategy.Score, new ScoreWeights(), [new WhitelistEntry(WhitelistKind.BuyerId, "buyer-42", ["expensive"])]);
        var channels = new[] { Channel("cheap", feePpm: 3000), Channel("expensive", feePpm: 9000) };

        var vip = Decide(Pay() with { BuyerId = "buyer-42" }, channels, rules: rules);
        var other = Decide(Pay() with { BuyerId = "buyer-7" }, channels, rules: rules);
        var vipButOffline = Decide(Pay() with { BuyerId = "buyer-42" }, [Channel("cheap", feePpm: 3000), Channel("expensive", online: false)], rules: rules);

        vip.Chosen!.Code.ShouldBe("expensive");
        vip.WhitelistMatched.ShouldBeTrue();
        DroppedBy(vip, "cheap").ShouldBe("whitelist_precedence");
        other.Chosen!.Code.ShouldBe("cheap");
        other.WhitelistMatched.ShouldBeFalse();
        vipButOffline.Chosen!.Code.ShouldBe("cheap");
        vipButOffline.WhitelistFellBack.ShouldBeTrue();
    }

    [Fact]
    public void Weighted_split_shares_traffic_by_weight_and_a_key_always_lands_on_the_same_channel()
    {
        var rules = new RoutingRuleSet("split", RoutingStrategy.WeightedSplit, new ScoreWeights(), []);
        var channels = new[] { Channel("seventy", weight: 70), Channel("thirty", weight: 30), Channel("off", weight: 1000, online: false) };
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 10_000; i++)
        {
            var code = Decide(Pay() with { RoutingKey = $"pay_{i}" }, channels, rules: rules).Chosen!.Code;
            counts[code] = counts.GetValueOrDefault(code) + 1;
        }

        counts.Keys.ShouldBe(["seventy", "thirty"], ignoreOrder: true);
        counts["seventy"].ShouldBeInRange(6700, 7300);
        Decide(Pay() with { RoutingKey = "pay_123" }, channels, rules: rules).Chosen!.Code
            .ShouldBe(Decide(Pay() with { RoutingKey = "pay_123" }, channels, rules: rules).Chosen!.Code);
    }

    [Fact]
    public void No_eligible_channel_gives_no_choice_and_a_reason_for_every_channel()
    {
        var decision = Decide(Pay(method: "unionpay_gateway"), [Channel("a"), Channel("b", online: false)]);

        decision.Chosen.ShouldBeNull();
        decision.Ranked.ShouldBeEmpty();
        decision.Explain().Select(l => l.DroppedBy).ShouldBe(["payment_method", "offline"]);
    }

    [Fact]
    public void Failover_order_follows_the_score_after_the_chosen_channel()
    {
        var decision = Decide(Pay(), [Channel("third", feePpm: 9000), Channel("first", feePpm: 1000), Channel("second", feePpm: 5000), Channel("dropped", online: false)]);

        decision.Ranked.Select(c => c.Code).ShouldBe(["first", "second", "third"]);
    }
}
