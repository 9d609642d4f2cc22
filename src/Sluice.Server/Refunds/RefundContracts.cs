using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Errors;
using Sluice.Refunds;
using Sluice.Server.Api;

namespace Sluice.Server.Refunds;

/// <summary>Body of <c>POST /v1/refunds</c>. Every field is nullable so a missing one gets a precise error.</summary>
public sealed record CreateRefundRequest(
    string? PaymentId,
    string? MerchantOrderNo,
    string? MerchantRefundNo,
    long? Amount,
    string? Currency,
    string? Reason,
    string? Bearer,
    string? Stage);


/// <summary>A refund as merchants see it: unified codes only, never a channel's raw codes.</summary>
public record RefundView(
    string Id,
    string Object,
    string PaymentId,
    string MerchantOrderNo,
    string MerchantRefundNo,
    long Amount,
    string Currency,
    string? Reason,
    string Bearer,
    string Stage,
    string Status,
    string Channel,
    Payments.FailureView? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RefundedAt,
    PayBackView? PayBack)
{
    public static RefundView From(RefundOrder r) => new(
        r.Id,
        "refund",
        r.PaymentId,
        r.MerchantOrderNo,
        r.MerchantRefundNo,
        r.Amount,
        r.Currency,
        r.Reason,
        RefundStateMachine.WireName(r.Bearer),
        RefundStateMachine.WireName(r.Stage),
        RefundStateMachine.WireName(r.Status),
        r.ChannelCode,
        r.FailureCode is null ? null : new Payments.FailureView(r.FailureCode, r.FailureMessage ?? r.FailureCode) { MessageZh = r.FailureMessageZh },
        Ms(r.CreatedAt),
        r.RefundedAt is { } at ? Ms(at) : null,
        PayBackView.Of(r))
    {
        ReservedFrom = r.ReservedFrom is { } from ? Sluice.Ledger.LedgerAccount.WireName(from) : null,
    };

    /// <summary>
    /// The balance the refund's amount was reserved from when it was requested: <c>merchant_pending</c>,
    /// <c>merchant_available</c> or <c>platform_refund_expense</c>.
    /// </summary>
    public string? ReservedFrom { get; init; }

    /// <summary>This view with the failure message in Simplified Chinese when <paramref name="chinese"/> and the refund has one.</summary>
    public RefundView Localized(bool chinese) =>
        chinese && Failure is { MessageZh: { } zh } failure ? this with { Failure = failure with { Message = zh } } : this;

    private static DateTimeOffset Ms(DateTimeOffset t) => new(t.Ticks - (t.Ticks % TimeSpan.TicksPerMillisecond), t.Offset);
}

/// <summary>A refund as operators see it: the route, the raw codes, why it is in the exception queue, and its timeline.</summary>
public sealed record AdminRefundView(
    RefundView Refund,
    string AppId,
    string MerchantId,
    string ChannelAccountId,
    string? ChannelRefundNo,
    string? LastChannelOutcome,
    string? RawCode,
    string? RawSubCode,
    string? RawMessage,
    string? ResultCode,
    string? ExceptionReason,
    string? ResolutionNote,
    bool ResendAllowed,
    DateTimeOffset? OverdueAt,
    IReadOnlyList<OrderEventView>? Events);

/// <summary>Checks a create-refund request completely before anything is read or written.</summary>
public static partial class RefundValidation
{
    public static ProblemHttpResult? Validate(CreateRefundRequest r)
    {
        if (string.IsNullOrWhiteSpace(r.PaymentId) && string.IsNullOrWhiteSpace(r.MerchantOrderNo))
        {
            return Problems.Validation(UnifiedCode.MissingField, "payment_id", "Give payment_id or merchant_order_no of the payment to refund.");
        }

        if (r.PaymentId is not null && r.MerchantOrderNo is not null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "merchant_order_no", "Give either payment_id or merchant_order_no, not both.");
        }

        if (r.PaymentId is not null && r.PaymentId.Length > 40)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "payment_id", "payment_id is at most 40 characters.");
        }

        var numbersAndMoney = (r.MerchantOrderNo is null ? null : RequestChecks.MerchantNumber(r.MerchantOrderNo, "merchant_order_no"))
            ?? RequestChecks.MerchantNumber(r.MerchantRefundNo, "merchant_refund_no")
            ?? RequestChecks.Money(r.Amount, r.Currency);
        if (numbersAndMoney is { } invalid)
        {
            return invalid;
        }

        if (r.Reason is { Length: > 256 })
        {
            return Problems.Validation(UnifiedCode.InvalidField, "reason", "reason must be at most 256 characters.");
        }

        if (r.Bearer is null)
        {
            return Missing("bearer");
        }

        if (BearerOf(r.Bearer) is null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "bearer", "bearer must be platform or merchant.");
        }

        if (r.Stage is null)
        {
            return Missing("stage");
        }

        return StageOf(r.Stage) is null
            ? Problems.Validation(UnifiedCode.InvalidField, "stage", "stage must be pre_delivery or post_delivery.")
            : null;
    }

    public static RefundBearer? BearerOf(string? s) => s switch
    {
        "platform" => RefundBearer.Platform,
        "merchant" => RefundBearer.Merchant,
        _ => null,
    };

    public static RefundStage? StageOf(string? s) => s switch
    {
        "pre_delivery" => RefundStage.PreDelivery,
        "post_delivery" => RefundStage.PostDelivery,
        _ => null,
    };

    private static ProblemHttpResult Missing(string field) => RequestChecks.Missing(field);
}
