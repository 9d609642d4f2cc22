using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Ledger;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Auth;

namespace Sluice.Server.Ledger;

public sealed record CurrencyBalanceView(string Currency, long Pending, long Available);

public sealed record BalanceView(string Object, string MerchantId, IReadOnlyList<CurrencyBalanceView> Balances);

/// <summary>An account; <c>balance</c> is on the account's normal side (a merchant's payable positive when it holds money).</summary>
public sealed record LedgerAccountView(string Id, string Type, string? OwnerId, string Currency, string NormalSide, long Balance);

public sealed record PostingView(string Account, long Amount);

/// <summary>An entry; each posting's amount is a debit when positive, a credit when negative.</summary>
public sealed record JournalEntryView(
    long Id, string Key, string Kind, string OrderKind, string OrderId, string? MerchantId, string Currency, string? Memo,
    DateTimeOffset PostedAt, IReadOnlyList<PostingView> Postings);

public sealed record JournalPageView(IReadOnlyList<JournalEntryView> Data, long? NextCursor);

public sealed record TrialBalanceLineView(string Account, string Type, long Debit, long Credit);

/// <summary>One currency of the trial balance: Σ debits − Σ credits is zero when the books balance.</summary>
public sealed record TrialBalanceCurrencyView(string Currency, long Debits, long Credits, long Total, IReadOnlyList<TrialBalanceLineView> Accounts);

public sealed record TrialBalanceView(bool Balanced, IReadOnlyList<TrialBalanceCurrencyView> Currencies);

public sealed record BalanceDifferenceView(string Account, long Stored, long FromJournal);

public sealed record LedgerCheckView(bool Consistent, int Accounts, IReadOnlyList<BalanceDifferenceView> Differences);

public sealed record MerchantLedgerSettingsRequest(int? FeeRatePpm, int? SettlementDelayDays, string? TimeZone, long? NegativeBalanceLimit);

public sealed record MerchantLedgerSettingsView(string MerchantId, int FeeRatePpm, int SettlementDelayDays, string TimeZone, long NegativeBalanceLimit);

public sealed record MerchantFeeRateRequest(int? RatePpm);

public sealed record MerchantFeeRateView(string MerchantId, string PaymentMethod, int RatePpm);

/// <summary>The merchant's balance and the operators' view of the books.</summary>
public static class LedgerEndpoints
{
    private const int PageSize = 100;

    public static void MapBalanceEndpoints(this RouteGroupBuilder merchant)
    {
        merchant.MapGet("/balance", BalanceAsync).WithTags("Balance").WithName("GetBalance")
            .WithSummary("The merchant's pending (not settled yet) and available (withdrawable) balance per currency");
    }

    public static void MapAdminLedgerEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("/ledger").WithTags("Admin: ledger");
        admin.MapGet("/accounts", AccountsAsync).WithSummary("Every ledger account with its balance, optionally of one owner, type or currency");
        admin.MapGet("/entries", EntriesAsync)
            .WithSummary("Journal entries, oldest first, filtered by order_id, account, from and to (ISO 8601), cursor-paginated")
            .WithDescription("Pass next_cursor as cursor for the next page; limit is 1 to 500 (default 100).");
        admin.MapGet("/trial-balance", TrialBalanceAsync).WithSummary("Every account's balance per currency with totals, which sum to zero");
        admin.MapGet("/journal.csv", JournalCsvAsync)
            .WithSummary("One day's journal (UTC, ?date=YYYY-MM-DD) as CSV, one line per posting")
            .WithDescription("Columns: entry_id, posted_at, key, kind, order_kind, order_id, merchant_id, account, debit, credit, currency.");
        admin.MapPost("/backfill", BackfillAsync)
            .WithSummary("Posts the history of orders created before the ledger, up to max (1 to 1000, default 200) of each kind")
            .WithDescription("Idempotent and resumable: run it until done is true.");
        admin.MapGet("/check", CheckAsync).WithSummary("Recomputes every balance from the journal and lists any account whose stored balance differs");
        admin.MapGet("/merchants/{merchantId}/settings", GetSettingsAsync).WithSummary("A merchant's fee rate, settlement delay, time zone and negative-balance limit");
        admin.MapPut("/merchants/{merchantId}/settings", PutSettingsAsync).WithSummary("Sets a merchant's ledger settings (audited)");
        admin.MapPut("/merchants/{merchantId}/fee-rates/{paymentMethod}", PutFeeRateAsync).WithSummary("Sets a merchant's fee rate for one payment method (audited)");
    }

    private static async Task<Ok<BalanceView>> BalanceAsync(ClaimsPrincipal user, SluiceDbContext db, CancellationToken ct)
    {
        var merchantId = user.Caller().MerchantId;
        var accounts = await db.LedgerAccounts.AsNoTracking()
            .Where(a => a.OwnerId == merchantId && (a.Type == LedgerAccountType.MerchantPending || a.Type == LedgerAccountType.MerchantAvailable))
            .ToListAsync(ct);
        var balances = accounts.GroupBy(a => a.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new CurrencyBalanceView(g.Key,
                g.Where(a => a.Type == LedgerAccountType.MerchantPending).Sum(a => a.Natural),
                g.Where(a => a.Type == LedgerAccountType.MerchantAvailable).Sum(a => a.Natural)))
            .ToList();
        return TypedResults.Ok(new BalanceView("balance", merchantId, balances));
    }

    private static async Task<Results<Ok<List<LedgerAccountView>>, ProblemHttpResult>> AccountsAsync(
        [FromQuery(Name = "owner_id")] string? ownerId, string? type, string? currency, SluiceDbContext db, CancellationToken ct)
    {
        var query = db.LedgerAccounts.AsNoTracking();
        if (type is not null)
        {
            if (Enum.GetValues<LedgerAccountType>().FirstOrDefault(t => LedgerAccount.WireName(t) == type) is var parsed && LedgerAccount.WireName(parsed) != type)
            {
                return Problems.Validation(UnifiedCode.InvalidField, "type", "type is one of: " + string.Join(", ", Enum.GetValues<LedgerAccountType>().Select(LedgerAccount.WireName)));
            }

            query = query.Where(a => a.Type == parsed);
        }

        if (ownerId is not null)
        {
            query = query.Where(a => a.OwnerId == ownerId);
        }

        if (currency is not null)
        {
            query = query.Where(a => a.Currency == currency);
        }

        var accounts = await query.OrderBy(a => a.Id).ToListAsync(ct);
        return TypedResults.Ok(accounts.Select(ToView).ToList());
    }

    private static async Task<Results<Ok<JournalPageView>, ProblemHttpResult>> EntriesAsync(
        [FromQuery(Name = "order_id")] string? orderId, string? account, string? from, string? to, long? cursor, int? limit, SluiceDbContext db, CancellationToken ct)
    {
        if (limit is < 1 or > 500)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "limit", "limit is 1 to 500.");
        }

        if (!TryInstant(from, out var since))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "from", "from is an ISO 8601 instant with an offset, e.g. 2026-12-01T00:00:00Z.");
        }

        if (!TryInstant(to, out var until))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "to", "to is an ISO 8601 instant with an offset, e.g. 2026-12-02T00:00:00Z.");
        }

        var query = db.JournalEntries.AsNoTracking().Include(e => e.Postings).AsQueryable();
        if (orderId is not null)
        {
            query = query.Where(e => e.OrderId == orderId);
        }

        if (account is not null)
        {
            query = query.Where(e => e.Postings.Any(p => p.AccountId == account));
        }

        if (since is { } s)
        {
            query = query.Where(e => e.PostedAt >= s);
        }

        if (until is { } u)
        {
            query = query.Where(e => e.PostedAt < u);
        }

        // Entries are numbered as they are written: the cursor is the last number of the page before.
        if (cursor is { } after)
        {
            query = query.Where(e => e.Id > after);
        }

        var size = limit ?? PageSize;
        var page = await query.OrderBy(e => e.Id).Take(size + 1).ToListAsync(ct);
        var views = page.Take(size).Select(ToView).ToList();
        return TypedResults.Ok(new JournalPageView(views, page.Count > size ? views[^1].Id : (long?)null));
    }

    private static async Task<Ok<TrialBalanceView>> TrialBalanceAsync(SluiceDbContext db, CancellationToken ct)
    {
        var accounts = await db.LedgerAccounts.AsNoTracking().OrderBy(a => a.Id).ToListAsync(ct);
        var currencies = accounts.GroupBy(a => a.Currency).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var lines = g.Select(a => new TrialBalanceLineView(a.Id, LedgerAccount.WireName(a.Type), Math.Max(a.Balance, 0), Math.Max(-a.Balance, 0))).ToList();
            var debits = lines.Sum(l => l.Debit);
            var credits = lines.Sum(l => l.Credit);
            return new TrialBalanceCurrencyView(g.Key, debits, credits, debits - credits, lines);
        }).ToList();
        return TypedResults.Ok(new TrialBalanceView(currencies.All(c => c.Total == 0), currencies));
    }

    private static async Task<IResult> JournalCsvAsync(string? date, SluiceDbContext db, CancellationToken ct)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "date", "date is a UTC day, YYYY-MM-DD.");
        }

        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var until = from.AddDays(1);
        var entries = await db.JournalEntries.AsNoTracking().Include(e => e.Postings)
            .Where(e => e.PostedAt >= from && e.PostedAt < until).OrderBy(e => e.Id).ToListAsync(ct);
        var csv = new System.Text.StringBuilder("entry_id,posted_at,key,kind,order_kind,order_id,merchant_id,account,debit,credit,currency\n");
        foreach (var e in entries)
        {
            foreach (var p in e.Postings.OrderBy(p => p.Id))
            {
                csv.Append(CultureInfo.InvariantCulture, $"{e.Id},{e.PostedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ},{Csv(e.IdempotencyKey)},{e.Kind},{e.OrderKind},{Csv(e.OrderId)},{Csv(e.MerchantId)},{Csv(p.AccountId)},")
                    .Append(CultureInfo.InvariantCulture, $"{Math.Max(p.Amount, 0)},{Math.Max(-p.Amount, 0)},{p.Currency}\n");
            }
        }

        return TypedResults.Text(csv.ToString(), "text/csv; charset=utf-8");
    }

    /// <summary>A CSV field: quoted when it holds a comma, quote or line break, and never read as a formula by a spreadsheet.</summary>
    private static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return text.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }

    private static async Task<Results<Ok<BackfillView>, ProblemHttpResult>> BackfillAsync(int? max, SluiceDbContext db, LedgerBackfill backfill, CancellationToken ct) =>
        max is < 1 or > 1000
            ? Problems.Validation(UnifiedCode.InvalidField, "max", "max is 1 to 1000.")
            : TypedResults.Ok(await backfill.RunAsync(db, max ?? 200, ct));

    private static async Task<Ok<LedgerCheckView>> CheckAsync(SluiceDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await LedgerCheck.RunAsync(db, ct));

    private static async Task<Results<Ok<MerchantLedgerSettingsView>, ProblemHttpResult>> GetSettingsAsync(
        string merchantId, SluiceDbContext db, LedgerPostings postings, CancellationToken ct) =>
        await db.Merchants.AsNoTracking().AnyAsync(m => m.Id == merchantId, ct)
            ? TypedResults.Ok(ToView(await postings.SettingsAsync(db, merchantId, ct)))
            : Problems.Of(StatusCodes.Status404NotFound, UnifiedCode.NotFound, "No merchant with that id.");

    private static async Task<Results<Ok<MerchantLedgerSettingsView>, ProblemHttpResult>> PutSettingsAsync(
        string merchantId, MerchantLedgerSettingsRequest? r, SluiceDbContext db, LedgerPostings postings, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Merchants.AsNoTracking().AnyAsync(m => m.Id == merchantId, ct))
        {
            return Problems.Of(StatusCodes.Status404NotFound, UnifiedCode.NotFound, "No merchant with that id.");
        }

        if (r?.FeeRatePpm is < 0 or > 1_000_000)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "fee_rate_ppm", "fee_rate_ppm is 0 to 1000000 (parts per million).");
        }

        if (r?.SettlementDelayDays is < 0 or > 365)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "settlement_delay_days", "settlement_delay_days is 0 to 365.");
        }

        if (r?.NegativeBalanceLimit is < 0)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "negative_balance_limit", "negative_balance_limit is 0 or more minor units.");
        }

        if (r?.TimeZone is { } zone && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "time_zone", "time_zone is an IANA time zone, e.g. Asia/Shanghai.");
        }

        var current = await postings.SettingsAsync(db, merchantId, ct);
        var stored = await db.MerchantLedgerSettings.FirstOrDefaultAsync(s => s.MerchantId == merchantId, ct);
        var old = stored is null ? null : ToView(stored);
        if (stored is null)
        {
            stored = new MerchantLedgerSettings { MerchantId = merchantId };
            db.MerchantLedgerSettings.Add(stored);
        }

        stored.FeeRatePpm = r?.FeeRatePpm ?? current.FeeRatePpm;
        stored.SettlementDelayDays = r?.SettlementDelayDays ?? current.SettlementDelayDays;
        stored.TimeZone = r?.TimeZone ?? current.TimeZone;
        stored.NegativeBalanceLimit = r?.NegativeBalanceLimit ?? current.NegativeBalanceLimit;
        stored.UpdatedAt = clock.GetUtcNow();
        AuditLog.Add(db, clock, user, "update", "merchant_ledger_settings", merchantId, old, ToView(stored));
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ToView(stored));
    }

    private static async Task<Results<Ok<MerchantFeeRateView>, ProblemHttpResult>> PutFeeRateAsync(
        string merchantId, string paymentMethod, MerchantFeeRateRequest? r, SluiceDbContext db, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (r?.RatePpm is not (>= 0 and <= 1_000_000))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "rate_ppm", "rate_ppm is 0 to 1000000 (parts per million).");
        }

        if (!await db.Merchants.AsNoTracking().AnyAsync(m => m.Id == merchantId, ct) || !await db.PaymentMethods.AsNoTracking().AnyAsync(m => m.Code == paymentMethod, ct))
        {
            return Problems.Of(StatusCodes.Status404NotFound, UnifiedCode.NotFound, "No merchant or payment method with that id.");
        }

        var rate = await db.MerchantFeeRates.FirstOrDefaultAsync(x => x.MerchantId == merchantId && x.PaymentMethod == paymentMethod, ct);
        var old = rate is null ? null : new MerchantFeeRateView(merchantId, paymentMethod, rate.RatePpm);
        if (rate is null)
        {
            rate = new MerchantFeeRate { MerchantId = merchantId, PaymentMethod = paymentMethod };
            db.MerchantFeeRates.Add(rate);
        }

        rate.RatePpm = r.RatePpm.Value;
        var view = new MerchantFeeRateView(merchantId, paymentMethod, rate.RatePpm);
        AuditLog.Add(db, clock, user, "update", "merchant_fee_rate", merchantId + "/" + paymentMethod, old, view);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(view);
    }

    private static bool TryInstant(string? text, out DateTimeOffset? value)
    {
        value = null;
        if (text is null)
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            value = parsed.ToUniversalTime();
            return true;
        }

        return false;
    }

    private static LedgerAccountView ToView(LedgerAccount a) =>
        new(a.Id, LedgerAccount.WireName(a.Type), a.OwnerId, a.Currency, LedgerAccount.IsDebitNormal(a.Type) ? "debit" : "credit", a.Natural);

    private static JournalEntryView ToView(JournalEntry e) =>
        new(e.Id, e.IdempotencyKey, e.Kind, e.OrderKind, e.OrderId, e.MerchantId, e.Currency, e.Memo, e.PostedAt,
            e.Postings.OrderBy(p => p.Id).Select(p => new PostingView(p.AccountId, p.Amount)).ToList());

    private static MerchantLedgerSettingsView ToView(MerchantLedgerSettings s) =>
        new(s.MerchantId, s.FeeRatePpm, s.SettlementDelayDays, s.TimeZone, s.NegativeBalanceLimit);
}

/// <summary>The check command: every stored balance recomputed from the journal.</summary>
public static class LedgerCheck
{
    public static async Task<LedgerCheckView> RunAsync(SluiceDbContext db, CancellationToken ct)
    {
        var sums = await db.JournalPostings.AsNoTracking().GroupBy(p => p.AccountId)
            .Select(g => new { Account = g.Key, Sum = g.Sum(p => p.Amount) }).ToDictionaryAsync(x => x.Account, x => x.Sum, ct);
        var accounts = await db.LedgerAccounts.AsNoTracking().OrderBy(a => a.Id).ToListAsync(ct);
        var differences = accounts
            .Select(a => new BalanceDifferenceView(a.Id, a.Balance, sums.GetValueOrDefault(a.Id)))
            .Where(d => d.Stored != d.FromJournal)
            .ToList();
        return new LedgerCheckView(differences.Count == 0, accounts.Count, differences);
    }
}
