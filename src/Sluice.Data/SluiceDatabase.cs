using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Sluice.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Chooses, configures and migrates the database: SQLite by default, PostgreSQL by configuration.</summary>
public static class SluiceDatabase
{
    public const string DefaultSqliteConnection = "Data Source=data/sluice.db";

    public static DatabaseProvider ProviderFrom(IConfiguration configuration)
    {
        var name = configuration["Sluice:Database:Provider"];
        if (string.IsNullOrWhiteSpace(name))
        {
            var cs = configuration.GetConnectionString("Sluice");
            return cs is not null && cs.Contains("Host=", StringComparison.OrdinalIgnoreCase)
                ? DatabaseProvider.Postgres
                : DatabaseProvider.Sqlite;
        }

        return name.Trim().ToLowerInvariant() switch
        {
            "sqlite" => DatabaseProvider.Sqlite,
            "postgres" or "postgresql" or "npgsql" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"Unknown Sluice:Database:Provider '{name}'. Use sqlite or postgres."),
        };
    }

    public static IServiceCollection AddSluiceDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = ProviderFrom(configuration);
        var connectionString = configuration.GetConnectionString("Sluice");
        if (provider == DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("PostgreSQL needs ConnectionStrings:Sluice.");
            }

            services.AddDbContextPool<SluiceDbContext, PostgresSluiceDbContext>(o => ConfigurePostgres(o, connectionString), poolSize: 256);
        }
        else
        {
            var cs = string.IsNullOrWhiteSpace(connectionString) ? DefaultSqliteConnection : connectionString;
            EnsureSqliteFolder(cs);
            services.AddDbContextPool<SluiceDbContext, SqliteSluiceDbContext>(o => ConfigureSqlite(o, cs));
        }

        return services;
    }

    public static DbContextOptionsBuilder ConfigureSqlite(DbContextOptionsBuilder builder, string connectionString)
    {
        var csb = new SqliteConnectionStringBuilder(connectionString) { DefaultTimeout = 30, Pooling = true };
        return builder
            .UseSqlite(csb.ToString(), o => o.MigrationsAssembly(typeof(SluiceDbContext).Assembly.FullName))
            .UseSnakeCaseNamingConvention()
            .ConfigureWarnings(QuietExpectedFailures);
    }

    /// <summary>
    /// PostgreSQL with Sluice's defaults unless the connection string says otherwise: no session reset on returning a
    /// pooled connection (Sluice keeps no session state). Statements are NOT prepared automatically: an auto-prepared
    /// statement whose first use fails inside a transaction that is rolled back (a duplicate order number's unique
    /// violation, on every race of two creates) leaves the connection's prepared-statement bookkeeping wrong, and the next
    /// request on that pooled connection failed with "Received unexpected backend message DataRow" (npgsql/npgsql#6391,
    /// open). A connection string may still ask for <c>Max Auto Prepare</c> explicitly.
    /// </summary>
    public static DbContextOptionsBuilder ConfigurePostgres(DbContextOptionsBuilder builder, string connectionString)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);

        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            csb.NoResetOnClose = true;
        }

        return builder
            .UseNpgsql(csb.ConnectionString, o => o.MigrationsAssembly(typeof(SluiceDbContext).Assembly.FullName))
            .UseSnakeCaseNamingConvention()
            .ConfigureWarnings(QuietExpectedFailures);
    }

    /// <summary>
    /// Unique violations (duplicate order numbers, idempotency keys) and lost compare-and-set races are expected and
    /// handled by the flows; EF's own error logs for them would only be noise. Unhandled failures still surface as
    /// exceptions and are logged where they are caught.
    /// </summary>
    private static void QuietExpectedFailures(WarningsConfigurationBuilder w) => w
        .Log((CoreEventId.SaveChangesFailed, Microsoft.Extensions.Logging.LogLevel.Debug))
        .Log((CoreEventId.OptimisticConcurrencyException, Microsoft.Extensions.Logging.LogLevel.Debug))
        .Log((RelationalEventId.CommandError, Microsoft.Extensions.Logging.LogLevel.Debug));

    /// <summary>Applies the provider's migrations; on SQLite also switches to WAL so readers never block the writer.</summary>
    public static async Task MigrateAsync(SluiceDbContext db, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        if (!db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        }
    }

    /// <summary>True when the exception is a unique-constraint violation on either provider.</summary>
    public static bool IsUniqueViolation(DbUpdateException ex) => ex.InnerException switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sq => sq.SqliteErrorCode == 19 && sq.SqliteExtendedErrorCode is 2067 or 1555,
        _ => false,
    };

    private static void EnsureSqliteFolder(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(folder) && file != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }
    }
}
