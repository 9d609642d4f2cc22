using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Sluice.Data;

/// <summary>The embedded default. Instants are stored as sortable 64-bit integers so SQLite can compare them.</summary>
public sealed class SqliteSluiceDbContext(DbContextOptions<SqliteSluiceDbContext> options) : SluiceDbContext(options)
{
    public override bool IsPostgres => false;

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>Production storage.</summary>
public sealed class PostgresSluiceDbContext(DbContextOptions<PostgresSluiceDbContext> options) : SluiceDbContext(options)
{
    public override bool IsPostgres => true;
}

/// <summary>Used by <c>dotnet ef migrations add</c> only.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteSluiceDbContext>
{
    public SqliteSluiceDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<SqliteSluiceDbContext>();
        SluiceDatabase.ConfigureSqlite(builder, "Data Source=design.db");
        return new SqliteSluiceDbContext(builder.Options);
    }
}

/// <summary>Used by <c>dotnet ef migrations add</c> only.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresSluiceDbContext>
{
    public PostgresSluiceDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<PostgresSluiceDbContext>();
        SluiceDatabase.ConfigurePostgres(builder, "Host=localhost;Database=design");
        return new PostgresSluiceDbContext(builder.Options);
    }
}
