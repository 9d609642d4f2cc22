using System.Net;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Hosting;

public abstract class HostingTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Health_readiness_openapi_and_the_api_reference_are_served()
    {
        using var http = gateway.Anonymous();

        (await http.GetStringAsync("/healthz")).ShouldBe("Healthy");
        (await http.GetStringAsync("/readyz")).ShouldBe("Healthy");
        var openapi = await (await http.GetAsync("/openapi/v1.json")).ReadJsonAsync();
        var paths = openapi.GetProperty("paths");
        paths.TryGetProperty("/v1/payments", out _).ShouldBeTrue();
        paths.TryGetProperty("/v1/payments/{id}/close", out _).ShouldBeTrue();
        openapi.GetProperty("components").GetProperty("schemas").TryGetProperty("CreatePaymentRequest", out var schema).ShouldBeTrue();
        schema.GetProperty("properties").TryGetProperty("merchant_order_no", out _).ShouldBeTrue();
        var reference = await http.GetAsync("/scalar/v1");
        reference.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await reference.Content.ReadAsStringAsync()).ShouldContain("openapi/v1.json");
    }

    [Fact]
    public async Task Unknown_routes_and_wrong_methods_answer_with_problems()
    {
        using var merchant = gateway.Merchant();

        var missing = await merchant.GetAsync("/v1/nothing-here");
        var wrongMethod = await merchant.DeleteAsync("/v1/payments/pay_x/close");

        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await missing.ReadJsonAsync()).Str("code").ShouldBe("not_found");
        wrongMethod.StatusCode.ShouldBe(HttpStatusCode.MethodNotAllowed);
        (await wrongMethod.ReadJsonAsync()).Str("code").ShouldBe("method_not_allowed");
    }
}

public sealed class HostingSqliteTests(SqliteGateway gateway) : HostingTests(gateway), IClassFixture<SqliteGateway>;

public sealed class HostingPostgresTests(PostgresGateway gateway) : HostingTests(gateway), IClassFixture<PostgresGateway>;
