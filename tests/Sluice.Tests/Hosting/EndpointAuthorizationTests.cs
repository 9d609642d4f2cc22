using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Server.Auth;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Hosting;

/// <summary>
/// Every endpoint is in a group with its policy or explicitly anonymous, and one mapped without either is refused
/// to everyone (the fallback policy), while a request that matches no route still gets its 404.
/// </summary>
public abstract class EndpointAuthorizationTests(GatewayFixture gateway)
{
    /// <summary>The only routes anyone may call without credentials: probes, the API reference, channels' notices, the demo.</summary>
    private static readonly string[] AnonymousPrefixes = ["/healthz", "/readyz", "/openapi/", "/scalar", "/notify/", "/sandbox/", "/demo/"];

    [Fact]
    public void Every_endpoint_carries_its_groups_policy_or_is_explicitly_anonymous()
    {
        var endpoints = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

        endpoints.Count.ShouldBeGreaterThan(50);
        foreach (var endpoint in endpoints)
        {
            var route = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (route.StartsWith("/v1/", StringComparison.Ordinal))
            {
                anonymous.ShouldBeFalse(route);
                policies.ShouldBe([SluiceAuth.MerchantPolicy], route);
            }
            else if (route.StartsWith("/admin/api/", StringComparison.Ordinal))
            {
                anonymous.ShouldBeFalse(route);
                policies.ShouldBe([SluiceAuth.AdminPolicy], route);
            }
            else
            {
                anonymous.ShouldBeTrue(route);
                (route == "/" || AnonymousPrefixes.Any(p => route.StartsWith(p, StringComparison.Ordinal))).ShouldBeTrue(route);
            }
        }

        endpoints.ShouldContain(e => e.RoutePattern.RawText == "/v1/payments/");
        endpoints.ShouldContain(e => e.RoutePattern.RawText == "/admin/api/channels/{code}/banks");
        endpoints.ShouldContain(e => e.RoutePattern.RawText == "/notify/{channelAccountId}");
    }

    [Fact]
    public async Task An_endpoint_mapped_without_a_policy_is_refused_to_everyone()
    {
        var filter = new MapsUnguardedEndpoints();
        await using var node = gateway.StartNode("unguarded-node", configure: b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(filter)));
        using var anonymous = node.Client();
        using var merchant = node.Client(gateway.Demo.ApiKey);
        using var admin = node.Client(GatewayFixture.AdminToken);

        // The hook works: its explicitly anonymous endpoint answers.
        (await anonymous.GetStringAsync(MapsUnguardedEndpoints.AnonymousPath)).ShouldBe("open");

        var refusedAnonymous = await anonymous.GetAsync(MapsUnguardedEndpoints.UnguardedPath);
        refusedAnonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await refusedAnonymous.ReadJsonAsync()).Str("code").ShouldBe("unauthenticated");
        var refusedMerchant = await merchant.GetAsync(MapsUnguardedEndpoints.UnguardedPath);
        refusedMerchant.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refusedMerchant.ReadJsonAsync()).Str("code").ShouldBe("forbidden");
        ((int)(await admin.GetAsync(MapsUnguardedEndpoints.UnguardedPath)).StatusCode).ShouldBeOneOf(401, 403);
        filter.UnguardedCalls.ShouldBe(0);

        // A request that matches no route is not an endpoint: it gets its 404, with or without credentials.
        var missing = await anonymous.GetAsync("/no-such-route");
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await missing.ReadJsonAsync()).Str("code").ShouldBe("not_found");
    }

    /// <summary>
    /// Maps a route without any policy, as a feature that forgot its group would, in front of the gateway's own
    /// pipeline and under the gateway's own authorization services (its policies and fallback policy).
    /// </summary>
    private sealed class MapsUnguardedEndpoints : IStartupFilter
    {
        public const string UnguardedPath = "/test-only/unguarded";
        public const string AnonymousPath = "/test-only/anonymous";

        private int _unguardedCalls;

        public int UnguardedCalls => _unguardedCalls;

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseRouting();
            app.UseAuthentication();
            app.UseAuthorization();
            app.UseEndpoints(e =>
            {
                e.MapGet(UnguardedPath, () =>
                {
                    Interlocked.Increment(ref _unguardedCalls);
                    return "reached";
                });
                e.MapGet(AnonymousPath, () => "open").AllowAnonymous();
            });
            next(app);
        };
    }
}

public sealed class EndpointAuthorizationSqliteTests(SqliteGateway gateway) : EndpointAuthorizationTests(gateway), IClassFixture<SqliteGateway>;

public sealed class EndpointAuthorizationPostgresTests(PostgresGateway gateway) : EndpointAuthorizationTests(gateway), IClassFixture<PostgresGateway>;
