using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels.Alipay;
using Sluice.Channels.BankPayout;
using Sluice.Channels.Sandbox;
using Sluice.Channels.UnionPay;
using Sluice.Channels.WeChatPay;

namespace Sluice.Channels;

/// <summary>Finds the adapter for a channel account's protocol.</summary>
public sealed class ChannelAdapterRegistry(IEnumerable<IChannelAdapter> adapters)
{
    private readonly Dictionary<string, IChannelAdapter> _byProtocol = adapters.ToDictionary(a => a.Protocol, StringComparer.Ordinal);

    public IChannelAdapter For(string protocol) =>
        _byProtocol.TryGetValue(protocol, out var adapter)
            ? adapter
            : throw new InvalidOperationException($"No channel adapter speaks protocol '{protocol}'.");

    public IReadOnlyCollection<string> Protocols => _byProtocol.Keys;
}

public static class ChannelAdapterRegistration
{
    public static IServiceCollection AddChannelAdapters(this IServiceCollection services)
    {
        Add<SandboxChannelAdapter>(services, SandboxChannelAdapter.HttpClientName);
        Add<AlipayChannelAdapter>(services, AlipayChannelAdapter.HttpClientName);
        Add<WeChatPayChannelAdapter>(services, WeChatPayChannelAdapter.HttpClientName);
        Add<UnionPayChannelAdapter>(services, UnionPayChannelAdapter.HttpClientName);
        Add<BankPayoutChannelAdapter>(services, BankPayoutChannelAdapter.HttpClientName);
        services.AddSingleton<ChannelAdapterRegistry>();
        return services;
    }

    /// <summary>
    /// One adapter with its own named HttpClient: a 10 s ceiling per call (an adapter's answer past it is unknown, never
    /// failed). Adapters log and measure outcomes themselves; the factory's per-request logging handlers only cost CPU.
    /// </summary>
    private static void Add<TAdapter>(IServiceCollection services, string httpClientName)
        where TAdapter : class, IChannelAdapter
    {
        services.AddHttpClient(httpClientName, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<IChannelAdapter, TAdapter>();
    }
}
