namespace Sluice.Channels.Contracts;

/// <summary>A channel that pays money out (withdrawals; flows <see cref="ChannelFlow.Withdraw"/>, <see cref="ChannelFlow.WithdrawQuery"/>).</summary>
public interface IChannelPayouts
{
    Task<ChannelReport> WithdrawAsync(ChannelAccountContext account, ChannelWithdrawRequest request, CancellationToken ct);

    Task<ChannelReport> QueryWithdrawalAsync(ChannelAccountContext account, string withdrawalId, CancellationToken ct);
}
