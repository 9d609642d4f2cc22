using Sluice.Security;
using Sluice.Server.Api;
using Sluice.Server.Hosting;

namespace Sluice.Server.Withdrawals;

/// <summary>Withdrawals: the merchant API (<c>/v1/withdrawals</c>), the operators' view and cancel, and the withdrawal pass.</summary>
public static class WithdrawalsFeature
{
    /// <summary>Registers withdrawals; <paramref name="masterKey"/> keys the payee account fingerprints.</summary>
    public static IServiceCollection AddWithdrawals(this IServiceCollection services, IConfiguration configuration, byte[] masterKey, NodeRoles roles)
    {
        services.Configure<WithdrawalOptions>(configuration.GetSection(WithdrawalOptions.Section));
        services.AddSingleton(sp => new PayeeAccounts(sp.GetRequiredService<CredentialProtector>(), masterKey));
        services.AddScoped<WithdrawalService>();
        services.AddSingleton<WithdrawalWorker>();
        if (roles.Runs(NodeRoles.Withdrawals))
        {
            services.AddHostedService<WithdrawalWorkerService>();
        }

        return services;
    }

    public static SluiceRoutes MapWithdrawals(this SluiceRoutes routes)
    {
        routes.Merchant?.MapWithdrawalEndpoints();
        routes.Admin?.MapAdminWithdrawalEndpoints();
        return routes;
    }
}
