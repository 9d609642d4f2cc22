using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Ledger;
using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Server.Orders;
using Sluice.Withdrawals;

namespace Sluice.Server.Ledger;

/// <summary>A succeeded payment is posted (receivable, fees, merchant pending) in the transaction of its success.</summary>
public sealed class PaymentPostings(LedgerPostings postings) : IOrderTransitionHook<PaymentOrder, PaymentStatus>
{
    public bool AppliesTo(PaymentOrder order, PaymentStatus target) => target == PaymentStatus.Succeeded;

    public Task OnAppliedAsync(SluiceDbContext db, PaymentOrder order, StateChange<PaymentStatus> change, CancellationToken ct) =>
        postings.PaymentSucceededAsync(db, order, ct);
}

/// <summary>
/// A refund's reservation follows its state: paid (succeeded), released (failed), out to suspense (closed offline),
/// back in transit (a returned pay-back). Refunds requested before the ledger existed reserved nothing and post nothing.
/// </summary>
public sealed class RefundPostings(LedgerPostings postings, Sluice.Channels.ChannelAdapterRegistry channels) : IOrderTransitionHook<RefundOrder, RefundStatus>
{
    public bool AppliesTo(RefundOrder order, RefundStatus target) =>
        order.ReservedFrom is not null && target is RefundStatus.Succeeded or RefundStatus.Failed or RefundStatus.ClosedOffline or RefundStatus.Exception;

    public async Task OnAppliedAsync(SluiceDbContext db, RefundOrder order, StateChange<RefundStatus> change, CancellationToken ct)
    {
        switch (change.To)
        {
            case RefundStatus.Succeeded when change.From == RefundStatus.PayingBack:
                await postings.RefundSucceededAsync(db, order, await PayBackAccountAsync(db, order, ct), ct);
                break;
            case RefundStatus.Succeeded:
                // Paid back by the payment's own channel: one that returns fees gives its share of the payment's fee back.
                var protocol = await db.ChannelAccounts.AsNoTracking().Where(a => a.Id == order.ChannelAccountId).Select(a => a.Protocol).FirstOrDefaultAsync(ct);
                var returnsFee = protocol is not null && channels.FindProfile(protocol)?.ReturnsFeeOnRefund == true;
                await postings.RefundSucceededAsync(db, order, order.ChannelAccountId, ct, returnsFee ? await postings.ChannelFeeReturnedAsync(db, order, ct) : 0);
                break;
            case RefundStatus.Failed:
                await postings.RefundFailedAsync(db, order, order.ReservedFrom!.Value, ct);
                break;
            case RefundStatus.ClosedOffline:
                await postings.RefundClosedOfflineAsync(db, order, ct);
                break;
            case RefundStatus.Exception when change.From == RefundStatus.Succeeded:
                await postings.RefundReturnedAsync(db, order, await PayBackAccountAsync(db, order, ct), ct);
                break;
        }
    }

    /// <summary>The channel account that paid a succeeded refund: its pay-back withdrawal's, else its own route's.</summary>
    public static async Task<string> PaidThroughAsync(SluiceDbContext db, RefundOrder order, CancellationToken ct) =>
        order.PayBackWithdrawalId is null ? order.ChannelAccountId : await PayBackAccountAsync(db, order, ct);

    /// <summary>The channel account of the withdrawal that paid the refund back.</summary>
    private static async Task<string> PayBackAccountAsync(SluiceDbContext db, RefundOrder order, CancellationToken ct) =>
        await db.Withdrawals.AsNoTracking().Where(w => w.Id == order.PayBackWithdrawalId).Select(w => w.ChannelAccountId).FirstOrDefaultAsync(ct)
        ?? order.ChannelAccountId;
}

/// <summary>A withdrawal's reservation follows its state: paid out, released (failed or cancelled), or back on a bounce.</summary>
public sealed class WithdrawalPostings(LedgerPostings postings) : IOrderTransitionHook<WithdrawalOrder, WithdrawalStatus>
{
    public bool AppliesTo(WithdrawalOrder order, WithdrawalStatus target) =>
        order.ReservedFrom is not null && target is WithdrawalStatus.Succeeded or WithdrawalStatus.Failed;

    public Task OnAppliedAsync(SluiceDbContext db, WithdrawalOrder order, StateChange<WithdrawalStatus> change, CancellationToken ct) =>
        change.To == WithdrawalStatus.Succeeded ? postings.WithdrawalPaidAsync(db, order, ct)
        : change.From == WithdrawalStatus.Succeeded ? postings.WithdrawalBouncedAsync(db, order, ct)
        : postings.WithdrawalReleasedAsync(db, order, ct);
}

public static class LedgerRefusals
{
    /// <summary>422 <c>insufficient_balance</c>: the merchant's balance does not cover the amount.</summary>
    public static Refusal InsufficientBalance(LedgerAccountType balance) =>
        Refusal.Of(RefusalKind.Unprocessable, UnifiedCode.InsufficientBalance,
            $"The merchant's {(balance == LedgerAccountType.MerchantPending ? "pending" : "available")} balance does not cover this amount.",
            new Dictionary<string, object?> { ["balance"] = LedgerAccount.WireName(balance) });
}
