using Microsoft.EntityFrameworkCore;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Sluice.Data;
using Sluice.Demo;

namespace Sluice.Tests.Infrastructure;

/// <summary>
/// A real Sluice host on Kestrel at 127.0.0.1, with a database of its own (SQLite file or PostgreSQL database),
/// the demo seed (demo mode is on by default on SQLite and asked for explicitly on PostgreSQL, as an operator would),
/// and background loops off so tests drive the workers with a controlled clock.
/// </summary>
public abstract class GatewayFixture : IAsyncLifetime
{
    public const string AdminToken = "adm_test_token_for_the_suite_only_0123456789";

    private readonly string _dataFolder = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));
    private WebApplicationFactory<Program>? _factory;

    public abstract DatabaseProvider Provider { get; }

    /// <summary>The clock every part of the gateway reads; tests move it forward instead of sleeping.</summary>
    public FakeTimeProvider Clock => _clock ??= new FakeTimeProvider(ClockStart);

    private FakeTimeProvider? _clock;

    /// <summary>
    /// Moves the clock up to real time when a class's earlier tests left it behind: the simulator signs with real time,
    /// so signature windows hold all run long. Tests of simulated channels call it first.
    /// </summary>
    public void CatchUpWithRealTime()
    {
        if (DateTimeOffset.UtcNow > Clock.GetUtcNow())
        {
            Clock.SetUtcNow(DateTimeOffset.UtcNow);
        }
    }

    /// <summary>
    /// Where the gateway's clock starts. Fixtures that talk to the channel simulator (which signs with real time, as a
    /// real channel does) start it at the real time so signature timestamp windows hold.
    /// </summary>
    protected virtual DateTimeOffset ClockStart => new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    public Uri BaseAddress { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public DemoSeed Demo { get; private set; } = null!;

    public IServiceProvider Services => _factory!.Services;

    /// <summary>Every log line the gateway wrote, for checks that no secret is ever logged.</summary>
    public LogCapture Logs { get; } = new();

    protected virtual bool UseFakeClock => true;

    /// <summary>
    /// Settings every node of this gateway starts with, beyond the suite's own (a fixture of a particular set-up adds
    /// its own). PostgreSQL nodes ask for demo mode explicitly: without it a PostgreSQL gateway seeds nothing.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, string?> NodeSettings =>
        Provider == DatabaseProvider.Postgres ? new Dictionary<string, string?> { ["Sluice:Demo:Enabled"] = "true" } : new Dictionary<string, string?>();

    /// <summary>False for a gateway without demo mode: no demo seed is expected (and <see cref="Demo"/> stays unset).</summary>
    protected virtual bool ExpectsDemo => true;

    /// <summary>What a fixture adds to every node's services after the gateway's own, e.g. a channel that exists only in the tests.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_dataFolder);
        ConnectionString = Provider == DatabaseProvider.Postgres
            ? await TestPostgres.CreateDatabaseAsync()
            : $"Data Source={Path.Combine(_dataFolder, "sluice.db")}";
        var node = StartNode("test-node-a");
        _factory = node.Factory;
        BaseAddress = node.BaseAddress;
        if (ExpectsDemo)
        {
            Demo = Services.GetService<DemoSeedHolder>()?.Seed
                ?? throw new InvalidOperationException("The demo seed did not run on a fresh database.");
        }
    }

    /// <summary>The master key every node of this gateway shares (as production nodes share Sluice:MasterKey).</summary>
    public string MasterKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// Starts another node of the same gateway: its own Kestrel server and process-level state, the same database,
    /// master key, admin token and clock, as a second machine behind a load balancer would be. <paramref name="settings"/>
    /// override the suite's (e.g. <c>Sluice:Roles</c>, <c>Sluice:Workers:Enabled</c>) for this node only, and
    /// <paramref name="configure"/> can add to its host (a test's own services or middleware).
    /// </summary>
    public GatewayNode StartNode(string nodeId, IReadOnlyDictionary<string, string?>? settings = null, Action<IWebHostBuilder>? configure = null)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Testing");
            b.UseSetting("ConnectionStrings:Sluice", ConnectionString);
            b.UseSetting("Sluice:Database:Provider", Provider == DatabaseProvider.Postgres ? "postgres" : "sqlite");
            b.UseSetting("Sluice:DataFolder", _dataFolder);
            b.UseSetting("Sluice:MasterKey", MasterKey);
            b.UseSetting("Sluice:Admin:BootstrapToken", AdminToken);
            b.UseSetting("Sluice:PublicBaseUrl", (_factory is null ? baseAddress : BaseAddress).ToString());
            b.UseSetting("Sluice:NodeId", nodeId);
            b.UseSetting("Sluice:Workers:Enabled", "false");
            b.UseSetting("Sluice:Demo:Quiet", "true");
            // Tests of other features refund and withdraw for merchants that never earned the money: their balances may
            // go below zero (the ledger's own tests set the limit to 0 and earn every balance through real postings).
            b.UseSetting("Sluice:Ledger:DefaultNegativeBalanceLimit", "1000000000000");
            b.UseSetting("Urls", baseAddress.ToString());

            // Tests share one sandbox channel and make it fail on purpose; its circuit breaker would take it out for
            // the rest of the class. Fixtures that test the breaker set their own threshold.
            b.UseSetting("Sluice:Routing:Breaker:FailureThreshold", "1000");
            foreach (var (key, value) in NodeSettings.Concat(settings ?? new Dictionary<string, string?>()))
            {
                b.UseSetting(key, value);
            }

            b.ConfigureLogging(l => l.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Debug).AddProvider(Logs));
            if (UseFakeClock)
            {
                b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Clock));
            }

            b.ConfigureTestServices(ConfigureServices);
            configure?.Invoke(b);
        });
        factory.UseKestrel(port);
        factory.StartServer();
        return new GatewayNode(factory, baseAddress);
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (Provider == DatabaseProvider.Postgres && ConnectionString.Length > 0)
        {
            await TestPostgres.DropDatabaseAsync(ConnectionString);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A client with no credentials, talking HTTP to the Kestrel server.</summary>
    public HttpClient Anonymous() => new() { BaseAddress = BaseAddress };

    /// <summary>A client authenticated as the demo app.</summary>
    public HttpClient Merchant(string? apiKey = null)
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey ?? Demo.ApiKey);
        return client;
    }

    public HttpClient Admin()
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);
        return client;
    }

    /// <summary>A fresh scope's database context, to look at what the gateway stored.</summary>
    public async Task<T> WithDbAsync<T>(Func<SluiceDbContext, Task<T>> action)
    {
        await using var scope = Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<SluiceDbContext>());
    }

    /// <summary>The webhook events staged for an order (its id in the payload), oldest first.</summary>
    public async Task<List<string>> WebhookEventsForAsync(string orderId)
    {
        var rows = await WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.Payload.Contains(orderId))
            .Select(d => new { d.Id, d.EventType, d.CreatedAt }).ToListAsync());
        return [.. rows.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal).Select(r => r.EventType)];
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

public sealed class SqliteGateway : GatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresGateway : GatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>One running node of a gateway.</summary>
public sealed class GatewayNode(WebApplicationFactory<Program> factory, Uri baseAddress) : IAsyncDisposable
{
    public WebApplicationFactory<Program> Factory { get; } = factory;

    public Uri BaseAddress { get; } = baseAddress;

    public IServiceProvider Services => Factory.Services;

    public HttpClient Client(string? bearer = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public ValueTask DisposeAsync() => Factory.DisposeAsync();
}
