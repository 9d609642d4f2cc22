using Sluice.Server.Api;

namespace Sluice.Server.Payments;

/// <summary>Payments: the merchant API (<c>/v1/payments</c>), the operator's view of a payment, and the flow behind them.</summary>
public static class PaymentsFeature
{
    public static IServiceCollection AddPayments(this IServiceCollection services)
    {
        services.AddScoped<PaymentService>();
        return services;
    }

    public static SluiceRoutes MapPayments(this SluiceRoutes routes)
    {
        routes.Merchant?.MapPaymentEndpoints();
        routes.Admin?.MapAdminPaymentEndpoints();
        return routes;
    }
}
