namespace Sluice.Channels.Contracts;

/// <summary>A channel that refunds its payments (flows <see cref="ChannelFlow.Refund"/>, <see cref="ChannelFlow.RefundQuery"/>).</summary>
public interface IChannelRefunds
{
    Task<ChannelReport> RefundAsync(ChannelAccountContext account, ChannelRefundRequest request, CancellationToken ct);

    Task<ChannelReport> QueryRefundAsync(ChannelAccountContext account, string refundId, string orderId, CancellationToken ct);
}
