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

    [Fact]
    public async Task Admin_creates_a_merchant_tree_and_every_change_is_audited()
    {
        using var admin = gateway.Admin();
        var sp = await (await admin.PostAsync("/admin/api/service-providers", Api.JsonBody(new { name = "ISV One" }))).ReadJsonAsync();
        var merchant = await (await admin.PostAsync("/admin/api/merchants", Api.JsonBody(new { service_provider_id = sp.Str("id"), name = "Tea Shop", kind = "micro" }))).ReadJsonAsync();
        var bad = await admin.PostAsync("/admin/api/merchants", Api.JsonBody(new { service_provider_id = "sp_missing", name = "X" }));

        merchant.Str("kind").ShouldBe("micro");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.ReadJsonAsync()).Str("code").ShouldBe("invalid_field");
        var audit = await (await admin.GetAsync($"/admin/api/audit?entityType=merchant&entityId={merchant.Str("id")}")).ReadJsonAsync();
        var entry = audit.EnumerateArray().Single();
        entry.Str("action").ShouldBe("create");
        entry.Str("new_value").ShouldContain("Tea Shop");
    }
}

public sealed class HostingSqliteTests(SqliteGateway gateway) : HostingTests(gateway), IClassFixture<SqliteGateway>;

public sealed class HostingPostgresTests(PostgresGateway gateway) : HostingTests(gateway), IClassFixture<PostgresGateway>;
