using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Payments;
using Sluice.Routing;
using Sluice.Server.Api;
using Sluice.Server.Auth;
using Sluice.Server.ChannelAccounts;
using Sluice.Server.Hosting;
using Sluice.Server.Orders;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;
using Sluice.Server.Routing;
using Sluice.Server.Webhooks;
using Sluice.Withdrawals;

using static Sluice.Server.ResultCodes.ChannelAnswers;

namespace Sluice.Server.Withdrawals;

/// <summary>
/// The withdrawal flows: create (route among withdrawal channels, reserve the daily limit, ask the channel, or hold
/// when no channel is available), apply what channels report (answers, queries, notices), and the worker's steps
/// (re-route a held withdrawal, query one the channel holds). A payout whose fate is unknown is only ever queried,
/// never sent again.
/// </summary>
public sealed partial class WithdrawalService(
    SluiceDbContext db,
    PaymentRouter router,
    DailyLimitLedger ledger,
    ChannelCaller channels,
    ChannelFailover failover,
    OrderTransitions<WithdrawalOrder, WithdrawalStatus> orders,
    WebhookOutbox outbox,
    PayeeAccounts payees,
    RequerySchedules schedules,
    IdGenerator ids,
    NodeIdentity node,
    IOptions<WithdrawalOptions> options,
    IOptions<SluiceOptions> workers,
    ChannelQueryBook queries,
    Sluice.Server.Ledger.LedgerPostings postings,
    TimeProvider clock,
    ILogger<WithdrawalService> logger)
{
    /// <summary>The unified code of a withdrawal that waited longer than its hold time for a channel.</summary>
    public const string HoldExpiredCode = UnifiedCode.NoChannelAvailable;

    private const string ReturnedCode = "withdrawal_returned";

    private WithdrawalOptions Options => options.Value;

    /// <summary>How long one node may work on a withdrawal (its create call, a query) before another may take it over.</summary>
    private TimeSpan LeaseDuration => workers.Value.Workers.LeaseDuration;

    public async Task<OrderResult<WithdrawalOrder>> CreateAsync(MerchantCaller caller, CreateWithdrawalRequest r, CancellationToken ct)
    {
        var payeeType = WithdrawalView.PayeeTypeOf(r.PayeeType)!.Value;
        var spec = new WithdrawalSpec(caller.AppId, caller.MerchantId, r.MerchantWithdrawalNo!, r.Amount!.Value, r.Currency!, payeeType,
            r.PayeeAccountNo!, r.PayeeName!, r.BankCode, r.Remark, r.NotifyUrl);
        var opened = await OpenAsync(spec, "merchant_api", null, ct);
        if (opened.Order is { } order)
        {
            return OrderResult<WithdrawalOrder>.New(order);
        }

        if (opened.Short)
        {
            return Sluice.Server.Ledger.LedgerRefusals.InsufficientBalance(Sluice.Ledger.LedgerAccountType.MerchantAvailable);
        }

        // This withdrawal number exists (a retry, or a concurrent request won): answer like a retry of that request.
        var existing = await FindByNumberAsync(caller.AppId, r.MerchantWithdrawalNo!, ct);
        return existing is not null && Same(existing, r, payeeType)
            ? OrderResult<WithdrawalOrder>.Ok(existing)
            : Refusal.Of(RefusalKind.Conflict, UnifiedCode.DuplicateOrderNo,
                "This merchant_withdrawal_no already belongs to a withdrawal with a different amount, currency or payee.",
                new Dictionary<string, object?> { ["withdrawal_id"] = existing?.Id });
    }

    /// <summary>
    /// The one creation path of a withdrawal (a merchant's, or an operator's pay-back of a refund): routes it among
    /// withdrawal channels, reserves the chosen channel's daily limit, stores it (created, or held when no channel is
    /// available) and sends it. <paramref name="alongside"/>, when given, runs in the same transaction as the insert
    /// (e.g. the refund's compare-and-set): when it answers false nothing is stored and the limit share is released.
    /// A merchant's own withdrawal reserves its amount from the merchant's available balance in the same transaction
    /// (a pay-back is covered by its refund's reservation). Returns the order, or null with <c>Duplicate</c> when the
    /// merchant withdrawal number is taken, or with <c>Short</c> when the balance does not cover it.
    /// </summary>
    public async Task<(WithdrawalOrder? Order, bool Duplicate, bool Short)> OpenAsync(
        WithdrawalSpec spec, string source, Func<WithdrawalOrder, Task<bool>>? alongside, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var routed = await RouteAsync(spec.MerchantId, spec.AppId + "/" + spec.MerchantWithdrawalNo, WithdrawalView.MethodOf(spec.PayeeType), spec.Amount, spec.Currency, now, ct);
        var id = ids.Next("wdr");
        var first = await ledger.ReserveFirstAsync(id, routed.Candidates, 0, routed.Decision.Request, ct);
        var order = new WithdrawalOrder
        {
            Id = id,
            AppId = spec.AppId,
            MerchantId = spec.MerchantId,
            MerchantWithdrawalNo = spec.MerchantWithdrawalNo,
            Amount = spec.Amount,
            Currency = spec.Currency,
            PayeeType = spec.PayeeType,
            PayeeAccountCiphertext = payees.Protect(spec.PayeeAccountNo),
            PayeeAccountMasked = WithdrawalOrder.Mask(spec.PayeeAccountNo),
            PayeeName = spec.PayeeName,
            BankCode = spec.BankCode,
            Remark = spec.Remark,
            NotifyUrl = spec.NotifyUrl,
            RefundId = spec.RefundId,
            CreatedAt = now,
            UpdatedAt = now,
            HeldUntil = now + Options.MaxHold,
        };

        if (first < 0)
        {
            // No withdrawal channel can take it now: held, visible with its reason, re-routed by the worker.
            order.Status = WithdrawalStatus.Held;
            order.HoldReason = HoldReasonOf(routed);
            queries.Stage(ChannelQueryKind.Withdrawal, id, null, now + Options.HoldRetryInterval);
            db.WithdrawalEvents.Add(new WithdrawalEvent
            {
                WithdrawalId = id, Kind = "held", Source = source, ToStatus = "held", Detail = order.HoldReason, CreatedAt = now,
            });
            await outbox.StageAsync(order.AppId, order.Id, order.NotifyUrl, "withdrawal.held", WithdrawalEventData.Of(order), ct);
        }
        else
        {
            // Committed before the channel hears of it, with its query row leased by this node, so a node that dies
            // mid-call leaves a withdrawal the worker will query (never re-send) once the lease has expired.
            var (channel, account) = routed.Candidates[first];
            order.Status = WithdrawalStatus.Created;
            order.ChannelCode = channel.Code;
            order.ChannelAccountId = account.Id;
            queries.Stage(ChannelQueryKind.Withdrawal, id, account, schedules.NextAt(account.Protocol, 0, now, null), (node.Id, now + LeaseDuration));
            db.PaymentRouting.Add(routed.RecordFor(id, now));
        }

        var reserves = spec.RefundId is null;
        order.ReservedFrom = reserves ? Sluice.Ledger.LedgerAccountType.MerchantAvailable : null;
        db.Withdrawals.Add(order);
        await using (var transaction = alongside is null && !reserves ? null : await db.Database.BeginTransactionAsync(ct))
        {
            try
            {
                // The row is inserted (its merchant_withdrawal_no is unique) before the balance is reserved, so a racing
                // duplicate never waits on a row lock while it holds a balance row.
                var refused = alongside is not null && !await alongside(order);
                if (!refused)
                {
                    await db.SaveChangesAsync(ct);
                }

                var isShort = !refused && reserves && !await postings.ReserveWithdrawalAsync(db, order, ct);
                if (refused || isShort)
                {
                    await transaction!.RollbackAsync(CancellationToken.None);
                    db.ChangeTracker.Clear();
                    await ledger.ReleaseAsync(id, CancellationToken.None);
                    return (null, false, isShort);
                }
                if (transaction is not null)
                {
                    await transaction.CommitAsync(ct);
                }
            }
            catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
            {
                if (transaction is not null)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                }

                db.ChangeTracker.Clear();
                await ledger.ReleaseAsync(id, CancellationToken.None);
                return (null, true, false);
            }
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.WithdrawalCreated(id, spec.MerchantId, WithdrawalStateMachine.WireName(order.Status), order.ChannelCode ?? "-");
        }

        if (first >= 0)
        {
            // The withdrawal is acknowledged from here on: whoever asked hanging up must not cut the channel call.
            await SendAsync(order, routed, first, CancellationToken.None);
            await FollowWithQueryRowAsync(order, routed.Candidates[first].Account.Id, CancellationToken.None);
        }

        return (order, false, false);
    }

    public Task<WithdrawalOrder?> FindAsync(string appId, string id, CancellationToken ct) =>
        db.Withdrawals.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id && w.AppId == appId, ct);

    public Task<WithdrawalOrder?> FindByNumberAsync(string appId, string number, CancellationToken ct) =>
        db.Withdrawals.AsNoTracking().FirstOrDefaultAsync(w => w.AppId == appId && w.MerchantWithdrawalNo == number, ct);

    /// <summary>
    /// An operator cancels a held withdrawal: no channel has it, so nothing can have been paid out. Only from held — a
    /// withdrawal a worker has just routed to a channel is refused (the channel may pay it), as is any other state.
    /// Audited; the merchant gets <c>withdrawal.failed</c> with <c>withdrawal_cancelled</c>; a refund it paid back goes back
    /// to the exception queue in the same transaction.
    /// </summary>
    public async Task<OrderResult<WithdrawalOrder>> CancelHeldAsync(System.Security.Claims.ClaimsPrincipal operatorUser, string id, string note, CancellationToken ct)
    {
        var order = await db.Withdrawals.FirstOrDefaultAsync(w => w.Id == id, ct);
        if (order is null)
        {
            return Refusal.NotFound("withdrawal");
        }

        if (order.Status != WithdrawalStatus.Held)
        {
            return NotCancellable(order);
        }

        var before = WithdrawalView.From(order);
        Audit.AuditLog.Add(db, clock, operatorUser, "withdrawal.cancel", "withdrawal", order.Id, before, new { status = "failed", note });
        var moved = await orders.ApplyAsync(order, new(WithdrawalStatus.Failed, "operator_cancel", note) { OnlyFrom = WithdrawalStatus.Held }, o =>
        {
            o.FailureCode = UnifiedCode.WithdrawalCancelled;
            o.FailureMessage = "An operator cancelled the withdrawal while it was held; nothing was paid out.";
            o.FailureMessageZh = "代付在挂起期间被运营人员取消，款项未付出。";
            o.FailedAt = clock.GetUtcNow();
        }, ct);
        if (moved != TransitionResult.Applied)
        {
            db.ChangeTracker.Clear();
            var now = await db.Withdrawals.AsNoTracking().FirstAsync(w => w.Id == id, ct);
            return NotCancellable(now);
        }

        return OrderResult<WithdrawalOrder>.Ok(order);
    }

    private static Refusal NotCancellable(WithdrawalOrder order) =>
        Refusal.Of(RefusalKind.Conflict, UnifiedCode.WithdrawalNotCancellable,
            $"Only a held withdrawal (no channel has it) can be cancelled; this one is {WithdrawalStateMachine.WireName(order.Status)}.",
            new Dictionary<string, object?> { ["withdrawal_status"] = WithdrawalStateMachine.WireName(order.Status) });

    /// <summary>
    /// Applies what a channel reported (a query or a verified notice) with the effect the result-code map resolved.
    /// A failure reported for a succeeded withdrawal is believed only as a bounce (<c>withdrawal_returned</c>).
    /// Returns the effect for the callback log.
    /// </summary>
    public async Task<ReportOutcome> ApplyReportAsync(WithdrawalOrder order, ChannelReport report, ResultResolution resolution, string source, CancellationToken ct)
    {
        var result = report.Result;
        void Record(WithdrawalOrder o)
        {
            o.RecordAnswer(result, resolution);
            o.ChannelReference ??= result.ChannelReference;
        }

        switch (resolution.Effect)
        {
            case ChannelOutcome.Succeeded:
                return await orders.RefuseMismatchedAmountAsync(order, report, source, amountRequired: false, ct)
                    ?? await orders.ReportAsync(order, new(WithdrawalStatus.Succeeded, source, result.RawCode), o =>
                {
                    Record(o);
                    o.SucceededAt = report.CompletedAt?.ToUniversalTime() ?? clock.GetUtcNow();
                }, ct);
            case ChannelOutcome.Failed:
                var bounce = order.Status == WithdrawalStatus.Succeeded && resolution.UnifiedCode == ReturnedCode;
                return await orders.ReportAsync(order, new(WithdrawalStatus.Failed, source, $"{result.RawCode}/{result.RawSubCode}")
                {
                    Exceptional = bounce,
                    EventKind = bounce ? "returned_by_bank" : "status_changed",
                }, o =>
                {
                    Record(o);
                    Fail(o, resolution);
                    o.ReturnedAt = bounce ? clock.GetUtcNow() : o.ReturnedAt;
                }, ct);
            case ChannelOutcome.Pending when order.Status == WithdrawalStatus.Created:
                return await orders.ReportAsync(order, new(WithdrawalStatus.Pending, source, result.RawCode), Record, ct);
            default:
                return orders.Unchanged(order, resolution);
        }
    }

    /// <summary>
    /// Asks the candidates in order, from <paramref name="current"/> (reserved, stored as the order's channel). Only a
    /// definite "not taken" that the map resolves to failed moves the still-created order to the next candidate; after
    /// any other answer, above all an unknown one, the order stays with the channel that may hold it.
    /// </summary>
    private async Task SendAsync(WithdrawalOrder order, RoutedRequest routed, int current, CancellationToken ct)
    {
        var request = new ChannelWithdrawRequest(order.Id, order.Amount, order.Currency, order.PayeeType, payees.Reveal(order), order.PayeeName,
            order.BankCode, order.Remark);
        var last = await failover.RunAsync(orders, order, routed, current, account => channels.WithdrawAsync(account, request, ct), ct);
        if (last is null)
        {
            return;
        }

        if (last.NotTaken && last.Answer.Resolution.Retryable)
        {
            // Every channel refused before taking it, and may take it later (busy, unreachable): wait for one.
            var reason = $"every available channel refused before taking it; last: {last.Account.ChannelCode} ({last.Answer.Resolution.UnifiedCode})";
            await orders.ApplyAsync(order, new(WithdrawalStatus.Held, "channel_withdraw", reason), o =>
            {
                o.HoldReason = reason;
                o.ChannelCode = null;
                o.ChannelAccountId = null;
            }, ct);
            return;
        }

        await ApplyAnswerAsync(order, last.Answer, ct);
    }

    /// <summary>The channel's answer to a new payout: unknown (timeout, 5xx, unmapped) is pending with outcome unknown, to be queried.</summary>
    private async Task ApplyAnswerAsync(WithdrawalOrder order, ChannelAnswer<ChannelReport> answer, CancellationToken ct)
    {
        var (report, result, resolution) = answer;
        if (resolution.Effect is ChannelOutcome.Succeeded or ChannelOutcome.Failed or ChannelOutcome.Pending)
        {
            var applied = await ApplyReportAsync(order, report, resolution, "channel_withdraw", ct);
            if (applied.Effect == ReportEffect.AmountMismatch)
            {
                // A success for another amount is not believed, but the channel has the payout: pending, to be queried.
                await orders.ApplyAsync(order, new(WithdrawalStatus.Pending, "channel_withdraw", result.RawCode) { OnlyFrom = WithdrawalStatus.Created },
                    o => o.RecordAnswer(result, resolution), ct);
            }

            return;
        }

        orders.NoteUnknown(order, "channel_withdraw", result, resolution);
        await orders.ApplyAsync(order, new(WithdrawalStatus.Pending, "channel_withdraw", result.RawCode), o => o.RecordAnswer(result, resolution), ct);
    }

    private async Task<RoutedRequest> RouteAsync(string merchantId, string routingKey, string method, long amount, string currency, DateTimeOffset now, CancellationToken ct) =>
        // The payee's bank code is not a routing filter: payout channels pay into any bank.
        await router.RouteAsync(merchantId, new RoutingRequest(ChannelBusinessType.Withdrawal, method, amount, currency, now, RoutingKey: routingKey), ct);

    private static string HoldReasonOf(RoutedRequest routed)
    {
        if (routed.Decision.Ranked.Count > 0)
        {
            return "the daily limit of every eligible withdrawal channel is taken";
        }

        var lines = routed.Decision.Explain().Where(l => !l.Eligible && l.DroppedBy != "business_type").Select(l => $"{l.Channel}: {l.Reason}").ToList();
        var reason = lines.Count == 0
            ? "no withdrawal channel takes this withdrawal for this merchant"
            : "no withdrawal channel is available: " + string.Join("; ", lines);
        return Truncate(reason, 1024)!;
    }

    private bool Same(WithdrawalOrder o, CreateWithdrawalRequest r, PayeeAccountType payeeType) =>
        o.Amount == r.Amount && o.Currency == r.Currency && o.PayeeType == payeeType && o.PayeeName == r.PayeeName && payees.Reveal(o) == r.PayeeAccountNo;

    private static void Fail(WithdrawalOrder o, ResultResolution resolution)
    {
        o.RecordFailure(resolution);
        o.FailedAt = o.UpdatedAt;
    }
}
