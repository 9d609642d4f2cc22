using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Refunds;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Orders;
using Sluice.Server.Payments;
using Sluice.Server.Withdrawals;
using Sluice.Withdrawals;

namespace Sluice.Server.Refunds;

/// <summary>Body of the operator's pay-back action: the account the buyer gave, and why.</summary>
public sealed record PayBackRefundRequest(string? PayeeType, string? PayeeAccountNo, string? PayeeName, string? BankCode, string? Note);

/// <summary>A refund's pay-back as merchants and operators see it: the withdrawal and the payee's account, masked.</summary>
public sealed record PayBackView(string WithdrawalId, string PayeeType, string PayeeAccount)
{
    public static PayBackView? Of(RefundOrder r) =>
        r.PayBackWithdrawalId is { } id ? new(id, WithdrawalView.PayeeTypeName(r.PayBackPayeeType ?? PayeeAccountType.BankAccount), r.PayBackPayeeAccount ?? "") : null;
}

/// <summary>
/// The exception queue's third action: an operator pays a refund whose original route is impossible back through a
/// withdrawal channel, to an account the buyer gave. The withdrawal is created by the withdrawal flow itself (routed
/// among the merchant's withdrawal channels, held when none is available, queried and never re-sent) and stored in one
/// transaction with the refund's compare-and-set exception → paying_back and the audit line, so operators acting at
/// once open one withdrawal. <see cref="RefundPayBackFollower"/> moves the refund when the withdrawal ends.
/// </summary>
public sealed class RefundPayBackService(
    SluiceDbContext db,
    WithdrawalService withdrawals,
    OrderTransitions<RefundOrder, RefundStatus> orders,
    TimeProvider clock,
    ILogger<RefundPayBackService> logger)
{
    public const string Source = "operator_pay_back";

    /// <summary>Checks the request completely before anything is read or written (the payee as a withdrawal's).</summary>
    public static ProblemHttpResult? Validate(PayBackRefundRequest r) =>
        WithdrawalValidation.ValidatePayee(r.PayeeType, r.PayeeAccountNo, r.PayeeName, r.BankCode) ?? OperatorNotes.Validate(r.Note);

    public async Task<OrderResult<RefundOrder>> PayBackAsync(ClaimsPrincipal operatorUser, string id, PayBackRefundRequest r, CancellationToken ct)
    {
        var refund = await db.Refunds.FirstOrDefaultAsync(x => x.Id == id, ct);
        if (refund is null)
        {
            return Refusal.Of(RefusalKind.NotFound, UnifiedCode.NotFound, "No refund with that id.");
        }

        if (refund.Status != RefundStatus.Exception)
        {
            return RefundService.NotInExceptionQueue(refund, "paid back through a withdrawal channel");
        }

        var payeeType = WithdrawalView.PayeeTypeOf(r.PayeeType)!.Value;
        var masked = WithdrawalOrder.Mask(r.PayeeAccountNo!);
        var before = AdminRefundEndpoints.ViewOf(refund, false, null);

        // The number names this attempt (the refund's version as read): operators racing on one version also collide on it.
        var spec = new WithdrawalSpec(refund.AppId, refund.MerchantId, $"payback-{refund.Id}-{refund.Version}", refund.Amount, refund.Currency,
            payeeType, r.PayeeAccountNo!, r.PayeeName!, r.BankCode, "refund " + refund.MerchantRefundNo,
            refund.NotifyUrl, refund.Id);
        var (order, _, _) = await withdrawals.OpenAsync(spec, Source, async withdrawal =>
        {
            AuditLog.Add(db, clock, operatorUser, "refund.pay_back", "refund", refund.Id, before, new
            {
                status = "paying_back", withdrawal_id = withdrawal.Id, payee_type = r.PayeeType, payee_account = masked, note = r.Note,
            });
            var moved = await orders.ApplyAsync(refund, new(RefundStatus.PayingBack, Source, $"paying back through withdrawal {withdrawal.Id} to {r.PayeeType} {masked}: {r.Note}") { OnlyFrom = RefundStatus.Exception }, x =>
                {
                    x.PayBackWithdrawalId = withdrawal.Id;
                    x.PayBackPayeeType = payeeType;
                    x.PayBackPayeeAccount = masked;
                    x.ResolutionNote = r.Note;
                }, ct);
            return moved == TransitionResult.Applied;
        }, ct);

        if (order is null)
        {
            return Refusal.Of(RefusalKind.Conflict, UnifiedCode.ConcurrentModification, "The refund changed meanwhile (another operator acted on it); read it again.");
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.RefundPaidBack(refund.Id, order.Id, WithdrawalStateMachine.WireName(order.Status));
        }

        // The withdrawal's answer may already have moved the refund (same unit of work): read what is stored now.
        var current = await db.Refunds.AsNoTracking().FirstAsync(x => x.Id == id, CancellationToken.None);
        return OrderResult<RefundOrder>.Ok(current);
    }
}

/// <summary>
/// Moves a refund with the withdrawal that pays it back, inside that withdrawal's state-change transaction (called by
/// the order kernel as a hook of withdrawals): succeeded → the refund succeeded; failed (declined, held past its hold time,
/// or returned by the payee's bank after success) → the refund back in the exception queue with the reason, for the
/// operator to choose again. The refunded amount stays reserved on the payment throughout.
/// </summary>
public sealed class RefundPayBackFollower(OrderTransitions<RefundOrder, RefundStatus> orders) : IOrderTransitionHook<WithdrawalOrder, WithdrawalStatus>
{
    public const string Source = "pay_back_withdrawal";

    public bool AppliesTo(WithdrawalOrder order, WithdrawalStatus target) =>
        order.RefundId is not null && target is WithdrawalStatus.Succeeded or WithdrawalStatus.Failed;

    public async Task OnAppliedAsync(SluiceDbContext db, WithdrawalOrder withdrawal, StateChange<WithdrawalStatus> change, CancellationToken ct)
    {
        var returnedByBank = change.Exceptional;
        var refund = await db.Refunds.FirstOrDefaultAsync(r => r.Id == withdrawal.RefundId, ct);
        if (refund is null || refund.PayBackWithdrawalId != withdrawal.Id)
        {
            return;
        }

        if (withdrawal.Status == WithdrawalStatus.Succeeded)
        {
            await orders.ApplyAsync(refund, new(RefundStatus.Succeeded, Source, $"paid back through withdrawal channel {withdrawal.ChannelCode}, withdrawal {withdrawal.Id}") { OnlyFrom = RefundStatus.PayingBack }, x => x.RefundedAt = withdrawal.SucceededAt ?? withdrawal.UpdatedAt, ct);
            return;
        }

        var why = returnedByBank
            ? $"pay-back withdrawal {withdrawal.Id} through {withdrawal.ChannelCode} was returned by the payee's bank"
            : $"pay-back withdrawal {withdrawal.Id} failed: {withdrawal.FailureCode}: {withdrawal.FailureMessage}";
        why = why.Length <= 1024 ? why : why[..1024];
        await orders.ApplyAsync(refund, new(RefundStatus.Exception, Source, why) { OnlyFrom = returnedByBank ? RefundStatus.Succeeded : RefundStatus.PayingBack, Exceptional = returnedByBank }, x =>
        {
            x.ExceptionReason = why;
            x.RefundedAt = null;
        }, ct);
    }
}
