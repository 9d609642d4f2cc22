using Microsoft.Extensions.Options;
using Scalar.AspNetCore;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Data;
using Sluice.Security;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Auth;
using Sluice.Server.Callbacks;
using Sluice.Server.ChannelAccounts;
using Sluice.Server.Channels;
using Sluice.Server.Hosting;
using Sluice.Server.Idempotency;
using Sluice.Server.Merchants;
using Sluice.Server.Orders;
using Sluice.Server.Payments;
using Sluice.Server.Refunds;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;
using Sluice.Server.Routing;
using Sluice.Server.Sandbox;
using Sluice.Server.Seeding;
using Sluice.Server.Webhooks;
using Sluice.Server.Withdrawals;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

// No legitimate request to the gateway is larger than 1 MiB; larger bodies get a 413 problem.
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.MaxRequestBodySize = 1024 * 1024;
    k.AddServerHeader = false;
});

var options = builder.Configuration.GetSection(SluiceOptions.Section).Get<SluiceOptions>() ?? new SluiceOptions();
builder.Services.Configure<SluiceOptions>(builder.Configuration.GetSection(SluiceOptions.Section));
var dataFolder = Path.GetFullPath(builder.Configuration["Sluice:DataFolder"] ?? "data");
var masterKey = LocalSecrets.MasterKey(options, dataFolder);
var adminToken = LocalSecrets.AdminToken(options, dataFolder);
var nodeId = string.IsNullOrWhiteSpace(options.NodeId) ? $"{Environment.MachineName}:{Environment.ProcessId}" : options.NodeId;

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<IdGenerator>();
builder.Services.AddSingleton(new CredentialProtector(masterKey));
builder.Services.AddSingleton(new SandboxKeys(masterKey));
builder.Services.AddSingleton(new CardFingerprints(masterKey));
builder.Services.AddSingleton<ChannelHealthMonitor>();
builder.Services.AddSingleton(new NodeIdentity(nodeId));
builder.Services.AddSluiceDatabase(builder.Configuration);
builder.Services.AddChannelAdapters();
builder.Services.AddSingleton<ChannelAccountContexts>();
builder.Services.AddSingleton<DailyLimitLedger>();
builder.Services.AddSingleton<LimitReservationSweeper>();
builder.Services.AddSingleton<PaymentRouter>();
builder.Services.AddSingleton<ChannelCatalog>();
builder.Services.AddSingleton<ResultCodeMap>();
builder.Services.AddOrderKernel();
builder.Services.AddScoped<PaymentService>();
builder.Services.AddScoped<RefundService>();
builder.Services.AddScoped<RefundPayBackService>();
builder.Services.Configure<RefundOptions>(builder.Configuration.GetSection(RefundOptions.Section));
builder.Services.AddSingleton<RefundOverdueScanner>();
builder.Services.AddScoped<IdempotencyStore>();
builder.Services.AddScoped<DemoSeeder>();
builder.Services.AddSingleton<DemoWebhookInbox>();
builder.Services.AddSingleton<DemoSeedHolder>();
builder.Services.AddSingleton<AppWebhookSettings>();
builder.Services.AddSingleton<WebhookOutbox>();
builder.Services.AddSingleton<WebhookDispatcher>();
builder.Services.AddSingleton<SandboxNotifier>();
builder.Services.Configure<RequeryOptions>(builder.Configuration.GetSection(RequeryOptions.Section));
builder.Services.AddSingleton<RequerySchedules>();
builder.Services.AddSingleton<ChannelQueryBook>();
builder.Services.AddSingleton<IChannelQueryHandler, PaymentQueryHandler>();
builder.Services.AddSingleton<IChannelQueryHandler, RefundQueryHandler>();
builder.Services.AddSingleton<ChannelRequeryWorker>();
builder.Services.Configure<WithdrawalOptions>(builder.Configuration.GetSection(WithdrawalOptions.Section));
builder.Services.AddSingleton(sp => new PayeeAccounts(sp.GetRequiredService<CredentialProtector>(), masterKey));
builder.Services.AddScoped<WithdrawalService>();
builder.Services.AddSingleton<WithdrawalWorker>();
builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10))
    .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    .RemoveAllLoggers();
builder.Services.AddHttpClient(SandboxNotifier.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
if (options.Workers.Enabled)
{
    builder.Services.AddHostedService<ChannelRequeryService>();
    builder.Services.AddHostedService<WebhookDispatcherService>();
    builder.Services.AddHostedService<RefundOverdueService>();
    builder.Services.AddHostedService<ChannelCatalogRefresher>();
    builder.Services.AddHostedService<LimitReservationSweeperService>();
    builder.Services.AddHostedService<WithdrawalWorkerService>();
}

builder.Services.AddSluiceAuthentication(adminToken);
builder.Services.ConfigureHttpJsonOptions(o => SluiceJson.Configure(o.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
{
    doc.Info.Title = "Sluice payment gateway API";
    doc.Info.Description = "Merchant API (Bearer secret API key) and admin API (Bearer admin token). Amounts are integers of minor units.";
    return Task.CompletedTask;
}));

var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
    await SluiceDatabase.MigrateAsync(db, CancellationToken.None);
    if (app.Configuration.GetValue("Sluice:Demo:Seed", true))
    {
        var seed = await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync(CancellationToken.None);
        if (seed is not null)
        {
            app.Services.GetRequiredService<DemoSeedHolder>().Seed = seed;
            if (!app.Configuration.GetValue("Sluice:Demo:Quiet", false))
            {
                Console.WriteLine(
                    $"""

                    Sluice demo data created (shown once; only a hash of the key is stored):
                      merchant:      {seed.MerchantId}
                      app:           {seed.AppId}
                      API key:       {seed.ApiKey}
                      admin token:   in {Path.Combine(dataFolder, "admin-token")} (or Sluice:Admin:BootstrapToken)
                      API reference: {options.PublicBase}scalar/v1

                    """);
            }
        }
    }
}

await app.Services.GetRequiredService<ChannelCatalog>().RefreshAsync(CancellationToken.None);

app.UseExceptionHandler();
app.UseStatusCodePages(ctx => Problems.ForBareStatus(ctx.HttpContext));
app.UseAuthentication();
app.UseAuthorization();

app.MapOpenApi("/openapi/{documentName}.json");
app.MapScalarApiReference();
app.MapHealthEndpoints();
app.MapGet("/", () => Results.Redirect("/scalar/v1")).ExcludeFromDescription();
app.MapPaymentEndpoints();
app.MapRefundEndpoints();
app.MapAdminRefundEndpoints();
app.MapWithdrawalEndpoints();
app.MapNotifyEndpoints();
app.MapAdminMerchantEndpoints();
app.MapAdminPaymentEndpoints();
app.MapAuditEndpoints();
app.MapRoutingEndpoints();
app.MapRoutingConfigurationEndpoints();
app.MapAdminChannelAccountEndpoints();
app.MapAdminCatalogEndpoints();
app.MapAdminResultCodeEndpoints();
app.MapAdminWebhookEndpoints();
app.MapSandboxChannel();
app.MapDemoWebhookInbox();

app.Run();

/// <summary>The entry point, visible to the integration tests' host factory.</summary>
public partial class Program;
