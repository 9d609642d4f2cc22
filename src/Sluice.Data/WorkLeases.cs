using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Sluice.Data;

/// <summary>
/// Claims due background work held in database rows. A claim sets a lease (owner and expiry) in one statement, so two
/// nodes never hold the same row at once; a node that dies simply lets its lease expire. PostgreSQL skips rows that
/// another node is claiming right now (<c>FOR UPDATE SKIP LOCKED</c>); SQLite serialises writers, so the same
/// statement without the locking clause is atomic there.
/// </summary>
public static class WorkLeases
{
    private static readonly DateTimeOffsetToBinaryConverter SqliteInstant = new();

    /// <summary>A table of leased work: its name, its key column, the due-time column and a fixed status filter.</summary>
    public sealed record WorkTable(string Table, string KeyColumn, string DueColumn, string ReadyCondition);

    public static readonly WorkTable WebhookDeliveries =
        new("webhook_deliveries", "id", "next_attempt_at", "status = 'Pending'");

    /// <summary>
    /// Supplementary queries of payments, refunds and withdrawals (one row per order, its kind says which).
    /// </summary>
    public static readonly WorkTable ChannelQueries =
        new("channel_queries", "id", "next_query_at", "status = 'Pending'");

    /// <summary>Succeeded payments waiting for their T+N settlement (pending → available).</summary>
    public static readonly WorkTable PaymentSettlements =
        new("payment_settlements", "payment_id", "due_at", "status = 'Pending'");

    public static async Task<IReadOnlyList<string>> ClaimAsync(
        SluiceDbContext db, WorkTable work, string owner, DateTimeOffset now, TimeSpan lease, int max, CancellationToken ct)
    {
        var lockClause = db.IsPostgres ? " FOR UPDATE SKIP LOCKED" : string.Empty;
        var sql =
            $"""
            UPDATE {work.Table} SET lease_owner = @owner, lease_expires_at = @until
            WHERE {work.KeyColumn} IN (
                SELECT {work.KeyColumn} FROM {work.Table}
                WHERE {work.ReadyCondition} AND {work.DueColumn} <= @now
                  AND (lease_expires_at IS NULL OR lease_expires_at < @now)
                ORDER BY {work.DueColumn}
                LIMIT @max{lockClause})
            RETURNING {work.KeyColumn}
            """;

        return await RunAsync(db, sql, [("owner", owner), ("until", Instant(db, now + lease)), ("now", Instant(db, now)), ("max", max)], async command =>
        {
            var ids = new List<string>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }, ct);
    }

    /// <summary>
    /// Extends a lease this owner still holds, just before acting on the row. False when the lease has expired (another
    /// node may have claimed the row since) or the row is no longer ready: the owner must then leave the row alone.
    /// A lease that has not expired cannot be claimed (a claim needs <c>lease_expires_at &lt; now</c>), so a successful
    /// renewal and a competing claim exclude each other.
    /// </summary>
    public static async Task<bool> RenewAsync(
        SluiceDbContext db, WorkTable work, string key, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken ct)
    {
        var sql =
            $"""
            UPDATE {work.Table} SET lease_expires_at = @until
            WHERE {work.KeyColumn} = @key AND lease_owner = @owner AND lease_expires_at >= @now AND {work.ReadyCondition}
            """;
        return await RunAsync(db, sql, [("key", key), ("owner", owner), ("until", Instant(db, now + lease)), ("now", Instant(db, now))],
            async command => await command.ExecuteNonQueryAsync(ct) == 1, ct);
    }

    /// <summary>Runs raw SQL on the context's connection (and its transaction, if one is open), opening it if needed.</summary>
    private static async Task<T> RunAsync<T>(
        SluiceDbContext db, string sql, IEnumerable<(string Name, object Value)> parameters, Func<DbCommand, Task<T>> run, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var openedHere = connection.State != System.Data.ConnectionState.Open;
        if (openedHere)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            foreach (var (name, value) in parameters)
            {
                Add(command, name, value);
            }

            return await run(command);
        }
        finally
        {
            if (openedHere)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    /// <summary>The value a raw SQL parameter needs for an instant on this provider.</summary>
    public static object Instant(SluiceDbContext db, DateTimeOffset value) =>
        db.IsPostgres ? value.ToUniversalTime() : SqliteInstant.ConvertToProvider(value.ToUniversalTime())!;

    private static void Add(DbCommand command, string name, object value)
    {
        var p = command.CreateParameter();
        p.ParameterName = "@" + name;
        p.Value = value;
        command.Parameters.Add(p);
    }
}
