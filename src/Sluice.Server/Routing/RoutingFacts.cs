using Sluice.Channels;
using Sluice.Routing;

namespace Sluice.Server.Routing;

/// <summary>
/// The per-request facts routing needs besides the channel catalog: which channels the merchant has an enabled account
/// at, how much of each daily limit is reserved today, recent channel health and which channels' circuit breakers keep
/// them out. Daily usage read here only filters
/// out channels that are clearly full; the reservation in <see cref="DailyLimitLedger"/> is what enforces the limit.
/// </summary>
public sealed class RoutingFacts(
    IReadOnlyList<ChannelAccount> merchantAccounts,
    IReadOnlyDictionary<string, long> usedToday,
    Func<string, ChannelHealth>? health = null,
    Func<string, bool>? circuitOpen = null) : IRoutingFacts
{
    private static readonly ChannelHealth NoHistory = new(1.0, 0);
    private readonly HashSet<string> _channelsWithAccount = merchantAccounts.Select(a => a.ChannelCode).ToHashSet(StringComparer.Ordinal);

    public bool HasUsableAccount(string channelCode) => _channelsWithAccount.Contains(channelCode);

    public long UsedToday(string channelCode) => usedToday.GetValueOrDefault(channelCode);

    public long UsedTodayAtBank(string channelCode, string bankCode, CardType cardType) =>
        usedToday.GetValueOrDefault(DailyLimitLedger.BankKey(channelCode, bankCode, cardType));

    public ChannelHealth Health(string channelCode) => health?.Invoke(channelCode) ?? NoHistory;

    public bool CircuitOpen(string channelCode) => circuitOpen?.Invoke(channelCode) ?? false;

    /// <summary>The merchant's first enabled account at a channel, oldest first (the one a payment routed there uses).</summary>
    public ChannelAccount? AccountFor(string channelCode) =>
        merchantAccounts.FirstOrDefault(a => string.Equals(a.ChannelCode, channelCode, StringComparison.Ordinal));
}
