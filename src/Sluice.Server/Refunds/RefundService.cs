using System.Collections.Frozen;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Auth;
using Sluice.Server.ChannelAccounts;
using Sluice.Server.Hosting;
using Sluice.Server.Orders;
using Sluice.Server.Payments;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;

using static Sluice.Server.ResultCodes.ChannelAnswers;

namespace Sluice.Server.Refunds;

/// <summary>
/// The refund flows: create (reserve the amount on the payment, store, ask the payment's own channel account), apply
/// what the channel reports (answers, notices), and the operator's actions on the exception queue.
/// </summary>
public sealed partial class RefundService(
    SluiceDbContext db,
    ChannelAdapterRegistry adapters,
    ChannelCaller channels,
    OrderTransitions<RefundOrder, RefundStatus> orders,
    ChannelQueryBook queries,
    Sluice.Server.Ledger.LedgerPostings postings,
    Sluice.Common.IdGenerator ids,
    TimeProvider clock)
{
    /// <summary>Unified codes meaning the original route can no longer take the refund: it goes to the exception queue.</summary>
    public static readonly FrozenSet<string> OriginalRouteImpossible =
        new[] { "refund_window_passed", "refund_abnormal", "payee_account_closed", "payee_account_abnormal" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The unified code of a refund whose channel (or channel account) is gone or disabled.</summary>
    public const string ChannelGone = UnifiedCode.ChannelUnavailable;

    public async Task<OrderResult<RefundOrder>> CreateAsync(MerchantCaller caller, CreateRefundRequest r, CancellationToken ct)
    {
        var payment = r.PaymentId is not null
            ? await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == r.PaymentId && p.AppId == caller.AppId, ct)
            : await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.AppId == caller.AppId && p.MerchantOrderNo == r.MerchantOrderNo, ct);
        if (payment is null)
        {
            return Refusal.NotFound("payment");
        }

        if (await FindByRefundNoAsync(caller.AppId, r.MerchantRefundNo!, ct) is { } earlier)
        {
            return Retried(earlier, payment, r);
        }

        if (payment.Status != PaymentStatus.Succeeded)
        {
            return Refusal.Of(RefusalKind.Conflict, UnifiedCode.PaymentNotRefundable,
                $"Only a succeeded payment can be refunded; this one is {PaymentStateMachine.WireName(payment.Status)}.",
                new Dictionary<string, object?> { ["payment_status"] = PaymentStateMachine.WireName(payment.Status) });
        }

        if (!string.Equals(payment.Currency, r.Currency, StringComparison.Ordinal))
        {
            return Refusal.Of(RefusalKind.Invalid, UnifiedCode.CurrencyMismatch, $"The payment was made in {payment.Currency}; refund in the same currency.",
                new Dictionary<string, object?> { ["field"] = "currency" });
        }

        var now = clock.GetUtcNow();
        var refund = new RefundOrder
        {
            Id = ids.Next("rfd"),
            PaymentId = payment.Id,
            AppId = caller.AppId,
            MerchantId = caller.MerchantId,
            MerchantRefundNo = r.MerchantRefundNo!,
            MerchantOrderNo = payment.MerchantOrderNo,
            NotifyUrl = payment.NotifyUrl,
            Amount = r.Amount!.Value,
            Currency = payment.Currency,
            Reason = r.Reason,
            Bearer = RefundValidation.BearerOf(r.Bearer)!.Value,
            Stage = RefundValidation.StageOf(r.Stage)!.Value,
            Status = RefundStatus.Created,
            ChannelAccountId = payment.ChannelAccountId!,
            ChannelCode = payment.ChannelCode!,
            CreatedAt = now,
            UpdatedAt = now,
        };

        // The refund row is inserted first (its merchant_refund_no is unique), then its amount is reserved on the
        // payment by one conditional UPDATE and from its bearer's balance in the ledger, all committed together: the
        // database serialises concurrent reservations of the payment's row and of the balance rows, so refunds never
        // exceed what was paid nor overdraw a balance, on any number of nodes. Inserting first means a racing duplicate
        // never waits on a row lock while it holds a balance row (PostgreSQL would see a deadlock).
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            db.Refunds.Add(refund);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
            {
                // A concurrent request with this merchant_refund_no won: this one stored and reserved nothing.
                await transaction.RollbackAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
                var winner = await FindByRefundNoAsync(caller.AppId, r.MerchantRefundNo!, CancellationToken.None);
                return winner is null ? Refusal.Of(RefusalKind.Conflict, UnifiedCode.ConcurrentModification, "Retry the request.") : Retried(winner, payment, r);
            }

            var amount = refund.Amount;
            var reserved = await db.Payments
                .Where(p => p.Id == payment.Id && p.Status == PaymentStatus.Succeeded && p.RefundedAmount + amount <= p.Amount)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.RefundedAmount, p => p.RefundedAmount + amount), ct);
            if (reserved != 1)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var current = await db.Payments.AsNoTracking().Where(p => p.Id == payment.Id).Select(p => p.Amount - p.RefundedAmount).FirstAsync(ct);
                return Refusal.Of(RefusalKind.Unprocessable, UnifiedCode.RefundAmountExceeds,
                    $"The refund exceeds what is left to refund on this payment ({current} {payment.Currency}).",
                    new Dictionary<string, object?> { ["refundable_amount"] = current });
            }

            // The ledger reserves the amount from its bearer (into refunds in transit).
            var (from, covered) = await postings.ReserveRefundAsync(db, refund, ct);
            if (!covered)
            {
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                return Sluice.Server.Ledger.LedgerRefusals.InsufficientBalance(from);
            }

            refund.ReservedFrom = from;
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        // The refund is acknowledged from here on: a merchant hanging up must not cut the channel call or its record.
        await SendAsync(refund, "channel_refund", CancellationToken.None);
        return OrderResult<RefundOrder>.New(refund);
    }

    public Task<RefundOrder?> FindAsync(string appId, string id, CancellationToken ct) =>
        db.Refunds.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id && x.AppId == appId, ct);

    public Task<RefundOrder?> FindByRefundNoAsync(string appId, string merchantRefundNo, CancellationToken ct) =>
        db.Refunds.AsNoTracking().FirstOrDefaultAsync(x => x.AppId == appId && x.MerchantRefundNo == merchantRefundNo, ct);

    /// <summary>
    /// Asks the refund's channel account (the original payment's) to refund, and applies the answer as the result-code
    /// map resolves it. A channel or account that is gone or disabled puts the refund in the exception queue.
    /// </summary>
    private async Task SendAsync(RefundOrder refund, string source, CancellationToken ct)
    {
        var (account, gone) = await RouteAsync(refund, ct);
        if (account is null)
        {
            await orders.ApplyAsync(refund, new(RefundStatus.Exception, source, gone), x =>
            {
                x.ResultCode = ChannelGone;
                x.ExceptionReason = gone;
            }, ct);
            return;
        }

        var answer = await channels.RefundAsync(account, new ChannelRefundRequest(
            refund.Id, refund.PaymentId, await ChannelTradeNoAsync(refund, ct), refund.Amount, await PaymentAmountAsync(refund, ct), refund.Currency, refund.Reason), ct);
        await ApplyReportAsync(refund, answer.Value, answer.Resolution, source, ct);
    }

    /// <summary>The refund's channel account when it can still be used, or why it cannot.</summary>
    private async Task<(ChannelAccount? Account, string Why)> RouteAsync(RefundOrder refund, CancellationToken ct)
    {
        var account = await db.ChannelAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == refund.ChannelAccountId, ct);
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Code == refund.ChannelCode, ct);
        return account switch
        {
            null => (null, $"channel account {refund.ChannelAccountId} no longer exists"),
            { Enabled: false } => (null, $"channel account {refund.ChannelAccountId} is disabled"),
            _ when channel is null => (null, $"channel {refund.ChannelCode} no longer exists"),
            _ when channel.Status == ChannelStatus.Offline => (null, $"channel {refund.ChannelCode} is offline"),
            _ when !adapters.Protocols.Contains(account.Protocol) => (null, $"protocol {account.Protocol} is not served by this gateway"),
            _ => (account, ""),
        };
    }

    private Task<string?> ChannelTradeNoAsync(RefundOrder refund, CancellationToken ct) =>
        db.Payments.AsNoTracking().Where(p => p.Id == refund.PaymentId).Select(p => p.ChannelTradeNo).FirstAsync(ct);

    private Task<long> PaymentAmountAsync(RefundOrder refund, CancellationToken ct) =>
        db.Payments.AsNoTracking().Where(p => p.Id == refund.PaymentId).Select(p => p.Amount).FirstAsync(ct);

    /// <summary>
    /// Applies what a channel reported about a refund (its answer, a query or a verified notice) with the effect the
    /// result-code map resolved for it. Returns the effect for the callback log.
    /// </summary>
    public async Task<ReportOutcome> ApplyReportAsync(RefundOrder refund, ChannelReport report, ResultResolution resolution, string source, CancellationToken ct)
    {
        var result = report.Result;
        if (refund.Status == RefundStatus.PayingBack)
        {
            // An operator pays it back through a withdrawal now: only that withdrawal settles it. A late word of the
            // original channel is kept on the timeline for the operator, never applied (the buyer would be paid twice).
            orders.Note(refund, "original_channel_report_while_paying_back", source,
                $"{resolution.Effect.ToString().ToLowerInvariant()} {result.RawCode}/{result.RawSubCode}");
            await db.SaveChangesAsync(ct);
            return new ReportOutcome(ReportEffect.IgnoredPayingBack, RefundStateMachine.WireName(refund.Status));
        }

        void Record(RefundOrder x)
        {
            x.RecordAnswer(result, resolution);
            if (resolution.Effect != ChannelOutcome.Failed)
            {
                x.ChannelRefundNo ??= Truncate(result.ChannelReference, 256);
            }
        }

        switch (resolution.Effect)
        {
            case ChannelOutcome.Succeeded when await orders.RefuseMismatchedAmountAsync(refund, report, source, amountRequired: false, ct) is { } refused:
                // Another amount than the refund's: not believed. The channel has taken the refund; it stays open for its query.
                if (refund.Status == RefundStatus.Created)
                {
                    await ScheduleQueryAsync(refund, ct);
                    await orders.ApplyAsync(refund, new(RefundStatus.Pending, source, result.RawCode) { OnlyFrom = RefundStatus.Created }, x => x.RecordAnswer(result, resolution), ct);
                }

                return refused with { Status = RefundStateMachine.WireName(refund.Status) };
            case ChannelOutcome.Succeeded:
                return await orders.ReportAsync(refund, new(RefundStatus.Succeeded, source, result.RawCode), x =>
                {
                    Record(x);
                    x.RefundedAt = report.CompletedAt?.ToUniversalTime() ?? clock.GetUtcNow();
                }, ct);
            case ChannelOutcome.Failed when OriginalRouteImpossible.Contains(resolution.UnifiedCode):
                return await orders.ReportAsync(refund, new(RefundStatus.Exception, source, result.RawCode), x =>
                {
                    Record(x);
                    x.ExceptionReason = $"{resolution.UnifiedCode}: {resolution.MessageEn}";
                }, ct);
            case ChannelOutcome.Failed:
                return await orders.ReportAsync(refund, new(RefundStatus.Failed, source, result.RawCode), x =>
                {
                    Record(x);
                    x.RecordFailure(resolution);
                }, ct);
            default:
                // Pending, unknown or unmapped: the channel may hold the refund. It is pending until the channel's final
                // word (a notice or a re-query); an unknown outcome is recorded, never taken for a failure. Should the
                // notice be lost, a query row (committed with this state) asks the channel on its protocol's schedule.
                var unknown = resolution.Effect != ChannelOutcome.Pending;
                await ScheduleQueryAsync(refund, ct);

                if (refund.Status == RefundStatus.Created)
                {
                    var detail = unknown ? $"outcome unknown: {result.RawCode}/{result.RawSubCode}" : result.RawCode;
                    return await orders.ReportAsync(refund, new(RefundStatus.Pending, source, detail) { OnlyFrom = RefundStatus.Created }, Record, ct);
                }

                if (unknown && source != "channel_notify")
                {
                    orders.NoteUnknown(refund, source, result, resolution);
                }

                await db.SaveChangesAsync(ct);
                return orders.Unchanged(refund, resolution);
        }
    }

    /// <summary>Stages the refund's query row (on its account's schedule) while the channel's word on it is awaited.</summary>
    private async Task ScheduleQueryAsync(RefundOrder refund, CancellationToken ct)
    {
        if (IsOpen(refund.Status) && await db.ChannelAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == refund.ChannelAccountId, ct) is { } account)
        {
            await queries.ScheduleAsync(ChannelQueryKind.Refund, refund.Id, account, null, ct);
        }
    }

    /// <summary>Whether the channel's word on a refund is still awaited (stored, or taken and not final): it may be queried.</summary>
    public static bool IsOpen(RefundStatus status) => status is RefundStatus.Created or RefundStatus.Pending;

    /// <summary>
    /// Asks the refund's channel account what it holds for the refund (its refund query, resolved by the result-code map
    /// for flow <c>RefundQuery</c>) and applies the answer as a notice would be. <paramref name="channelCt"/> bounds the
    /// channel call only: an answer that came is always applied. Returns the answer and its effect, for the query log.
    /// </summary>
    public async Task<string> QueryAtChannelAsync(RefundOrder refund, string source, CancellationToken channelCt, CancellationToken ct)
    {
        var account = await db.ChannelAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == refund.ChannelAccountId, ct);
        if (account is null || !adapters.Protocols.Contains(account.Protocol))
        {
            // Nobody is left to ask: the original route is gone, as at create.
            var gone = account is null ? $"channel account {refund.ChannelAccountId} no longer exists" : $"protocol {account.Protocol} is not served by this gateway";
            var moved = await orders.ReportAsync(refund, new(RefundStatus.Exception, source, gone), x =>
            {
                x.ResultCode = ChannelGone;
                x.ExceptionReason = gone;
            }, ct);
            return gone + " -> " + moved.WireName;
        }

        var answer = await channels.QueryRefundAsync(account, refund.Id, refund.PaymentId, channelCt, ct);
        var effect = await ApplyReportAsync(refund, answer.Value, answer.Resolution, source, ct);
        return $"refund_query {answer.Result.RawCode}/{answer.Result.RawSubCode}: {OutcomeName(answer.Resolution.Effect)} -> {effect.WireName}";
    }

    /// <summary>
    /// A merchant's live re-query (<c>?refresh=true</c>): a refund the channel has taken and not settled is asked about
    /// at the channel within <paramref name="timeout"/>. A refund still <c>created</c> is not: its refund call may be
    /// at the channel right now, and a query would not find it yet.
    /// </summary>
    public async Task<RefundOrder?> RefreshAsync(string appId, string? id, string? merchantRefundNo, TimeSpan timeout, CancellationToken ct)
    {
        var refund = id is not null
            ? await db.Refunds.FirstOrDefaultAsync(x => x.Id == id && x.AppId == appId, ct)
            : await db.Refunds.FirstOrDefaultAsync(x => x.AppId == appId && x.MerchantRefundNo == merchantRefundNo, ct);
        if (refund is null || refund.Status != RefundStatus.Pending)
        {
            return refund;
        }

        using var deadline = new CancellationTokenSource(timeout, clock);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        await QueryAtChannelAsync(refund, "merchant_refresh", bounded.Token, ct);
        return refund;
    }

    /// <summary>A retried request with a merchant_refund_no already used: the same refund again, or a conflict.</summary>
    private static OrderResult<RefundOrder> Retried(RefundOrder earlier, PaymentOrder payment, CreateRefundRequest r) =>
        earlier.PaymentId == payment.Id && earlier.Amount == r.Amount && earlier.Currency == r.Currency
            ? OrderResult<RefundOrder>.Ok(earlier)
            : Refusal.Of(RefusalKind.Conflict, UnifiedCode.DuplicateRefundNo,
                "This merchant_refund_no already belongs to a refund of another payment or amount.",
                new Dictionary<string, object?> { ["refund_id"] = earlier.Id });



}
