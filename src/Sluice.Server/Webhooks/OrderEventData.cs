using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Server.Payments;
using Sluice.Server.Refunds;
using Sluice.Server.Withdrawals;
using Sluice.Withdrawals;

namespace Sluice.Server.Webhooks;

/// <summary>
/// What every order event's <c>data</c> carries beyond the order as the API shows it: the order's version when the event
/// was taken (events of one order may arrive in any order; a higher version is newer) and, since a webhook has no
/// <c>Accept-Language</c>, a failure's message in Simplified Chinese beside the English one.
/// </summary>
public interface IOrderEventData
{
    int Version { get; }

    string? FailureMessageZh { get; }
}

/// <summary>The <c>data</c> of a <c>payment.*</c> webhook: the payment's view plus <see cref="IOrderEventData"/>.</summary>
public sealed record PaymentEventData : PaymentView, IOrderEventData
{
    private PaymentEventData(PaymentOrder order)
        : base(PaymentView.From(order))
    {
        Version = order.Version;
        FailureMessageZh = order.FailureMessageZh;
    }

    public int Version { get; }

    public string? FailureMessageZh { get; }

    public static PaymentEventData Of(PaymentOrder order) => new(order);
}

/// <summary>The <c>data</c> of a <c>refund.*</c> webhook: the refund's view plus <see cref="IOrderEventData"/>.</summary>
public sealed record RefundEventData : RefundView, IOrderEventData
{
    private RefundEventData(RefundOrder order)
        : base(RefundView.From(order))
    {
        Version = order.Version;
        FailureMessageZh = order.FailureMessageZh;
    }

    public int Version { get; }

    public string? FailureMessageZh { get; }

    public static RefundEventData Of(RefundOrder order) => new(order);
}

/// <summary>The <c>data</c> of a <c>withdrawal.*</c> webhook: the withdrawal's view plus <see cref="IOrderEventData"/>.</summary>
public sealed record WithdrawalEventData : WithdrawalView, IOrderEventData
{
    private WithdrawalEventData(WithdrawalOrder order)
        : base(WithdrawalView.From(order))
    {
        Version = order.Version;
        FailureMessageZh = order.FailureMessageZh;
    }

    public int Version { get; }

    public string? FailureMessageZh { get; }

    public static WithdrawalEventData Of(WithdrawalOrder order) => new(order);
}
