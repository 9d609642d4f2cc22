using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Ledger;

namespace Sluice.Server.Ledger;

/// <summary>One line of an entry to post: an amount on an account (debits positive, credits negative).</summary>
/// <param name="Limit">
/// When set, the line is a reservation: it applies only if the account's balance on its normal side stays at or above
/// <c>-Limit</c> afterwards, checked by the balance's own conditional update (so concurrent reservations never overdraw).
/// </param>
public sealed record PostingLine(LedgerAccountType Type, string? OwnerId, long Amount, long? Limit = null);

/// <summary>An entry to post: one order event's movement.</summary>
public sealed record EntrySpec(string Key, string Kind, string OrderKind, string OrderId, string? MerchantId, string Currency, string? Memo, IReadOnlyList<PostingLine> Lines);

/// <summary>
/// Writes journal entries on the caller's unit of work and transaction: the entry, its postings and each account's
/// balance row (an atomic <c>balance = balance + amount</c>, conditional for a reservation). Entries balance by
/// construction (checked here), and an entry whose key is already posted posts nothing.
/// </summary>
public sealed class LedgerBook(TimeProvider clock)
{
    /// <summary>
    /// Posts <paramref name="spec"/>. False when a reservation line would take its account below its limit: nothing of
    /// the entry is written then, and the caller rolls its transaction back (lines before it may have moved balances).
    /// </summary>
    public async Task<bool> PostAsync(SluiceDbContext db, EntrySpec spec, CancellationToken ct)
    {
        if (spec.Lines.Sum(l => l.Amount) != 0)
        {
            throw new InvalidOperationException($"Entry {spec.Key} does not balance.");
        }

        if (await db.JournalEntries.AsNoTracking().AnyAsync(e => e.IdempotencyKey == spec.Key, ct))
        {
            return true;
        }

        var entry = new JournalEntry
        {
            IdempotencyKey = spec.Key,
            Kind = spec.Kind,
            OrderKind = spec.OrderKind,
            OrderId = spec.OrderId,
            MerchantId = spec.MerchantId,
            Currency = spec.Currency,
            Memo = spec.Memo,
            PostedAt = clock.GetUtcNow(),
        };

        // Balance rows are locked in one global order (their codes, ordinal) by every entry, so two transactions
        // never wait for each other's rows in a cycle (PostgreSQL would abort one as a deadlock).
        var lines = spec.Lines.Where(l => l.Amount != 0)
            .Select(l => (Line: l, Account: LedgerAccount.CodeOf(l.Type, l.OwnerId, spec.Currency)))
            .OrderBy(l => l.Account, StringComparer.Ordinal);
        foreach (var (line, account) in lines)
        {
            await EnsureAccountAsync(db, account, line.Type, line.OwnerId, spec.Currency, ct);
            if (!await MoveAsync(db, account, line, ct))
            {
                return false;
            }

            entry.Postings.Add(new JournalPosting { AccountId = account, Amount = line.Amount, Currency = spec.Currency });
        }

        db.JournalEntries.Add(entry);
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>
    /// Creates the account's balance row if it is missing. On PostgreSQL inside a transaction the row is created and
    /// committed on a connection of its own: an uncommitted account row held by a long transaction made a concurrent
    /// <c>INSERT … ON CONFLICT</c> wait for it, and with a merchant number's unique check waiting the other way that was a
    /// deadlock (racing refunds with one merchant_refund_no). An empty account row changes no balance, so creating it
    /// outside the caller's transaction is harmless even when that transaction rolls back.
    /// </summary>
    private static async Task EnsureAccountAsync(SluiceDbContext db, string id, LedgerAccountType type, string? owner, string currency, CancellationToken ct)
    {
        if (await db.LedgerAccounts.AsNoTracking().AnyAsync(a => a.Id == id, ct))
        {
            return;
        }

        var typeName = type.ToString();
        if (db.IsPostgres && db.Database.CurrentTransaction is not null)
        {
            await using var connection = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
            await connection.OpenAsync(ct);
            await using var command = new Npgsql.NpgsqlCommand(
                "INSERT INTO ledger_accounts (id, type, owner_id, currency, balance) VALUES ($1, $2, $3, $4, 0) ON CONFLICT (id) DO NOTHING", connection)
            {
                Parameters = { new() { Value = id }, new() { Value = typeName }, new() { Value = (object?)owner ?? DBNull.Value }, new() { Value = currency } },
            };
            await command.ExecuteNonQueryAsync(ct);
            return;
        }

        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO ledger_accounts (id, type, owner_id, currency, balance) VALUES ({id}, {typeName}, {owner}, {currency}, 0) ON CONFLICT (id) DO NOTHING", ct);
    }

    private static async Task<bool> MoveAsync(SluiceDbContext db, string account, PostingLine line, CancellationToken ct)
    {
        var amount = line.Amount;
        var rows = db.LedgerAccounts.Where(a => a.Id == account);
        if (line.Limit is { } limit)
        {
            // The natural balance after the move, -(balance + amount) for a credit-normal account, must stay >= -limit.
            rows = LedgerAccount.IsDebitNormal(line.Type)
                ? rows.Where(a => a.Balance + amount >= -limit)
                : rows.Where(a => a.Balance + amount <= limit);
        }

        return await rows.ExecuteUpdateAsync(s => s.SetProperty(a => a.Balance, a => a.Balance + amount), ct) == 1;
    }
}
