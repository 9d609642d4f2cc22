using System.Collections.Frozen;
using BenchmarkDotNet.Attributes;
using Sluice.Channels;
using Sluice.Routing;

namespace Sluice.Bench;

/// <summary>
/// One routing decision over 200 channels with realistic configuration: mixed methods and currencies, a third with
/// recurring maintenance windows in Asia/Shanghai, bank mappings, daily limits in use, environments and product codes,
/// per-channel health, and a whitelist. Baseline: a bare scan of the same 200 channels checking only the method.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(warmupCount: 5, iterationCount: 20)]
public class RoutingBenchmark
{
    private static readonly string[] Methods = ["alipay_qr", "alipay_wap", "wechat_native", "wechat_jsapi", "wechat_h5", "unionpay_gateway", "bank_card"];
    private static readonly string[] ThreeCurrencies = ["CNY", "HKD", "USD"];
    private static readonly string[] ThreeEnvironments = ["h5", "pc_web", "app_sdk"];
    private static readonly string[] TwoProductCodes = ["retail", "travel"];
    private ChannelInfo[] _channels = [];
    private RoutingRuleSet _rules = RoutingRuleSet.Default;
    private RoutingRuleSet _split = RoutingRuleSet.Default;
    private Facts _facts = new();
    private RoutingRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        _channels = new ChannelInfo[200];
        for (var i = 0; i < _channels.Length; i++)
        {
            var methods = Methods.Where(_ => random.NextDouble() < 0.6).DefaultIfEmpty("alipay_qr").ToArray();
            var code = $"ch{i:D3}";
            _channels[i] = new ChannelInfo
            {
                Code = code,
                InstitutionName = "Institution " + i,
                BusinessType = i % 10 == 0 ? ChannelBusinessType.Withdrawal : ChannelBusinessType.Payment,
                Protocol = "sandbox",
                Status = random.NextDouble() > 0.1 ? ChannelStatus.Online : ChannelStatus.Offline,
                PaymentMethods = methods.ToFrozenSet(),
                Currencies = (i % 7 == 0 ? ThreeCurrencies : ["CNY"]).ToFrozenSet(),
                LimitCurrency = "CNY",
                Environments = (i % 3 == 0 ? ThreeEnvironments : []).ToFrozenSet(),
                ProductCodes = (i % 5 == 0 ? TwoProductCodes : []).ToFrozenSet(),
                FeeRatePpm = methods.ToFrozenDictionary(m => m, _ => random.Next(2000, 9000)),
                Weight = random.Next(1, 200),
                SingleMinMinor = 1,
                SingleMaxMinor = random.NextDouble() < 0.5 ? 5_000_000 : 100_000_000_000,
                DailyLimitMinor = random.NextDouble() < 0.7 ? 500_000_000 : null,
                MaintenanceWindows = i % 3 == 0
                    ?
                    [
                        new MaintenanceWindow { Id = $"mw{i}a", ChannelCode = code, Kind = MaintenanceWindowKind.Daily, LocalStart = new TimeOnly(23, 30), LocalEnd = new TimeOnly(0, 30), TimeZoneId = shanghai.Id },
                        new MaintenanceWindow { Id = $"mw{i}b", ChannelCode = code, Kind = MaintenanceWindowKind.OneOff, StartsAt = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), EndsAt = new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero) },
                    ]
                    : [],
                Banks = (methods.Contains("bank_card")
                    ? new Dictionary<(string, CardType), ChannelBankLimit> { [("ICBC", CardType.Debit)] = new("ICBC", CardType.Debit, 2_000_000, 100_000_000), [("CMB", CardType.Credit)] = new("CMB", CardType.Credit, 1_000_000, null) }
                    : []).ToFrozenDictionary(),
                Version = 1,
            };
            _facts.Used[_channels[i].Code] = random.Next(0, 400_000_000);
            _facts.Health[_channels[i].Code] = new ChannelHealth(0.9 + (random.NextDouble() / 10), random.Next(80, 900));
        }

        var whitelist = new[] { new WhitelistEntry(WhitelistKind.SellerId, "seller-vip", ["ch017", "ch042"]) };
        _rules = new RoutingRuleSet("default", RoutingStrategy.Score, new ScoreWeights(), whitelist);
        _split = _rules with { Strategy = RoutingStrategy.WeightedSplit };
        _request = new RoutingRequest(ChannelBusinessType.Payment, "alipay_qr", 25_990, "CNY", new DateTimeOffset(2026, 11, 24, 4, 0, 0, TimeSpan.Zero),
            ProductCode: "retail", Environment: "h5", BuyerId: "buyer-1", SellerId: "seller-9", RoutingKey: "pay_01JD0000000000000000000000");
    }

    [Benchmark(Baseline = true)]
    public int BareScanOfMethods()
    {
        var n = 0;
        foreach (var c in _channels)
        {
            n += c.PaymentMethods.Contains(_request.PaymentMethod) ? 1 : 0;
        }

        return n;
    }

    [Benchmark]
    public ChannelInfo? DecideByScore() => RoutingEngine.Decide(_request, _channels, _rules, _facts).Chosen;

    [Benchmark]
    public ChannelInfo? DecideByWeightedSplit() => RoutingEngine.Decide(_request, _channels, _split, _facts).Chosen;

    private sealed class Facts : IRoutingFacts
    {
        public Dictionary<string, long> Used { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, ChannelHealth> Health { get; } = new(StringComparer.Ordinal);

        public bool HasUsableAccount(string channelCode) => true;

        public long UsedToday(string channelCode) => Used.GetValueOrDefault(channelCode);

        public long UsedTodayAtBank(string channelCode, string bankCode, CardType cardType) => 0;

        ChannelHealth IRoutingFacts.Health(string channelCode) => Health.GetValueOrDefault(channelCode);
    }
}
