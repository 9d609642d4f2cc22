using Sluice.Payments;
using Sluice.Refunds;
using Sluice.Server.Api;
using Sluice.Server.Orders;
using Sluice.Withdrawals;
using Sluice.Server.Hosting;

namespace Sluice.Server.Ledger;

/// <summary>The double-entry ledger: postings written by the order kernel's hooks, balances, settlement and their APIs.</summary>
public static class LedgerFeature
{
    public static IServiceCollection AddLedger(this IServiceCollection services, IConfiguration configuration, NodeRoles roles)
    {
        services.Configure<LedgerOptions>(configuration.GetSection(LedgerOptions.Section));
        services.AddScoped<LedgerBook>();
        services.AddScoped<LedgerPostings>();
        services.AddScoped<LedgerBackfill>();
        services.AddScoped<IOrderTransitionHook<PaymentOrder, PaymentStatus>, PaymentPostings>();
        services.AddScoped<IOrderTransitionHook<RefundOrder, RefundStatus>, RefundPostings>();
        services.AddScoped<IOrderTransitionHook<WithdrawalOrder, WithdrawalStatus>, WithdrawalPostings>();
        services.AddSingleton<SettlementWorker>();
        if (roles.Runs(NodeRoles.Settlement))
        {
            services.AddHostedService<SettlementWorkerService>();
        }

        return services;
    }

    public static SluiceRoutes MapLedger(this SluiceRoutes routes)
    {
        routes.Merchant?.MapBalanceEndpoints();
        routes.Admin?.MapAdminLedgerEndpoints();
        return routes;
    }
}

/// <summary>Ledger settings (section <c>Sluice:Ledger</c>): the defaults of merchants without settings of their own.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Sluice:Ledger";

    /// <summary>How far below zero a merchant without settings may take its pending or available balance (minor units).</summary>
    public long DefaultNegativeBalanceLimit { get; set; }

    /// <summary>N of T+N for merchants without settings.</summary>
    public int DefaultSettlementDelayDays { get; set; } = 1;

    /// <summary>The fee rate (ppm) of merchants without settings or a rate for the payment method.</summary>
    public int DefaultFeeRatePpm { get; set; }
}
