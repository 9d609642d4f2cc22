namespace Sluice.Channels;

/// <summary>
/// The one contract every upstream channel implements: it speaks the channel's own protocol (signing, encodings,
/// error codes) and reports channel outcomes; flows (state machines, webhooks, re-queries) stay outside it.
/// An adapter never throws for an upstream failure: timeouts, 5xx and unreadable answers are <see cref="ChannelOutcome.Unknown"/>.
/// </summary>
public interface IChannelAdapter
{
    /// <summary>The protocol name, for example <c>sandbox</c>, <c>alipay</c>, <c>wechatpay-v3</c>.</summary>
    string Protocol { get; }

    /// <summary>
    /// The channel's documented result codes mapped to unified codes and order effects, for every raw code/sub-code
    /// this adapter can put in a <see cref="ChannelResult"/> (success states included). Operators may override them.
    /// </summary>
    IReadOnlyList<ResultCodeRule> DefaultResultCodes { get; }

    Task<ChannelPayResult> PayAsync(ChannelAccountContext account, ChannelPayRequest request, CancellationToken ct);

    Task<ChannelReport> QueryPaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct);

    /// <summary>Closes an unpaid order at the channel. Succeeded: closed; Failed with the report's code: e.g. already paid.</summary>
    Task<ChannelReport> ClosePaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct);

    Task<ChannelReport> RefundAsync(ChannelAccountContext account, ChannelRefundRequest request, CancellationToken ct);

    Task<ChannelReport> QueryRefundAsync(ChannelAccountContext account, string refundId, string orderId, CancellationToken ct);

    Task<ChannelReport> WithdrawAsync(ChannelAccountContext account, ChannelWithdrawRequest request, CancellationToken ct);

    Task<ChannelReport> QueryWithdrawalAsync(ChannelAccountContext account, string withdrawalId, CancellationToken ct);

    /// <summary>Verifies the callback's signature before reading anything from it, then parses the notice.</summary>
    ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct);

    /// <summary>The answer in the channel's expected format. <paramref name="accepted"/> false asks the channel to retry.</summary>
    ChannelCallbackAnswer AnswerCallback(bool accepted);
}
