using System.Diagnostics;
using Sluice.Channels;
using Sluice.Server.ChannelAccounts;
using Sluice.Server.Hosting;
using Sluice.Server.ResultCodes;
using Sluice.Server.Routing;

namespace Sluice.Server.Orders;

/// <summary>What a channel answered to one call, and the effect the result-code map gives it for that call's flow.</summary>
public sealed record ChannelAnswer<T>(T Value, ChannelResult Result, ResultResolution Resolution);

/// <summary>
/// Every call Sluice makes to a channel goes through here (pay, query, close, refund, refund query, payout, payout
/// query): a trace span, the call's duration as a metric, a health sample for routing, the answer resolved by the
/// result-code map for the call's flow, an answer naming another order than the one asked about taken for unknown, and any exception or timeout of the adapter turned into an unknown outcome, so
/// an order is never failed or lost because a call went wrong: an unknown answer is only ever queried.
/// <c>ct</c> bounds the channel call only (its running out is an unknown answer); <c>stopping</c>, the node going down,
/// cancels the caller's work instead, and nothing of it is recorded.
/// </summary>
public sealed class ChannelCaller(
    ChannelAdapterRegistry adapters,
    ChannelAccountContexts accounts,
    ChannelHealthMonitor health,
    ChannelBreakers breakers,
    ResultCodeResolver resultCodes,
    SluiceMetrics metrics,
    ILogger<ChannelCaller> logger)
{
    public Task<ChannelAnswer<ChannelPayResult>> PayAsync(ChannelAccount account, ChannelPayRequest request, CancellationToken ct, CancellationToken stopping = default) =>
        CallAsync(ChannelFlow.Pay, account, request.OrderId, null, (c, t) => adapters.Payments(account.Protocol).PayAsync(c, request, t), p => p.Result,
            result => new ChannelPayResult(result, null), ct, stopping);

    public Task<ChannelAnswer<ChannelReport>> QueryPaymentAsync(ChannelAccount account, ChannelOrderRef order, CancellationToken ct, CancellationToken stopping = default) =>
        ReportAsync(ChannelFlow.Query, account, order.OrderId, null, (c, t) => adapters.Payments(account.Protocol).QueryPaymentAsync(c, order, t), ct, stopping);

    public Task<ChannelAnswer<ChannelReport>> ClosePaymentAsync(ChannelAccount account, ChannelOrderRef order, CancellationToken ct, CancellationToken stopping = default) =>
        ReportAsync(ChannelFlow.Close, account, order.OrderId, null, (c, t) => adapters.Payments(account.Protocol).ClosePaymentAsync(c, order, t), ct, stopping);

    public Task<ChannelAnswer<ChannelReport>> RefundAsync(ChannelAccount account, ChannelRefundRequest request, CancellationToken ct, CancellationToken stopping = default) =>
        ReportAsync(ChannelFlow.Refund, account, request.RefundId, request.OrderId, (c, t) => adapters.Refunds(account.Protocol).RefundAsync(c, request, t), ct, stopping);

    public Task<ChannelAnswer<ChannelReport>> QueryRefundAsync(ChannelAccount account, string refundId, string paymentId, CancellationToken ct, CancellationToken stopping = default) =>
        ReportAsync(ChannelFlow.RefundQuery, account, refundId, paymentId, (c, t) => adapters.Refunds(account.Protocol).QueryRefundAsync(c, refundId, paymentId, t), ct, stopping);

    public Task<ChannelAnswer<ChannelReport>> WithdrawAsync(ChannelAccount account, ChannelWithdrawRequest request, CancellationToken ct, CancellationToken stopping = default) =>
        ReportAsync(ChannelFlow.Withdraw, account, request.WithdrawalId, null, (c, t) => adapters.Payouts(account.Protocol).WithdrawAsync(c, request, t), ct, stopping);

    public Task<ChannelAnswer<ChannelReport>> QueryWithdrawalAsync(ChannelAccount account, string withdrawalId, CancellationToken ct, CancellationToken stopping = default) =>
        ReportAsync(ChannelFlow.WithdrawQuery, account, withdrawalId, null, (c, t) => adapters.Payouts(account.Protocol).QueryWithdrawalAsync(c, withdrawalId, t), ct, stopping);

    private Task<ChannelAnswer<ChannelReport>> ReportAsync(
        ChannelFlow operation,
        ChannelAccount account,
        string orderId,
        string? alsoAsked,
        Func<ChannelAccountContext, CancellationToken, Task<ChannelReport>> call,
        CancellationToken ct,
        CancellationToken stopping) =>
        CallAsync(operation, account, orderId, alsoAsked, call, r => r.Result, result => new ChannelReport(result), ct, stopping);

    private async Task<ChannelAnswer<T>> CallAsync<T>(
        ChannelFlow operation,
        ChannelAccount account,
        string orderId,
        string? alsoAsked,
        Func<ChannelAccountContext, CancellationToken, Task<T>> call,
        Func<T, ChannelResult> resultOf,
        Func<ChannelResult, T> answerOf,
        CancellationToken ct,
        CancellationToken stopping)
    {
        var name = NameOf(operation);
        using var activity = SluiceTracing.StartChannelCall(name, account.Protocol, account.Id, orderId);
        var started = Stopwatch.GetTimestamp();
        T value;
        try
        {
            value = await call(accounts.For(account), ct);
        }
        catch (ChannelFlowNotSupportedException unsupported)
        {
            // The channel's profile does not offer this flow: a definite refusal, the channel was never called.
            value = answerOf(unsupported.Result);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            // The call's own bound ran out: the channel's word is unknown, the order may be held there.
            value = answerOf(ChannelResult.Unknown(ChannelTransport.Timeout, "no answer within the bound"));
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            // An adapter bug (or a timeout it did not catch) must not lose the order: unknown, to be queried.
            logger.ChannelAdapterFault(ex, account.Protocol, name, orderId);
            value = answerOf(ChannelResult.Unknown(ex is OperationCanceledException ? ChannelTransport.Timeout : ChannelTransport.AdapterFault, ex.GetType().Name));
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        var result = resultOf(value);
        if (ChannelTransport.MatchOrder(result, orderId, alsoAsked) is var matched && !ReferenceEquals(matched, result))
        {
            // A verified answer about another order says nothing about this one (a mixed-up or replayed answer).
            logger.AnswerForAnotherOrder(account.Protocol, name, orderId, result.AnsweredFor!);
            (value, result) = (answerOf(matched), matched);
        }

        var answered = ChannelHealthMonitor.Answered(result);
        health.Record(account.ChannelCode, answered, elapsed);
        try
        {
            await breakers.RecordAsync(account.ChannelCode, answered, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The breaker's store failing must not lose the channel's answer.
            logger.ChannelBreakerRecordFailed(ex, account.ChannelCode);
        }

        metrics.ChannelCallDuration.Record(elapsed.TotalMilliseconds,
            new KeyValuePair<string, object?>("protocol", account.Protocol), new KeyValuePair<string, object?>("operation", name));
        activity?.SetTag("sluice.channel.outcome", ChannelAnswers.OutcomeName(result.Outcome));
        activity?.SetTag("sluice.channel.raw_code", result.RawCode);

        // The map's resolution is read with the caller's token gone: an answer that came is always resolved.
        var resolution = await resultCodes.ResolveAsync(account.Protocol, operation, result, CancellationToken.None);
        return new ChannelAnswer<T>(value, result, resolution);
    }

    /// <summary>The call's name in spans and metrics.</summary>
    private static string NameOf(ChannelFlow operation) => operation switch
    {
        ChannelFlow.Pay => "pay",
        ChannelFlow.Query => "query",
        ChannelFlow.Close => "close",
        ChannelFlow.Refund => "refund",
        ChannelFlow.RefundQuery => "refund_query",
        ChannelFlow.Withdraw => "withdraw",
        ChannelFlow.WithdrawQuery => "withdraw_query",
        ChannelFlow.Notify => "notify",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };
}
