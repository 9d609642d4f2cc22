using Microsoft.Extensions.Configuration;
using Sluice.Data;

namespace Sluice.Tests.Hosting;

public class DatabaseProviderTests
{
    [Fact]
    public void A_postgres_connection_string_selects_postgres_and_the_default_is_sqlite()
    {
        static DatabaseProvider For(Dictionary<string, string?> values) =>
            SluiceDatabase.ProviderFrom(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

        For(new() { ["ConnectionStrings:Sluice"] = "Host=db;Database=sluice" }).ShouldBe(DatabaseProvider.Postgres);
        For(new() { ["ConnectionStrings:Sluice"] = "Data Source=data/sluice.db" }).ShouldBe(DatabaseProvider.Sqlite);
        For(new()).ShouldBe(DatabaseProvider.Sqlite);
        For(new() { ["Sluice:Database:Provider"] = "postgres", ["ConnectionStrings:Sluice"] = "Server=x" }).ShouldBe(DatabaseProvider.Postgres);
        Should.Throw<InvalidOperationException>(() => For(new() { ["Sluice:Database:Provider"] = "oracle" }));
    }
}
