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
        // Adapters log and measure outcomes themselves; the factory's per-request logging handlers only cost CPU.
        services.AddHttpClient(SandboxChannelAdapter.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<IChannelAdapter, SandboxChannelAdapter>();
        services.AddHttpClient(AlipayChannelAdapter.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<IChannelAdapter, AlipayChannelAdapter>();
        services.AddHttpClient(UnionPayChannelAdapter.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<IChannelAdapter, UnionPayChannelAdapter>();
        services.AddHttpClient(BankPayoutChannelAdapter.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<IChannelAdapter, BankPayoutChannelAdapter>();
        services.AddHttpClient(WeChatPayChannelAdapter.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<IChannelAdapter, WeChatPayChannelAdapter>();
        services.AddSingleton<ChannelAdapterRegistry>();
        return services;
    }
}
