using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Payments;
using Sluice.Server.Orders;
using Sluice.Server.Requery;
using Sluice.Withdrawals;

namespace Sluice.Server.Withdrawals;

/// <summary>The withdrawal worker's steps (re-route a held withdrawal, query one a channel holds) and a merchant's live refresh.</summary>
public sealed partial class WithdrawalService
{
    /// <summary>
    /// The worker's step for one withdrawal it holds the lease on: a held one past its hold time fails, one a channel
    /// can take now is sent; one routed to a channel is queried there. Returns what it did, for the log.
    /// </summary>
    public async Task<string> WorkOnAsync(WithdrawalOrder order, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (order.Status == WithdrawalStatus.Held)
        {
            if (order.HeldUntil is { } until && now >= until)
            {
                return (await orders.ReportAsync(order, new(WithdrawalStatus.Failed, "hold_expired", order.HoldReason), o =>
                {
                    o.FailureCode = HoldExpiredCode;
                    o.FailureMessage = "No withdrawal channel was available within the hold time; nothing was paid out.";
                    o.FailureMessageZh = "在最长挂起时间内没有可用的代付通道，款项未付出。";
                    o.FailedAt = now;
                }, ct)).WireName;
            }

            var routed = await RouteAsync(order.MerchantId, order.AppId + "/" + order.MerchantWithdrawalNo, WithdrawalView.MethodOf(order.PayeeType), order.Amount, order.Currency, now, ct);
            var first = await ledger.ReserveFirstAsync(order.Id, routed.Candidates, 0, routed.Decision.Request, ct);
            if (first < 0)
            {
                order.HoldReason = HoldReasonOf(routed);
                await orders.SaveAsync(order, ct);
                return "still_held";
            }

            var (channel, account) = routed.Candidates[first];
            var moved = await orders.ApplyAsync(order, new(WithdrawalStatus.Created, "channel_available", $"routed to {account.Id} ({channel.Code})"), o =>
                {
                    o.ChannelCode = channel.Code;
                    o.ChannelAccountId = account.Id;
                    o.HoldReason = null;
                }, ct);
            if (moved != TransitionResult.Applied)
            {
                await ledger.ReleaseAsync(order.Id, ct);
                return "skipped_" + WithdrawalStateMachine.WireName(order.Status);
            }

            if (!await db.PaymentRouting.AnyAsync(p => p.PaymentId == order.Id, ct))
            {
                db.PaymentRouting.Add(routed.RecordFor(order.Id, now));
                await db.SaveChangesAsync(ct);
            }

            await SendAsync(order, routed, first, ct);
            return "sent";
        }

        if (order.ChannelAccountId is null || WithdrawalStateMachine.IsTerminal(order.Status))
        {
            return "nothing_to_do";
        }

        return await QueryAtChannelAsync(order, "channel_query", ct, ct);
    }

    /// <summary>
    /// Asks the withdrawal's channel what it holds (flow <c>WithdrawQuery</c>) and applies the answer; never sends the
    /// payout again. <paramref name="channelCt"/> bounds the channel call only: an answer that came is always applied.
    /// </summary>
    private async Task<string> QueryAtChannelAsync(WithdrawalOrder order, string source, CancellationToken channelCt, CancellationToken ct)
    {
        var account = await db.ChannelAccounts.AsNoTracking().FirstAsync(a => a.Id == order.ChannelAccountId, ct);
        var answer = await channels.QueryWithdrawalAsync(account, order.Id, channelCt, ct);
        return (await ApplyReportAsync(order, answer.Value, answer.Resolution, source, ct)).WireName;
    }

    /// <summary>
    /// A merchant's live re-query (<c>?refresh=true</c>): a pending withdrawal is asked about at its channel within
    /// <paramref name="timeout"/>. The refresh takes the withdrawal's lease for the call, as the worker does, so it never
    /// asks while another node works on the withdrawal (then it answers what is stored).
    /// </summary>
    public async Task<WithdrawalOrder?> RefreshAsync(string appId, string id, TimeSpan timeout, CancellationToken ct)
    {
        var order = await db.Withdrawals.FirstOrDefaultAsync(w => w.Id == id && w.AppId == appId, ct);
        if (order is not { Status: WithdrawalStatus.Pending, ChannelAccountId: not null }
            || !await queries.TryLeaseAsync(ChannelQueryKind.Withdrawal, id, node.Id, clock.GetUtcNow(), timeout + LeaseDuration, ct))
        {
            return order;
        }

        try
        {
            using var deadline = new CancellationTokenSource(timeout, clock);
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
            await QueryAtChannelAsync(order, "merchant_refresh", bounded.Token, ct);
        }
        finally
        {
            await queries.ReleaseAsync(ChannelQueryKind.Withdrawal, id, node.Id, CancellationToken.None);
        }

        return order;
    }

    /// <summary>
    /// Where the withdrawal's query row goes after its channel was asked to pay it out (routed from its row's account
    /// <paramref name="rowAccountId"/>): held again (no channel has it) it is looked at after the hold retry interval;
    /// moved to another account by failover, that account's schedule starts over. Null: the row stays as it is.
    /// </summary>
    public async Task<QueryRowMove?> NextLookAsync(WithdrawalOrder order, string? rowAccountId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (order.Status == WithdrawalStatus.Held)
        {
            return new QueryRowMove(null, null, now + Options.HoldRetryInterval);
        }

        if (order.ChannelAccountId is null || order.ChannelAccountId == rowAccountId || WithdrawalStateMachine.IsTerminal(order.Status))
        {
            return null;
        }

        var protocol = await db.ChannelAccounts.AsNoTracking().Where(a => a.Id == order.ChannelAccountId).Select(a => a.Protocol).FirstAsync(ct);
        return new QueryRowMove(order.ChannelAccountId, protocol, schedules.NextAt(protocol, 0, now, null));
    }

    /// <summary>After the create call: the query row follows the withdrawal (<see cref="NextLookAsync"/>) and this node's lease on it ends.</summary>
    private async Task FollowWithQueryRowAsync(WithdrawalOrder order, string rowAccountId, CancellationToken ct)
    {
        var move = await NextLookAsync(order, rowAccountId, ct);
        await (move is null
            ? queries.ReleaseAsync(ChannelQueryKind.Withdrawal, order.Id, node.Id, ct)
            : queries.MoveAsync(ChannelQueryKind.Withdrawal, order.Id, node.Id, move, null, ct));
    }
}
