using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;

namespace Sluice.Tests.Channels;

/// <summary>The channels Sluice ships, registered as the gateway registers them, outside any host.</summary>
public static class ShippedChannels
{
    public static ChannelAdapterRegistry Registry { get; } =
        new ServiceCollection().AddSingleton(TimeProvider.System).AddChannelAdapters().BuildServiceProvider().GetRequiredService<ChannelAdapterRegistry>();

    /// <summary>A shipped protocol's default re-query schedule, from its channel profile.</summary>
    public static IReadOnlyList<TimeSpan> RequerySchedule(string protocol) => Registry.Profile(protocol).RequerySchedule;
}
