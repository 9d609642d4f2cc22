using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Server.Payments;
using Sluice.Server.Refunds;
using Sluice.Server.Withdrawals;
using Sluice.Withdrawals;

namespace Sluice.Server.Orders;

public static class OrderKernelServices
{
    /// <summary>
    /// The order kernel: one transition service per kind of order (over that kind's <see cref="IOrderKind{TOrder,TStatus}"/>
    /// and its hooks), the channel caller and the failover loop. All scoped: they work on the request's or the worker
    /// round's unit of work.
    /// </summary>
    public static IServiceCollection AddOrderKernel(this IServiceCollection services)
    {
        services.AddScoped(typeof(OrderTransitions<,>));
        services.AddScoped<ChannelCaller>();
        services.AddScoped<ChannelFailover>();

        services.AddSingleton<IOrderKind<PaymentOrder, PaymentStatus>, PaymentKind>();
        services.AddScoped<IOrderTransitionHook<PaymentOrder, PaymentStatus>, PaymentLimitRelease>();

        services.AddSingleton<IOrderKind<RefundOrder, RefundStatus>, RefundKind>();
        services.AddScoped<IOrderTransitionHook<RefundOrder, RefundStatus>, RefundAmountGiveBack>();

        services.AddSingleton<IOrderKind<WithdrawalOrder, WithdrawalStatus>, WithdrawalKind>();
        services.AddScoped<IOrderTransitionHook<WithdrawalOrder, WithdrawalStatus>, WithdrawalLimitRelease>();
        services.AddScoped<IOrderTransitionHook<WithdrawalOrder, WithdrawalStatus>, RefundPayBackFollower>();
        return services;
    }
}
