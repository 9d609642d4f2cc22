using Sluice.Channels;
using Sluice.Server.Routing;

namespace Sluice.Server.Orders;

/// <summary>How a failover round ended: the answer of the last channel asked, that channel's account, and whether it definitely did not take the order.</summary>
public sealed record FailoverOutcome<T>(ChannelAnswer<T> Answer, ChannelAccount Account, bool NotTaken);

/// <summary>
/// The one failover loop (payments and withdrawals): asks the routed candidates in order, from the one the order is
/// stored with (its daily limit reserved). Only a definite "not taken" (connection refused, the channel busy before
/// accepting) that the result-code map resolves to failed moves the order to the next candidate whose limit can be
/// reserved, giving back its share of the last one's, with a <c>failover</c> timeline row under the order's
/// compare-and-set. After any other answer, above all an unknown one, the order stays with the channel that may hold it.
/// </summary>
public sealed class ChannelFailover(DailyLimitLedger ledger)
{
    /// <returns>The last answer, or null when a report moved the order while it was being re-routed (it is reloaded: no longer ours to route).</returns>
    public async Task<FailoverOutcome<T>?> RunAsync<TOrder, TStatus, T>(
        OrderTransitions<TOrder, TStatus> orders,
        TOrder order,
        RoutedRequest routed,
        int current,
        Func<ChannelAccount, Task<ChannelAnswer<T>>> call,
        CancellationToken ct)
        where TOrder : ChannelOrder<TStatus>, IRoutedOrder
        where TStatus : struct, Enum
    {
        var candidates = routed.Candidates;
        for (var i = current; ; )
        {
            var account = candidates[i].Account;
            var answer = await call(account);
            var notTaken = answer.Resolution.Effect == ChannelOutcome.Failed && answer.Result.NotTakenByChannel;
            var next = notTaken && i < candidates.Count - 1
                ? await ledger.ReserveNextAsync(order.Id, candidates, i, routed.Decision.Request, ct)
                : -1;
            if (next < 0)
            {
                return new FailoverOutcome<T>(answer, account, notTaken);
            }

            var (channel, nextAccount) = candidates[next];
            var from = order.ChannelAccountId;
            order.ChannelAccountId = nextAccount.Id;
            order.ChannelCode = channel.Code;
            orders.Note(order, "failover", "routing",
                $"{from} did not take the {orders.Kind.Name} ({answer.Result.RawCode}); trying {nextAccount.Id} ({channel.Code})");
            if (!await orders.SaveAsync(order, ct))
            {
                return null;
            }

            i = next;
        }
    }
}
