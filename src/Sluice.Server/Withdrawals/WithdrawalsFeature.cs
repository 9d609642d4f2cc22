using Sluice.Security;
using Sluice.Server.Api;

namespace Sluice.Server.Withdrawals;

/// <summary>Withdrawals: the merchant API (<c>/v1/withdrawals</c>), the operators' view and cancel, and their rows in the re-query worker.</summary>
public static class WithdrawalsFeature
{
    /// <summary>Registers withdrawals; <paramref name="masterKey"/> keys the payee account fingerprints.</summary>
    public static IServiceCollection AddWithdrawals(this IServiceCollection services, IConfiguration configuration, byte[] masterKey)
    {
        services.Configure<WithdrawalOptions>(configuration.GetSection(WithdrawalOptions.Section));
        services.AddSingleton(sp => new PayeeAccounts(sp.GetRequiredService<CredentialProtector>(), masterKey));
        services.AddScoped<WithdrawalService>();
        // Held withdrawals are re-routed and pending ones queried by the re-query worker (role requery).
        services.AddSingleton<Requery.IChannelQueryHandler, WithdrawalQueryHandler>();
        return services;
    }

    public static SluiceRoutes MapWithdrawals(this SluiceRoutes routes)
    {
        routes.Merchant?.MapWithdrawalEndpoints();
        routes.Admin?.MapAdminWithdrawalEndpoints();
        return routes;
    }
}
