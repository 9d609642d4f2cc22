namespace Sluice.Channels.Contracts;

/// <summary>
/// A channel that sends signed notices to the gateway's <c>/notify/{channelAccountId}</c> (flow <see cref="ChannelFlow.Notify"/>).
/// The answer the channel expects back is its profile's <see cref="IChannelProfile.Acknowledgement"/>.
/// </summary>
public interface IChannelCallbacks
{
    /// <summary>Verifies the callback's signature before reading anything from it, then parses the notice.</summary>
    ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct);
}
