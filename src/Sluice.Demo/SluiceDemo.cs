using Microsoft.Extensions.Configuration;
using Sluice.Data;
using Sluice.Demo.Sandbox;

namespace Sluice.Demo;

/// <summary>What the demo needs from the host: where payers and channels reach the gateway, and whether to print the seed.</summary>
public sealed class SluiceDemoOptions
{
    /// <summary>The gateway's public base URL: the demo app's notify URL, the sandbox account's base URL and cashier links use it.</summary>
    public required Uri PublicBase { get; init; }

    /// <summary>True keeps the one-time demo key off the console (tests read it from <see cref="DemoSeedHolder"/>).</summary>
    public bool Quiet { get; init; }
}

/// <summary>
/// Demo mode: the sandbox channel's own server side (signed API, cashier page, notices), the demo webhook inbox and the
/// demo seed (a service provider, merchant and app with a sandbox channel account, its API key printed once). It is on
/// for the embedded SQLite quick start and off for PostgreSQL unless <c>Sluice:Demo:Enabled=true</c> asks for it;
/// <c>Sluice:Demo:Enabled=false</c> turns it off on SQLite too. Off, nothing is seeded and no demo route exists.
/// </summary>
public static class SluiceDemo
{
    public const string EnabledKey = "Sluice:Demo:Enabled";
    public const string QuietKey = "Sluice:Demo:Quiet";

    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool?>(EnabledKey) ?? SluiceDatabase.ProviderFrom(configuration) == DatabaseProvider.Sqlite;

    /// <summary>Registers the demo's services. <paramref name="masterKey"/> roots the sandbox channel's merchant secrets.</summary>
    public static IServiceCollection AddSluiceDemo(this IServiceCollection services, SluiceDemoOptions options, byte[] masterKey)
    {
        services.AddSingleton(options);
        services.AddSingleton(new SandboxKeys(masterKey));
        services.AddSingleton<SandboxNotifier>();
        services.AddHttpClient(SandboxNotifier.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddScoped<DemoSeeder>();
        services.AddSingleton<DemoSeedHolder>();
        services.AddSingleton<DemoWebhookInbox>();
        return services;
    }

    /// <summary>Maps the sandbox channel's API and cashier and the demo webhook inbox, all anonymous as their real counterparts are.</summary>
    public static IEndpointRouteBuilder MapSluiceDemo(this IEndpointRouteBuilder routes)
    {
        routes.MapSandboxChannel();
        routes.MapSandboxCashier();
        routes.MapDemoWebhookInbox();
        return routes;
    }

    /// <summary>
    /// Seeds the demo into an empty database (after migrations) and prints its one-time API key unless quiet;
    /// <paramref name="adminTokenHint"/> and <paramref name="apiReference"/> tell the reader where to go next.
    /// </summary>
    public static async Task<DemoSeed?> SeedSluiceDemoAsync(this IServiceProvider services, string adminTokenHint, Uri apiReference, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var seed = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(ct);
        if (seed is null)
        {
            return null;
        }

        services.GetRequiredService<DemoSeedHolder>().Seed = seed;
        if (!services.GetRequiredService<SluiceDemoOptions>().Quiet)
        {
            Console.WriteLine(
                $"""

                Sluice demo data created (shown once; only a hash of the key is stored):
                  merchant:      {seed.MerchantId}
                  app:           {seed.AppId}
                  API key:       {seed.ApiKey}
                  admin token:   {adminTokenHint}
                  API reference: {apiReference}

                """);
        }

        return seed;
    }
}
