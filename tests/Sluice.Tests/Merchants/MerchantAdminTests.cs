using System.Net;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Merchants;

public abstract class MerchantAdminTests(GatewayFixture gateway)
{
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

public sealed class MerchantAdminSqliteTests(SqliteGateway gateway) : MerchantAdminTests(gateway), IClassFixture<SqliteGateway>;

public sealed class MerchantAdminPostgresTests(PostgresGateway gateway) : MerchantAdminTests(gateway), IClassFixture<PostgresGateway>;
