using Npgsql;

namespace Sluice.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the suite runs against (started by test.sh). Missing it is a loud failure, never a skip.
/// Every gateway gets a database of its own, dropped afterwards.
/// </summary>
public static class TestPostgres
{
    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("SLUICE_TEST_PG") is { Length: > 0 } cs
            ? cs
            : "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres";

    public static async Task<string> CreateDatabaseAsync()
    {
        var name = "sluice_t_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var conn = new NpgsqlConnection(AdminConnectionString);
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException(
                $"PostgreSQL tests need a server at '{AdminConnectionString}' (run ./test.sh, which starts one, or set SLUICE_TEST_PG). {ex.Message}", ex);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, MaxPoolSize = 100 }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(AdminConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
