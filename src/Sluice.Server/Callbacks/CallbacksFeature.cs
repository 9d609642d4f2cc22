using Sluice.Server.Api;

namespace Sluice.Server.Callbacks;

/// <summary>Channels' asynchronous notices (<c>/notify/{channelAccountId}</c>).</summary>
public static class CallbacksFeature
{
    public static SluiceRoutes MapCallbacks(this SluiceRoutes routes)
    {
        routes.Callbacks?.MapNotifyEndpoints();
        return routes;
    }
}
