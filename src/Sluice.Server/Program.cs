using Sluice.Common;
using Sluice.Data;
using Sluice.Demo;
using Sluice.Security;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Auth;
using Sluice.Server.Callbacks;
using Sluice.Server.ChannelAccounts;
using Sluice.Server.Channels;
using Sluice.Server.Hosting;
using Sluice.Server.Idempotency;
using Sluice.Server.Ledger;
using Sluice.Server.Merchants;
using Sluice.Server.Orders;
using Sluice.Server.Payments;
using Sluice.Server.Refunds;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;
using Sluice.Server.Routing;
using Sluice.Server.Webhooks;
using Sluice.Server.Withdrawals;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

// No legitimate request to the gateway is larger than 1 MiB; larger bodies get a 413 problem.
builder.WebHost.ConfigureKestrel(k =>
{
    k.Limits.MaxRequestBodySize = 1024 * 1024;
    k.AddServerHeader = false;

    // Every header byte decodes (Latin-1), so a non-ASCII header is refused by RequestTextGuard with a problem body
    // instead of Kestrel's bare 400. A NUL in the path (%00) is still refused by Kestrel itself, before any middleware.
    k.RequestHeaderEncodingSelector = _ => System.Text.Encoding.Latin1;
});

var options = builder.Configuration.GetSection(SluiceOptions.Section).Get<SluiceOptions>() ?? new SluiceOptions();
builder.Services.Configure<SluiceOptions>(builder.Configuration.GetSection(SluiceOptions.Section));
var dataFolder = Path.GetFullPath(builder.Configuration["Sluice:DataFolder"] ?? "data");
var masterKey = LocalSecrets.MasterKey(options, dataFolder);
var adminToken = LocalSecrets.AdminToken(options, dataFolder);
var nodeId = string.IsNullOrWhiteSpace(options.NodeId) ? $"{Environment.MachineName}:{Environment.ProcessId}" : options.NodeId;
var roles = NodeRoles.From(builder.Configuration, options.Workers.Enabled);
var demo = SluiceDemo.IsEnabled(builder.Configuration);

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<IdGenerator>();
builder.Services.AddSingleton(new CredentialProtector(masterKey));
builder.Services.AddSingleton(new CardFingerprints(masterKey));
builder.Services.AddSingleton(new NodeIdentity(nodeId));
builder.Services.AddSingleton(roles);
builder.Services.AddSluiceDatabase(builder.Configuration);
builder.Services.AddSluiceApi();
builder.Services.AddSluiceRateLimits(builder.Configuration);
builder.Services.AddSluiceAuthentication(adminToken);

// Each feature registers its own services, and its background loop only on a node whose roles include it.
builder.Services.AddChannels(roles);
builder.Services.AddChannelAccounts();
builder.Services.AddPaymentRouting(roles);
builder.Services.AddResultCodes();
builder.Services.AddIdempotency();
builder.Services.AddOrderKernel();
builder.Services.AddPayments();
builder.Services.AddRefunds(builder.Configuration, roles);
builder.Services.AddWithdrawals(builder.Configuration, masterKey);
builder.Services.AddLedger(builder.Configuration, roles);
builder.Services.AddRequery(builder.Configuration, roles);
builder.Services.AddWebhooks(roles);
if (demo)
{
    builder.Services.AddSluiceDemo(
        new SluiceDemoOptions { PublicBase = options.PublicBase, Quiet = builder.Configuration.GetValue(SluiceDemo.QuietKey, false) }, masterKey);
}

var app = builder.Build();
roles.LogStart(app.Logger, nodeId);

await using (var scope = app.Services.CreateAsyncScope())
{
    await SluiceDatabase.MigrateAsync(scope.ServiceProvider.GetRequiredService<SluiceDbContext>(), CancellationToken.None);
}

if (demo)
{
    await app.Services.SeedSluiceDemoAsync(
        $"in {Path.Combine(dataFolder, "admin-token")} (or Sluice:Admin:BootstrapToken)", new Uri(options.PublicBase, "scalar/v1"), CancellationToken.None);
}

await app.Services.GetRequiredService<ChannelCatalog>().RefreshAsync(CancellationToken.None);

app.UseExceptionHandler();
app.UseStatusCodePages(ctx => Problems.ForBareStatus(ctx.HttpContext));
app.UseRequestTextGuard();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

app.MapHealthEndpoints();
app.MapApiReference();

// The route groups, built once with their policies; an endpoint outside them without AllowAnonymous is refused
// (SluiceAuth.EndpointWithoutPolicy). A node maps only the groups its roles serve.
var routes = new SluiceRoutes(
    Merchant: roles.Serves(NodeRoles.Api) ? app.MapGroup("/v1").RequireAuthorization(SluiceAuth.MerchantPolicy) : null,
    Admin: roles.Serves(NodeRoles.Admin) ? app.MapGroup("/admin/api").RequireAuthorization(SluiceAuth.AdminPolicy) : null,
    Callbacks: roles.Serves(NodeRoles.Api) ? app.MapGroup("/notify").AllowAnonymous() : null);
routes.MapPayments();
routes.MapRefunds();
routes.MapWithdrawals();
routes.MapLedger();
routes.MapCallbacks();
routes.MapMerchants();
routes.MapAudit();
routes.MapPaymentRouting();
routes.MapChannelAccounts();
routes.MapChannels();
routes.MapResultCodes();
routes.MapWebhooks();
if (demo)
{
    routes.MapSandboxChannelAccounts();
}

if (demo && roles.Serves(NodeRoles.Api))
{
    app.MapSluiceDemo();
}

app.Run();

/// <summary>The entry point, visible to the integration tests' host factory.</summary>
public partial class Program;
