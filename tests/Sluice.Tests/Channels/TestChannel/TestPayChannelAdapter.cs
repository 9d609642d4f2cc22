using System.Text.Json;
using Sluice.Security;
using static Sluice.Tests.Channels.TestChannel.TestPayProtocol;

namespace Sluice.Tests.Channels.TestChannel;

/// <summary>
/// Speaks testpay: payments, refunds and signed notices; it has no payout interface, so the registry refuses payouts.
/// Registered by <c>services.AddChannel&lt;TestPayChannelAdapter, TestPayProfile&gt;()</c> and nothing else.
/// </summary>
public sealed class TestPayChannelAdapter(TimeProvider clock) : IChannelPayments, IChannelRefunds, IChannelCallbacks
{
    /// <summary>The channel itself (a real adapter would hold an <see cref="IHttpClientFactory"/> instead).</summary>
    public TestPayUpstream Upstream { get; } = new();

    public Task<ChannelPayResult> PayAsync(ChannelAccountContext account, ChannelPayRequest request, CancellationToken ct)
    {
        var merchant = account.Credential(MerchantIdField);
        var state = Upstream.Open(request.OrderId, Waiting, request.Amount, request.Currency);
        return Task.FromResult(new ChannelPayResult(
            Result(ChannelFlow.Pay, state == Waiting ? Accepted : state, request.OrderId), new PayAction("qr_code", $"testpay://{merchant}/{request.OrderId}")));
    }

    public Task<ChannelReport> QueryPaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
        Task.FromResult(Upstream.Find(order.OrderId) is { } held
            ? new ChannelReport(Result(ChannelFlow.Query, held.State, order.OrderId), held.Amount, held.Currency)
            : Report(ChannelFlow.Query, null, order.OrderId));

    public Task<ChannelReport> ClosePaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
        Task.FromResult(Report(ChannelFlow.Close, Upstream.Close(order.OrderId), order.OrderId));

    public Task<ChannelReport> RefundAsync(ChannelAccountContext account, ChannelRefundRequest request, CancellationToken ct) =>
        Task.FromResult(Report(ChannelFlow.Refund, Upstream.Open(request.RefundId, RefundAccepted, request.RefundAmount, request.Currency), request.RefundId));

    public Task<ChannelReport> QueryRefundAsync(ChannelAccountContext account, string refundId, string orderId, CancellationToken ct) =>
        Task.FromResult(Report(ChannelFlow.RefundQuery, Upstream.StateOf(refundId), refundId));

    public ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct)
    {
        if (!HmacSignature.Verify(account.Credential(SigningKeyField), request.Header(SignatureHeader), request.Body, clock.GetUtcNow(), SignatureTolerance))
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("signature verification failed"));
        }

        Notice? notice;
        try
        {
            notice = JsonSerializer.Deserialize<Notice>(request.Body, Json);
        }
        catch (JsonException)
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("unreadable notice body"));
        }

        ChannelNoticeKind? kind = notice?.Kind switch
        {
            Kinds.Payment => ChannelNoticeKind.Payment,
            Kinds.Refund => ChannelNoticeKind.Refund,
            _ => null,
        };
        return ValueTask.FromResult(notice is null || kind is null
            ? CallbackParseResult.Rejected("notice lacks a known kind")
            : CallbackParseResult.Accepted(new ChannelNotice(kind.Value, notice.OrderId,
                new ChannelReport(Result(ChannelFlow.Notify, notice.State, notice.OrderId), notice.Amount, notice.Currency, DateTimeOffset.FromUnixTimeSeconds(notice.CompletedAt)),
                notice.NoticeId)));
    }

    /// <summary>
    /// The channel's answer, read with its own rules. The gateway applies the effect its result-code map gives the raw code
    /// (the profile's <see cref="TestPayResultCodes"/> unless an operator overrode it), so a code without a rule stays unknown.
    /// </summary>
    private static ChannelResult Result(ChannelFlow flow, string state, string id) =>
        new(TestPayResultCodes.Table.OutcomeOf(flow, state, null), state, null, null, "TP-" + id);

    private static ChannelReport Report(ChannelFlow flow, string? state, string id) =>
        new(state is null ? ChannelResult.Unknown("NOT_FOUND", $"testpay holds no order {id}") : Result(flow, state, id));
}
