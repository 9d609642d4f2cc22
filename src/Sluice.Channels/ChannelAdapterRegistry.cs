using System.Collections.Frozen;
using Sluice.Channels.Contracts;

namespace Sluice.Channels;

/// <summary>One registered channel: its profile and its adapter (which implements the flow interfaces of the profile's flows).</summary>
public sealed record RegisteredChannel(IChannelProfile Profile, object Adapter);

/// <summary>
/// The channels this gateway speaks, by protocol: each one's profile and its adapter's flows. A flow the profile does
/// not list is refused with <see cref="ChannelFlowNotSupportedException"/>; nothing is stubbed.
/// </summary>
public sealed class ChannelAdapterRegistry
{
    /// <summary>Every flow but <see cref="ChannelFlow.Notify"/> can be refused with a result; each gets a rule unless the profile has its own.</summary>
    private static readonly ChannelFlow[] CallFlows = [.. Enum.GetValues<ChannelFlow>().Where(f => f != ChannelFlow.Notify)];

    private readonly FrozenDictionary<string, Entry> _byProtocol;

    public ChannelAdapterRegistry(IEnumerable<RegisteredChannel> channels)
    {
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var registered = new List<RegisteredChannel>();
        foreach (var channel in channels)
        {
            var entry = Entry.Of(channel);
            if (!entries.TryAdd(entry.Profile.Protocol, entry))
            {
                throw new InvalidOperationException($"Protocol '{entry.Profile.Protocol}' is registered twice.");
            }

            registered.Add(channel);
        }

        _byProtocol = entries.ToFrozenDictionary(StringComparer.Ordinal);
        Channels = registered;
        Protocols = [.. registered.Select(c => c.Profile.Protocol)];
    }

    /// <summary>Every registered channel, in the order they were registered.</summary>
    public IReadOnlyList<RegisteredChannel> Channels { get; }

    /// <summary>The protocols of every registered channel, in the order they were registered.</summary>
    public IReadOnlyList<string> Protocols { get; }

    public bool Serves(string protocol) => _byProtocol.ContainsKey(protocol);

    /// <summary>Whether the protocol is registered and its profile lists the flow.</summary>
    public bool Supports(string protocol, ChannelFlow flow) => _byProtocol.TryGetValue(protocol, out var entry) && entry.Profile.Flows.Contains(flow);

    public IChannelProfile Profile(string protocol) => Get(protocol).Profile;

    /// <summary>The profile of a registered protocol; null for one this gateway does not speak.</summary>
    public IChannelProfile? FindProfile(string protocol) => _byProtocol.GetValueOrDefault(protocol)?.Profile;

    /// <summary>
    /// The protocol's default result-code rules: its profile's, then a <c>flow_not_supported</c> rule for each flow it
    /// refuses that it has no rule of its own for (see <see cref="ChannelFlowNotSupportedException.Result"/>).
    /// </summary>
    public IReadOnlyList<ResultCodeRule> ResultCodes(string protocol) => Get(protocol).ResultCodes;

    public IChannelPayments Payments(string protocol) => Flow<IChannelPayments>(protocol, ChannelFlow.Pay);

    public IChannelRefunds Refunds(string protocol) => Flow<IChannelRefunds>(protocol, ChannelFlow.Refund);

    public IChannelPayouts Payouts(string protocol) => Flow<IChannelPayouts>(protocol, ChannelFlow.Withdraw);

    public IChannelCallbacks Callbacks(string protocol) => Flow<IChannelCallbacks>(protocol, ChannelFlow.Notify);

    /// <summary>The adapter as the interface of <paramref name="flow"/>'s group (the registry checked it implements the profile's flows).</summary>
    private T Flow<T>(string protocol, ChannelFlow flow)
        where T : class =>
        Get(protocol) is var entry && entry.Profile.Flows.Contains(flow) ? (T)entry.Adapter : throw new ChannelFlowNotSupportedException(protocol, flow);

    private Entry Get(string protocol) =>
        _byProtocol.TryGetValue(protocol, out var entry)
            ? entry
            : throw new InvalidOperationException($"No channel adapter speaks protocol '{protocol}'.");

    private sealed record Entry(IChannelProfile Profile, object Adapter, IReadOnlyList<ResultCodeRule> ResultCodes)
    {
        public static Entry Of(RegisteredChannel channel)
        {
            var (profile, adapter) = channel;
            var served = ChannelFlowGroups.Of(Served(adapter));
            if (!served.SetEquals(profile.Flows))
            {
                throw new InvalidOperationException(
                    $"Channel '{profile.Protocol}': its profile lists the flows [{Names(profile.Flows)}] but {adapter.GetType().Name} serves [{Names(served)}].");
            }

            if (profile.BusinessTypes.Contains(ChannelBusinessType.Payment) && !profile.Flows.Contains(ChannelFlow.Pay)
                || profile.BusinessTypes.Contains(ChannelBusinessType.Withdrawal) && !profile.Flows.Contains(ChannelFlow.Withdraw))
            {
                throw new InvalidOperationException($"Channel '{profile.Protocol}': a business type of its profile has no flow to serve it.");
            }

            if (profile.RequerySchedule.Count == 0 || profile.RequerySchedule.Any(i => i <= TimeSpan.Zero))
            {
                throw new InvalidOperationException($"Channel '{profile.Protocol}': its re-query schedule needs at least one interval, each above zero.");
            }

            if (profile.Flows.Contains(ChannelFlow.Notify) && profile.Acknowledgement is null)
            {
                throw new InvalidOperationException($"Channel '{profile.Protocol}' takes notices but its profile has no acknowledgement.");
            }

            if (profile.Acknowledgement is { Refused.StatusCode: < 400 or > 499 })
            {
                throw new InvalidOperationException($"Channel '{profile.Protocol}': a refused notice must be answered with a 4xx (a 5xx means the gateway is broken).");
            }

            var own = new ResultCodeTable(profile.ResultCodes);
            var refusals = CallFlows
                .Where(f => !profile.Flows.Contains(f) && own.Find(f, ChannelFlowNotSupportedException.RawCode, null) is null)
                .Select(f => new ResultCodeRule(f, ChannelFlowNotSupportedException.RawCode, null, "flow_not_supported", ChannelOutcome.Failed, false,
                    "This channel does not offer this operation.", "该通道不支持此操作。"));
            return new Entry(profile, adapter, [.. profile.ResultCodes, .. refusals]);
        }

        /// <summary>The flow groups of the flow interfaces the adapter implements.</summary>
        private static IEnumerable<IReadOnlySet<ChannelFlow>> Served(object adapter)
        {
            if (adapter is IChannelPayments)
            {
                yield return ChannelFlowGroups.Payments;
            }

            if (adapter is IChannelRefunds)
            {
                yield return ChannelFlowGroups.Refunds;
            }

            if (adapter is IChannelPayouts)
            {
                yield return ChannelFlowGroups.Payouts;
            }

            if (adapter is IChannelCallbacks)
            {
                yield return ChannelFlowGroups.Callbacks;
            }
        }

        private static string Names(IEnumerable<ChannelFlow> flows) => string.Join(", ", flows.Order().Select(ChannelFlows.Name));
    }
}
