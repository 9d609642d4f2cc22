using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Data;
using Sluice.Demo;
using Sluice.Demo.Sandbox;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Hosting;

/// <summary>
/// Demo mode: on for the embedded SQLite quick start (the suite's SQLite gateway sets nothing), on for PostgreSQL only
/// when asked for (the suite's PostgreSQL gateway asks). On, the demo is seeded and its routes answer.
/// </summary>
public abstract class DemoModeOnTests(GatewayFixture gateway)
{
    [Fact]
    public async Task The_demo_is_seeded_and_its_cashier_sandbox_api_and_webhook_inbox_answer()
    {
        using var http = gateway.Anonymous();

        gateway.Demo.ApiKey.ShouldStartWith("sk_test_");
        (await gateway.WithDbAsync(db => db.Channels.AnyAsync(c => c.Code == DemoSeeder.SandboxChannelCode))).ShouldBeTrue();
        var inbox = await http.GetAsync("/demo/webhooks");
        inbox.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await inbox.ReadJsonAsync()).ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Array);
        var cashier = await http.GetAsync("/sandbox/cashier/SBX-NO-SUCH-TRADE");
        cashier.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        cashier.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");   // the cashier's own page, not a missing route
        var unsigned = await http.PostAsync("/sandbox/api/pay", Api.JsonBody(new { merchant_no = "SBX1" }));
        unsigned.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);               // the sandbox channel refuses an unsigned request
    }
}

/// <summary>Demo mode off: nothing seeded, no demo service, and the demo's routes do not exist (404).</summary>
public abstract class DemoModeOffTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Nothing_is_seeded_and_the_demo_routes_are_not_found()
    {
        using var http = gateway.Anonymous();
        using var admin = gateway.Admin();

        (await gateway.WithDbAsync(db => db.ServiceProviders.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Apps.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.ApiKeys.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.ChannelAccounts.CountAsync())).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.Channels.CountAsync(c => c.Code == DemoSeeder.SandboxChannelCode))).ShouldBe(0);
        gateway.Services.GetService<DemoSeedHolder>().ShouldBeNull();
        gateway.Services.GetService<SandboxNotifier>().ShouldBeNull();

        foreach (var (method, path) in new[]
                 {
                     (HttpMethod.Get, "/demo/webhooks"), (HttpMethod.Post, "/demo/webhooks"), (HttpMethod.Get, "/sandbox/cashier/SBX1"),
                     (HttpMethod.Post, "/sandbox/cashier/SBX1/pay"), (HttpMethod.Post, "/sandbox/api/pay"), (HttpMethod.Post, "/sandbox/api/payout"),
                 })
        {
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? Api.JsonBody("{}") : null };
            var response = await http.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{method} {path}");
            (await response.ReadJsonAsync()).Str("code").ShouldBe("not_found", $"{method} {path}");
        }

        // The gateway itself is up: an operator sets it up through the admin API.
        var merchants = await admin.GetAsync("/admin/api/merchants");
        merchants.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await merchants.ReadJsonAsync()).GetArrayLength().ShouldBe(0);
    }
}

/// <summary>A PostgreSQL gateway as an operator starts one: no demo setting at all.</summary>
public sealed class PostgresGatewayWithoutDemo : GatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override IReadOnlyDictionary<string, string?> NodeSettings => new Dictionary<string, string?>();

    protected override bool ExpectsDemo => false;
}

/// <summary>A SQLite gateway whose operator turned the demo off.</summary>
public sealed class SqliteGatewayWithDemoOff : GatewayFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override IReadOnlyDictionary<string, string?> NodeSettings => new Dictionary<string, string?> { ["Sluice:Demo:Enabled"] = "false" };

    protected override bool ExpectsDemo => false;
}

public sealed class DemoModeOnSqliteTests(SqliteGateway gateway) : DemoModeOnTests(gateway), IClassFixture<SqliteGateway>;

public sealed class DemoModeOnPostgresTests(PostgresGateway gateway) : DemoModeOnTests(gateway), IClassFixture<PostgresGateway>;

public sealed class DemoModeOffPostgresTests(PostgresGatewayWithoutDemo gateway) : DemoModeOffTests(gateway), IClassFixture<PostgresGatewayWithoutDemo>;

public sealed class DemoModeOffSqliteTests(SqliteGatewayWithDemoOff gateway) : DemoModeOffTests(gateway), IClassFixture<SqliteGatewayWithDemoOff>;
