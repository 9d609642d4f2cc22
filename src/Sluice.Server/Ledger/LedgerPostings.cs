using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Ledger;
using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Withdrawals;

using static Sluice.Ledger.LedgerAccountType;

namespace Sluice.Server.Ledger;

/// <summary>
/// The posting rules (see <c>docs/ledger.md</c>): what each order event moves between which accounts. Every method
/// runs on the caller's unit of work inside the transaction of the state change it follows; the entry's key is the
/// order event, so it is posted once.
/// </summary>
public sealed class LedgerPostings(LedgerBook book, IOptions<LedgerOptions> options, TimeProvider clock)
{
    private LedgerOptions Defaults => options.Value;

    /// <summary>
    /// A payment succeeded: the channel owes the amount less its fee, the merchant's pending balance gets the amount
    /// less the merchant's fee, the platform books both fees. The payment's settlement row (T+N) is written with it.
    /// </summary>
    public async Task PaymentSucceededAsync(SluiceDbContext db, PaymentOrder payment, CancellationToken ct)
    {
        var merchantRate = await MerchantRateAsync(db, payment.MerchantId, payment.PaymentMethod, ct);
        var channelRate = await db.ChannelMethodFees.AsNoTracking()
            .Where(f => f.ChannelCode == payment.ChannelCode && f.PaymentMethod == payment.PaymentMethod)
            .Select(f => (int?)f.RatePpm).FirstOrDefaultAsync(ct) ?? 0;
        var merchantFee = Fees.Of(payment.Amount, merchantRate);
        var channelFee = Fees.Of(payment.Amount, channelRate);
        var net = payment.Amount - merchantFee;
        await book.PostAsync(db, new EntrySpec(
            $"payment:{payment.Id}:succeeded", "payment_succeeded", "payment", payment.Id, payment.MerchantId, payment.Currency,
            $"merchant fee {merchantFee} ({merchantRate} ppm), channel fee {channelFee} ({channelRate} ppm)",
            [
                new(ChannelReceivable, payment.ChannelAccountId, payment.Amount - channelFee),
                new(ChannelFeeExpense, null, channelFee),
                new(MerchantPending, payment.MerchantId, -net),
                new(FeeIncome, null, -merchantFee),
            ]), ct);

        var settings = await SettingsAsync(db, payment.MerchantId, ct);
        if (!await db.PaymentSettlements.AnyAsync(s => s.PaymentId == payment.Id, ct))
        {
            db.PaymentSettlements.Add(new PaymentSettlement
            {
                PaymentId = payment.Id,
                MerchantId = payment.MerchantId,
                Currency = payment.Currency,
                PendingAmount = net,
                DueAt = SettlementDue(payment.PaidAt ?? clock.GetUtcNow(), settings.SettlementDelayDays, settings.TimeZone),
                Status = SettlementStatus.Pending,
            });
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>
    /// A refund is requested: its amount is reserved from its bearer into refunds in transit — the platform's refund
    /// expense when the platform bears it; else the merchant's pending balance for a pre-delivery refund of a payment
    /// not settled yet, the available balance otherwise. A merchant balance is reserved only down to the merchant's
    /// negative-balance limit (an atomic conditional update). Returns the account and whether it covered the amount.
    /// </summary>
    public async Task<(LedgerAccountType From, bool Reserved)> ReserveRefundAsync(SluiceDbContext db, RefundOrder refund, CancellationToken ct, bool historical = false)
    {
        LedgerAccountType from;
        string? owner = refund.MerchantId;
        long? limit = null;
        if (refund.Bearer == RefundBearer.Platform)
        {
            from = PlatformRefundExpense;
            owner = null;
        }
        else
        {
            limit = historical ? null : (await SettingsAsync(db, refund.MerchantId, ct)).NegativeBalanceLimit;
            from = refund.Stage == RefundStage.PreDelivery && await TakeFromPendingAsync(db, refund.PaymentId, refund.Amount, ct)
                ? MerchantPending
                : MerchantAvailable;
        }

        var posted = await book.PostAsync(db, new EntrySpec(
            $"refund:{refund.Id}:requested", "refund_requested", "refund", refund.Id, refund.MerchantId, refund.Currency,
            $"{RefundStateMachine.WireName(refund.Bearer)} bears it, {RefundStateMachine.WireName(refund.Stage)}",
            [new(from, owner, refund.Amount, limit), new(RefundsInTransit, null, -refund.Amount)]), ct);
        return (from, posted);
    }

    /// <summary>
    /// The channel paid the refund back (or a pay-back withdrawal did): refunds in transit against what the channel holds
    /// of ours, less the share of its fee the channel gives back (<paramref name="channelFeeReturned"/>), which reduces
    /// the channel fee expense.
    /// </summary>
    public Task RefundSucceededAsync(SluiceDbContext db, RefundOrder refund, string channelAccountId, CancellationToken ct, long channelFeeReturned = 0) =>
        book.PostAsync(db, new EntrySpec(
            $"refund:{refund.Id}:succeeded@{refund.Version}", "refund_succeeded", "refund", refund.Id, refund.MerchantId, refund.Currency,
            channelFeeReturned == 0 ? null : $"channel fee returned {channelFeeReturned}",
            [
                new(RefundsInTransit, null, refund.Amount),
                new(ChannelReceivable, channelAccountId, -(refund.Amount - channelFeeReturned)),
                new(ChannelFeeExpense, null, -channelFeeReturned),
            ]), ct);

    /// <summary>
    /// The share of the payment's channel fee a channel that returns fees gives back for this refund: the fee times the
    /// payment's succeeded refunds so far over its amount, rounded half up, less what earlier refunds got back — so the
    /// shares of many partial refunds add up to the same rounding of the total and never to more than the fee.
    /// </summary>
    public async Task<long> ChannelFeeReturnedAsync(SluiceDbContext db, RefundOrder refund, CancellationToken ct)
    {
        // The payment's row is locked first (a no-op update), so refunds of one payment succeeding at once take their
        // shares one after the other, each seeing the shares committed before it.
        await db.Payments.Where(p => p.Id == refund.PaymentId).ExecuteUpdateAsync(s => s.SetProperty(p => p.RefundedAmount, p => p.RefundedAmount), ct);
        var paymentKey = $"payment:{refund.PaymentId}:succeeded";
        var feeAccount = LedgerAccount.CodeOf(ChannelFeeExpense, null, refund.Currency);
        var fee = await db.JournalPostings.AsNoTracking()
            .Where(p => p.AccountId == feeAccount && db.JournalEntries.Any(e => e.Id == p.EntryId && e.IdempotencyKey == paymentKey))
            .SumAsync(p => p.Amount, ct);
        var paid = await db.Payments.AsNoTracking().Where(p => p.Id == refund.PaymentId).Select(p => p.Amount).FirstAsync(ct);
        if (fee <= 0 || paid <= 0)
        {
            return 0;
        }

        var refunds = db.Refunds.Where(r => r.PaymentId == refund.PaymentId).Select(r => r.Id);
        var returned = -await db.JournalPostings.AsNoTracking()
            .Where(p => p.AccountId == feeAccount && db.JournalEntries.Any(e => e.Id == p.EntryId && e.Kind == "refund_succeeded" && refunds.Contains(e.OrderId)))
            .SumAsync(p => p.Amount, ct);
        var refundedSoFar = await db.Refunds.AsNoTracking().Where(r => r.PaymentId == refund.PaymentId && r.Status == RefundStatus.Succeeded).SumAsync(r => r.Amount, ct);
        var share = (long)(((Int128)fee * refundedSoFar + paid / 2) / paid);
        return Math.Max(0, Math.Min(share - returned, fee - returned));
    }

    /// <summary>A pay-back that had paid the refund was returned by the payee's bank: the success is reversed, the refund is in transit again.</summary>
    public Task RefundReturnedAsync(SluiceDbContext db, RefundOrder refund, string channelAccountId, CancellationToken ct) =>
        book.PostAsync(db, new EntrySpec(
            $"refund:{refund.Id}:returned@{refund.Version}", "refund_returned", "refund", refund.Id, refund.MerchantId, refund.Currency, null,
            [new(ChannelReceivable, channelAccountId, refund.Amount), new(RefundsInTransit, null, -refund.Amount)]), ct);

    /// <summary>An operator paid the refund outside the gateway: out of transit into suspense, for reconciliation to clear.</summary>
    public Task RefundClosedOfflineAsync(SluiceDbContext db, RefundOrder refund, CancellationToken ct) =>
        book.PostAsync(db, new EntrySpec(
            $"refund:{refund.Id}:closed_offline", "refund_closed_offline", "refund", refund.Id, refund.MerchantId, refund.Currency, refund.ResolutionNote,
            [new(RefundsInTransit, null, refund.Amount), new(Suspense, null, -refund.Amount)]), ct);

    /// <summary>
    /// The refund failed: its reservation goes back to its bearer — to the pending balance only while the payment is
    /// still unsettled (its settlement then moves it), to available once settled.
    /// </summary>
    public async Task RefundFailedAsync(SluiceDbContext db, RefundOrder refund, LedgerAccountType from, CancellationToken ct)
    {
        var owner = from == PlatformRefundExpense ? null : refund.MerchantId;
        if (from == MerchantPending && !await TakeFromPendingAsync(db, refund.PaymentId, -refund.Amount, ct))
        {
            from = MerchantAvailable;
        }

        await book.PostAsync(db, new EntrySpec(
            $"refund:{refund.Id}:failed", "refund_released", "refund", refund.Id, refund.MerchantId, refund.Currency, refund.FailureCode,
            [new(RefundsInTransit, null, refund.Amount), new(from, owner, -refund.Amount)]), ct);
    }

    /// <summary>A withdrawal is requested: available → withdrawals in transit, down to the merchant's limit. False when short.</summary>
    public async Task<bool> ReserveWithdrawalAsync(SluiceDbContext db, WithdrawalOrder order, CancellationToken ct, bool historical = false)
    {
        long? limit = historical ? null : (await SettingsAsync(db, order.MerchantId, ct)).NegativeBalanceLimit;
        return await book.PostAsync(db, new EntrySpec(
            $"withdrawal:{order.Id}:requested", "withdrawal_requested", "withdrawal", order.Id, order.MerchantId, order.Currency, null,
            [new(MerchantAvailable, order.MerchantId, order.Amount, limit), new(WithdrawalsInTransit, null, -order.Amount)]), ct);
    }

    /// <summary>Paid out: the channel pays it from what it holds of ours.</summary>
    public Task WithdrawalPaidAsync(SluiceDbContext db, WithdrawalOrder order, CancellationToken ct) =>
        book.PostAsync(db, new EntrySpec(
            $"withdrawal:{order.Id}:paid", "withdrawal_paid", "withdrawal", order.Id, order.MerchantId, order.Currency, null,
            [new(WithdrawalsInTransit, null, order.Amount), new(ChannelReceivable, order.ChannelAccountId, -order.Amount)]), ct);

    /// <summary>Failed or cancelled before payout: the reservation goes back to available.</summary>
    public Task WithdrawalReleasedAsync(SluiceDbContext db, WithdrawalOrder order, CancellationToken ct)
    {
        var kind = order.FailureCode == Errors.UnifiedCode.WithdrawalCancelled ? "withdrawal_cancelled" : "withdrawal_failed";
        return book.PostAsync(db, new EntrySpec(
            $"withdrawal:{order.Id}:failed", kind, "withdrawal", order.Id, order.MerchantId, order.Currency, order.FailureCode,
            [new(WithdrawalsInTransit, null, order.Amount), new(MerchantAvailable, order.MerchantId, -order.Amount)]), ct);
    }

    /// <summary>The payee's bank returned a paid withdrawal: the channel holds the money again, the merchant has it back.</summary>
    public Task WithdrawalBouncedAsync(SluiceDbContext db, WithdrawalOrder order, CancellationToken ct) =>
        book.PostAsync(db, new EntrySpec(
            $"withdrawal:{order.Id}:bounced", "withdrawal_bounced", "withdrawal", order.Id, order.MerchantId, order.Currency, null,
            [new(ChannelReceivable, order.ChannelAccountId, order.Amount), new(MerchantAvailable, order.MerchantId, -order.Amount)]), ct);

    /// <summary>Settles a claimed payment: what is left of it on pending moves to available, once (a conditional update).</summary>
    public async Task<bool> SettleAsync(SluiceDbContext db, string paymentId, string owner, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var claimed = await db.PaymentSettlements
            .Where(s => s.PaymentId == paymentId && s.Status == SettlementStatus.Pending && s.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SettlementStatus.Settled).SetProperty(x => x.SettledAt, now), ct);
        if (claimed != 1)
        {
            return false;
        }

        var row = await db.PaymentSettlements.AsNoTracking().FirstAsync(s => s.PaymentId == paymentId, ct);
        await book.PostAsync(db, new EntrySpec(
            $"payment:{paymentId}:settled", "settlement", "payment", paymentId, row.MerchantId, row.Currency, null,
            [new(MerchantPending, row.MerchantId, row.PendingAmount), new(MerchantAvailable, row.MerchantId, -row.PendingAmount)]), ct);
        return true;
    }

    /// <summary>The start of the merchant's local day <paramref name="delayDays"/> days after the day of <paramref name="paidAt"/>.</summary>
    public static DateTimeOffset SettlementDue(DateTimeOffset paidAt, int delayDays, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var local = TimeZoneInfo.ConvertTime(paidAt, zone);
        var day = local.Date.AddDays(delayDays);
        return new DateTimeOffset(day, zone.GetUtcOffset(day)).ToUniversalTime();
    }

    /// <summary>The merchant's settings, or the gateway's defaults for a merchant without a row.</summary>
    public async Task<MerchantLedgerSettings> SettingsAsync(SluiceDbContext db, string merchantId, CancellationToken ct) =>
        await db.MerchantLedgerSettings.AsNoTracking().FirstOrDefaultAsync(s => s.MerchantId == merchantId, ct)
        ?? new MerchantLedgerSettings
        {
            MerchantId = merchantId,
            FeeRatePpm = Defaults.DefaultFeeRatePpm,
            SettlementDelayDays = Defaults.DefaultSettlementDelayDays,
            NegativeBalanceLimit = Defaults.DefaultNegativeBalanceLimit,
        };

    private async Task<int> MerchantRateAsync(SluiceDbContext db, string merchantId, string method, CancellationToken ct) =>
        await db.MerchantFeeRates.AsNoTracking().Where(r => r.MerchantId == merchantId && r.PaymentMethod == method).Select(r => (int?)r.RatePpm).FirstOrDefaultAsync(ct)
        ?? (await SettingsAsync(db, merchantId, ct)).FeeRatePpm;

    /// <summary>
    /// Moves <paramref name="amount"/> off the payment's unsettled share of pending (a negative amount gives it back).
    /// False when the payment is settled (or was paid before the ledger): the money is on available then.
    /// </summary>
    private static async Task<bool> TakeFromPendingAsync(SluiceDbContext db, string paymentId, long amount, CancellationToken ct) =>
        await db.PaymentSettlements.Where(s => s.PaymentId == paymentId && s.Status == SettlementStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.PendingAmount, x => x.PendingAmount - amount), ct) == 1;
}
