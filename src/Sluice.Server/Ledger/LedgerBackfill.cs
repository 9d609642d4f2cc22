using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Ledger;
using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Withdrawals;

namespace Sluice.Server.Ledger;

/// <summary>What one backfill round posted; <see cref="Done"/> when nothing was left to post.</summary>
public sealed record BackfillView(int Payments, int Refunds, int Withdrawals, bool Done);

/// <summary>
/// Posts the history of orders that existed before the ledger: succeeded payments without their entry, refunds and
/// withdrawals that reserved nothing (<c>reserved_from</c> null). Each order is posted in its own transaction with
/// the same keys as live postings, and a refund or withdrawal is marked by a conditional update of
/// <c>reserved_from</c> on the version read, so a round can be stopped anywhere and run again (resumable), posts every
/// order once (idempotent), and leaves an order a live change moved meanwhile to the next round. History is fact: its
/// reservations are not limited by the merchant's balance.
/// </summary>
public sealed class LedgerBackfill(LedgerPostings postings)
{
    public async Task<BackfillView> RunAsync(SluiceDbContext db, int max, CancellationToken ct)
    {
        var payments = await db.Payments.AsNoTracking()
            .Where(p => p.Status == PaymentStatus.Succeeded && !db.JournalEntries.Any(e => e.OrderId == p.Id && e.Kind == "payment_succeeded"))
            .OrderBy(p => p.Id).Take(max).ToListAsync(ct);
        foreach (var payment in payments)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await postings.PaymentSucceededAsync(db, payment, ct);
            await transaction.CommitAsync(ct);
        }

        var refunds = await db.Refunds.AsNoTracking().Where(r => r.ReservedFrom == null).OrderBy(r => r.Id).Take(max).ToListAsync(ct);
        var refundsPosted = 0;
        foreach (var refund in refunds)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var (from, _) = await postings.ReserveRefundAsync(db, refund, ct, historical: true);
            var marked = await db.Refunds.Where(r => r.Id == refund.Id && r.Version == refund.Version && r.ReservedFrom == null)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.ReservedFrom, from), ct);
            if (marked != 1)
            {
                // Moved meanwhile: disposing the transaction rolls the reservation back; the next round takes it.
                db.ChangeTracker.Clear();
                continue;
            }

            refund.ReservedFrom = from;
            switch (refund.Status)
            {
                case RefundStatus.Succeeded:
                    await postings.RefundSucceededAsync(db, refund, await RefundPostings.PaidThroughAsync(db, refund, ct), ct);
                    break;
                case RefundStatus.Failed:
                    await postings.RefundFailedAsync(db, refund, from, ct);
                    break;
                case RefundStatus.ClosedOffline:
                    await postings.RefundClosedOfflineAsync(db, refund, ct);
                    break;
            }

            await transaction.CommitAsync(ct);
            refundsPosted++;
        }

        var withdrawals = await db.Withdrawals.AsNoTracking().Where(w => w.ReservedFrom == null && w.RefundId == null).OrderBy(w => w.Id).Take(max).ToListAsync(ct);
        var withdrawalsPosted = 0;
        foreach (var order in withdrawals)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await postings.ReserveWithdrawalAsync(db, order, ct, historical: true);
            var marked = await db.Withdrawals.Where(w => w.Id == order.Id && w.Version == order.Version && w.ReservedFrom == null)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.ReservedFrom, LedgerAccountType.MerchantAvailable), ct);
            if (marked != 1)
            {
                db.ChangeTracker.Clear();
                continue;
            }

            if (order.Status == WithdrawalStatus.Succeeded || order.ReturnedAt is not null)
            {
                await postings.WithdrawalPaidAsync(db, order, ct);
            }

            if (order.ReturnedAt is not null)
            {
                await postings.WithdrawalBouncedAsync(db, order, ct);
            }
            else if (order.Status == WithdrawalStatus.Failed)
            {
                await postings.WithdrawalReleasedAsync(db, order, ct);
            }

            await transaction.CommitAsync(ct);
            withdrawalsPosted++;
        }

        return new BackfillView(payments.Count, refundsPosted, withdrawalsPosted,
            payments.Count < max && refunds.Count < max && withdrawals.Count < max && refundsPosted == refunds.Count && withdrawalsPosted == withdrawals.Count);
    }
}
