using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sluice.Channels.Alipay;
using Sluice.Channels.BankPayout;
using Sluice.Channels.Contracts;
using Sluice.Channels.Sandbox;
using Sluice.Channels.UnionPay;
using Sluice.Channels.WeChatPay;

namespace Sluice.Channels;

public static class ChannelRegistration
{
    /// <summary>Every channel Sluice ships, and the registry (which also sees channels added with <see cref="AddChannel{TAdapter, TProfile}"/> elsewhere).</summary>
    public static IServiceCollection AddChannelAdapters(this IServiceCollection services) =>
        services
            .AddChannel<SandboxChannelAdapter, SandboxProfile>()
            .AddChannel<AlipayChannelAdapter, AlipayProfile>()
            .AddChannel<WeChatPayChannelAdapter, WeChatPayProfile>()
            .AddChannel<UnionPayChannelAdapter, UnionPayProfile>()
            .AddChannel<BankPayoutChannelAdapter, BankPayoutProfile>();

    /// <summary>
    /// Adds one channel: its profile, its adapter (a singleton implementing the flow interfaces of the profile's flows)
    /// and its own named HttpClient (<see cref="ChannelTransport.HttpClientName"/>) with a 10 s ceiling per call (an
    /// adapter's answer past it is unknown, never failed). Adapters log and measure outcomes themselves; the factory's
    /// per-request logging handlers only cost CPU.
    /// </summary>
    public static IServiceCollection AddChannel<TAdapter, TProfile>(this IServiceCollection services)
        where TAdapter : class
        where TProfile : class, IChannelProfile, new()
    {
        var profile = new TProfile();
        services.AddHttpClient(ChannelTransport.HttpClientName(profile.Protocol), c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddSingleton<TAdapter>();
        services.AddSingleton(sp => new RegisteredChannel(profile, sp.GetRequiredService<TAdapter>()));
        services.TryAddSingleton<ChannelAdapterRegistry>();
        return services;
    }
}
