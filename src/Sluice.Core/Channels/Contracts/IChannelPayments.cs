namespace Sluice.Channels.Contracts;

/// <summary>
/// A channel that takes payments (flows <see cref="ChannelFlow.Pay"/>, <see cref="ChannelFlow.Query"/>,
/// <see cref="ChannelFlow.Close"/>). Like every flow interface, it speaks the channel's own protocol (signing, encodings,
/// error codes) and reports channel outcomes; the gateway's flows (state machines, webhooks, re-queries) stay outside it.
/// An adapter never throws for an upstream failure: timeouts, 5xx and unreadable answers are <see cref="ChannelOutcome.Unknown"/>.
/// </summary>
public interface IChannelPayments
{
    Task<ChannelPayResult> PayAsync(ChannelAccountContext account, ChannelPayRequest request, CancellationToken ct);

    Task<ChannelReport> QueryPaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct);

    /// <summary>Closes an unpaid order at the channel. Succeeded: closed; Failed with the report's code: e.g. already paid.</summary>
    Task<ChannelReport> ClosePaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct);
}
