using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Money;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Auth;

namespace Sluice.Server.Channels;

/// <summary>
/// Admin API for channel information: payment methods, channels, status, maintenance windows and bank mappings. Every
/// request is validated completely before anything is written; every change is audited with its old and new value and
/// commits together with an increment of the catalog version, which every node watches to reload its snapshot.
/// </summary>
public static partial class AdminCatalogEndpoints
{
    public static readonly IReadOnlySet<string> Environments = new HashSet<string>(StringComparer.Ordinal) { "h5", "wechat_mini_program", "app_sdk", "pc_web", "pos" };

    public const int MaxWeight = 10_000;

    public static void MapAdminCatalogEndpoints(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/api").RequireAuthorization(SluiceAuth.AdminPolicy).WithTags("Admin: channels");

        admin.MapGet("/payment-methods", async (SluiceDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.PaymentMethods.AsNoTracking().OrderBy(m => m.Code).ToListAsync(ct)).Select(PaymentMethodView.Of).ToList()));
        admin.MapPost("/payment-methods", CreateMethodAsync);
        admin.MapPut("/payment-methods/{code}", UpdateMethodAsync);

        admin.MapGet("/channels", async (SluiceDbContext db, CancellationToken ct) =>
        {
            var channels = await db.Channels.AsNoTracking().OrderBy(c => c.Code).ToListAsync(ct);
            var fees = (await db.ChannelMethodFees.AsNoTracking().ToListAsync(ct)).ToLookup(f => f.ChannelCode, StringComparer.Ordinal);
            return TypedResults.Ok(channels.Select(c => ChannelView.Of(c, fees[c.Code])).ToList());
        });
        admin.MapGet("/channels/{code}", GetChannelAsync);
        admin.MapPost("/channels", CreateChannelAsync);
        admin.MapPut("/channels/{code}", UpdateChannelAsync);
        admin.MapPut("/channels/{code}/status", SetStatusAsync);

        admin.MapGet("/channels/{code}/maintenance-windows", ListWindowsAsync);
        admin.MapPost("/channels/{code}/maintenance-windows", AddWindowAsync);
        admin.MapDelete("/channels/{code}/maintenance-windows/{id}", DeleteWindowAsync);

        admin.MapGet("/channels/{code}/banks", ListBanksAsync);
        admin.MapPut("/channels/{code}/banks/{bankCode}/{cardType}", PutBankAsync);
        admin.MapDelete("/channels/{code}/banks/{bankCode}/{cardType}", DeleteBankAsync);

        admin.MapGet("/catalog", async (ChannelCatalog catalog, CancellationToken ct) =>
        {
            var s = await catalog.GetAsync(ct);
            return TypedResults.Ok(new CatalogStateView(s.Version, s.Channels.Length, s.Methods.Count, s.Channels.Where(c => c.IsOnline).Select(c => c.Code).ToList()));
        });
    }

    // ---- payment methods ----

    private static async Task<Results<Created<PaymentMethodView>, ProblemHttpResult>> CreateMethodAsync(
        CreatePaymentMethodRequest? r, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r?.Code))
        {
            return Missing("code");
        }

        if (!MethodCodePattern().IsMatch(r.Code))
        {
            return Invalid("code", "code must be 2-40 characters of lower-case letters, digits and '_', starting with a letter.");
        }

        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > 128)
        {
            return Problems.Validation(UnifiedCode.MissingField, "name", "name is required (at most 128 characters).");
        }

        if (CatalogText.MethodKind(r.Kind ?? "payment") is not { } kind)
        {
            return Invalid("kind", "kind must be payment or withdrawal.");
        }

        if (await db.PaymentMethods.AnyAsync(m => m.Code == r.Code, ct))
        {
            return Problems.Conflict(UnifiedCode.AlreadyExists, $"Payment method '{r.Code}' already exists.");
        }

        var now = clock.GetUtcNow();
        var method = new PaymentMethodDefinition { Code = r.Code, Name = r.Name.Trim(), Kind = kind, CreatedAt = now, UpdatedAt = now };
        db.PaymentMethods.Add(method);
        AuditLog.Add(db, clock, user, "create", "payment_method", method.Code, null, PaymentMethodView.Of(method));
        if (await CommitAsync(db, catalog, ct) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Created($"/admin/api/payment-methods/{method.Code}", PaymentMethodView.Of(method));
    }

    private static async Task<Results<Ok<PaymentMethodView>, ProblemHttpResult>> UpdateMethodAsync(
        string code, UpdatePaymentMethodRequest? r, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var method = await db.PaymentMethods.FirstOrDefaultAsync(m => m.Code == code, ct);
        if (method is null)
        {
            return Problems.NotFound("payment method");
        }

        if (r?.Version is not { } version)
        {
            return Missing("version");
        }

        if (r.Name is not null && (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > 128))
        {
            return Invalid("name", "name must be 1-128 characters.");
        }

        if (version != method.Version)
        {
            return Stale("payment method", method.Version);
        }

        var before = PaymentMethodView.Of(method);
        method.Name = r.Name?.Trim() ?? method.Name;
        method.Enabled = r.Enabled ?? method.Enabled;
        method.Version++;
        method.UpdatedAt = clock.GetUtcNow();
        AuditLog.Add(db, clock, user, "update", "payment_method", method.Code, before, PaymentMethodView.Of(method));
        return await CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.Ok(PaymentMethodView.Of(method));
    }

    // ---- channels ----

    private static async Task<Results<Ok<ChannelView>, ProblemHttpResult>> GetChannelAsync(string code, SluiceDbContext db, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
        return channel is null
            ? Problems.NotFound("channel")
            : TypedResults.Ok(ChannelView.Of(channel, await db.ChannelMethodFees.AsNoTracking().Where(f => f.ChannelCode == code).ToListAsync(ct)));
    }

    private static async Task<Results<Created<ChannelView>, ProblemHttpResult>> CreateChannelAsync(
        ChannelRequest? r, SluiceDbContext db, ChannelCatalog catalog, ChannelAdapterRegistry channels, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r?.Code))
        {
            return Missing("code");
        }

        if (!ChannelCodePattern().IsMatch(r.Code))
        {
            return Invalid("code", "code must be 2-64 characters of lower-case letters, digits, '_' and '-', starting with a letter or digit.");
        }

        var status = CatalogText.Status(r.Status ?? "offline");
        if (status is null)
        {
            return Invalid("status", "status must be online or offline.");
        }

        var (fields, problem) = await ValidateChannelAsync(r, db, channels.Protocols, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (await db.Channels.AnyAsync(c => c.Code == r.Code, ct))
        {
            return Problems.Conflict(UnifiedCode.AlreadyExists, $"Channel '{r.Code}' already exists.");
        }

        var now = clock.GetUtcNow();
        var channel = new Channel
        {
            Code = r.Code, InstitutionName = "", Protocol = "", PaymentMethods = "", Environments = "", ProductCodes = "", Currencies = "",
            LimitCurrency = "", Status = status.Value, CreatedAt = now,
        };
        Apply(channel, fields!, now);
        db.Channels.Add(channel);
        var fees = fields!.Fees.Select(f => new ChannelMethodFee { ChannelCode = channel.Code, PaymentMethod = f.Key, RatePpm = f.Value }).ToList();
        db.ChannelMethodFees.AddRange(fees);
        var view = ChannelView.Of(channel, fees);
        AuditLog.Add(db, clock, user, "create", "channel", channel.Code, null, view);
        if (await CommitAsync(db, catalog, ct) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Created($"/admin/api/channels/{channel.Code}", view);
    }

    private static async Task<Results<Ok<ChannelView>, ProblemHttpResult>> UpdateChannelAsync(
        string code, ChannelRequest? r, SluiceDbContext db, ChannelCatalog catalog, ChannelAdapterRegistry channels, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Code == code, ct);
        if (channel is null)
        {
            return Problems.NotFound("channel");
        }

        if (r?.Version is not { } version)
        {
            return Missing("version");
        }

        if (r.Code is not null && r.Code != code)
        {
            return Invalid("code", "A channel's code cannot change.");
        }

        if (r.Status is not null)
        {
            return Invalid("status", "Change the status with PUT /admin/api/channels/{code}/status.");
        }

        var (fields, problem) = await ValidateChannelAsync(r, db, channels.Protocols, ct);
        if (problem is not null)
        {
            return problem;
        }

        if (version != channel.Version)
        {
            return Stale("channel", channel.Version);
        }

        var oldFees = await db.ChannelMethodFees.Where(f => f.ChannelCode == code).ToListAsync(ct);
        var before = ChannelView.Of(channel, oldFees);
        Apply(channel, fields!, clock.GetUtcNow());
        channel.Version++;
        db.ChannelMethodFees.RemoveRange(oldFees.Where(f => !fields!.Fees.ContainsKey(f.PaymentMethod)));
        var fees = new List<ChannelMethodFee>();
        foreach (var (method, rate) in fields!.Fees)
        {
            var fee = oldFees.FirstOrDefault(f => f.PaymentMethod == method);
            if (fee is null)
            {
                fee = new ChannelMethodFee { ChannelCode = code, PaymentMethod = method, RatePpm = rate };
                db.ChannelMethodFees.Add(fee);
            }

            fee.RatePpm = rate;
            fees.Add(fee);
        }

        var after = ChannelView.Of(channel, fees);
        AuditLog.Add(db, clock, user, "update", "channel", code, before, after);
        return await CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.Ok(after);
    }

    private static async Task<Results<Ok<ChannelView>, ProblemHttpResult>> SetStatusAsync(
        string code, ChannelStatusRequest? r, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var channel = await db.Channels.FirstOrDefaultAsync(c => c.Code == code, ct);
        if (channel is null)
        {
            return Problems.NotFound("channel");
        }

        if (CatalogText.Status(r?.Status) is not { } status)
        {
            return Invalid("status", "status must be online or offline.");
        }

        if (r!.Version is { } version && version != channel.Version)
        {
            return Stale("channel", channel.Version);
        }

        var fees = await db.ChannelMethodFees.AsNoTracking().Where(f => f.ChannelCode == code).ToListAsync(ct);
        var before = ChannelView.Of(channel, fees);
        channel.Status = status;
        channel.Version++;
        channel.UpdatedAt = clock.GetUtcNow();
        var after = ChannelView.Of(channel, fees);
        AuditLog.Add(db, clock, user, "set_status", "channel", code, before, after);
        return await CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.Ok(after);
    }

    private sealed record ChannelFields(
        string InstitutionName, ChannelBusinessType BusinessType, string Protocol, IReadOnlyList<string> Methods, IReadOnlyList<string> Environments,
        IReadOnlyList<string> ProductCodes, IReadOnlyList<string> Currencies, IReadOnlyDictionary<string, int> Fees, int Weight, string LimitCurrency,
        long SingleMin, long SingleMax, long? DailyLimit);

    private static void Apply(Channel c, ChannelFields f, DateTimeOffset now)
    {
        c.InstitutionName = f.InstitutionName;
        c.BusinessType = f.BusinessType;
        c.Protocol = f.Protocol;
        c.PaymentMethods = string.Join(',', f.Methods);
        c.Environments = string.Join(',', f.Environments);
        c.ProductCodes = string.Join(',', f.ProductCodes);
        c.Currencies = string.Join(',', f.Currencies);
        c.Weight = f.Weight;
        c.LimitCurrency = f.LimitCurrency;
        c.SingleMinMinor = f.SingleMin;
        c.SingleMaxMinor = f.SingleMax;
        c.DailyLimitMinor = f.DailyLimit;
        c.UpdatedAt = now;
    }

    private static async Task<(ChannelFields? Fields, ProblemHttpResult? Problem)> ValidateChannelAsync(
        ChannelRequest r, SluiceDbContext db, IReadOnlyList<string> protocols, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r.InstitutionName) || r.InstitutionName.Length > 128)
        {
            return (null, Problems.Validation(UnifiedCode.MissingField, "institution_name", "institution_name is required (at most 128 characters)."));
        }

        if (CatalogText.BusinessType(r.BusinessType) is not { } businessType)
        {
            return (null, Invalid("business_type", "business_type must be payment, refund or withdrawal."));
        }

        if (r.Protocol is null || !protocols.Contains(r.Protocol))
        {
            return (null, Invalid("protocol", $"protocol must be one of: {string.Join(", ", protocols.Order(StringComparer.Ordinal))}."));
        }

        if (r.PaymentMethods is not { Count: > 0 })
        {
            return (null, Missing("payment_methods"));
        }

        var methods = r.PaymentMethods.Distinct(StringComparer.Ordinal).ToList();
        var known = await db.PaymentMethods.AsNoTracking().Where(m => methods.Contains(m.Code)).ToDictionaryAsync(m => m.Code, m => m.Kind, StringComparer.Ordinal, ct);
        if (methods.FirstOrDefault(m => !known.ContainsKey(m)) is { } unknown)
        {
            return (null, Invalid("payment_methods", $"'{Truncate(unknown)}' is not a defined payment method."));
        }

        var wantedKind = businessType == ChannelBusinessType.Withdrawal ? PaymentMethodKind.Withdrawal : PaymentMethodKind.Payment;
        if (methods.FirstOrDefault(m => known[m] != wantedKind) is { } wrongKind)
        {
            return (null, Invalid("payment_methods", $"'{wrongKind}' is not a {CatalogText.Of(wantedKind)} method, so a {CatalogText.Of(businessType)} channel cannot take it."));
        }

        var environments = (r.Environments ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (environments.FirstOrDefault(e => !Environments.Contains(e)) is { } badEnv)
        {
            return (null, Invalid("environments", $"'{Truncate(badEnv)}' is not a payment environment; use: {string.Join(", ", Environments.Order(StringComparer.Ordinal))}."));
        }

        var products = (r.ProductCodes ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (products.Count > 32 || products.Any(p => !ProductCodePattern().IsMatch(p)))
        {
            return (null, Invalid("product_codes", "product_codes holds at most 32 codes of 1-64 letters, digits, '_', '.' or '-'."));
        }

        if (r.Currencies is not { Count: > 0 })
        {
            return (null, Missing("currencies"));
        }

        var currencies = r.Currencies.Distinct(StringComparer.Ordinal).ToList();
        if (currencies.FirstOrDefault(c => !Currency.TryGet(c, out _)) is { } badCurrency)
        {
            return (null, Problems.Validation(UnifiedCode.UnsupportedCurrency, "currencies", $"'{Truncate(badCurrency)}' is not a supported ISO 4217 currency code."));
        }

        var limitCurrency = r.LimitCurrency ?? currencies[0];
        if (!currencies.Contains(limitCurrency, StringComparer.Ordinal))
        {
            return (null, Problems.Validation(UnifiedCode.UnsupportedCurrency, "limit_currency", "limit_currency must be one of the channel's currencies."));
        }

        var fees = r.FeeRatePpm ?? [];
        if (fees.Keys.FirstOrDefault(m => !methods.Contains(m, StringComparer.Ordinal)) is { } feeMethod)
        {
            return (null, Invalid("fee_rate_ppm", $"'{Truncate(feeMethod)}' is not one of the channel's payment methods."));
        }

        if (fees.FirstOrDefault(f => f.Value is < 0 or > ChannelMethodFee.MaxRatePpm) is { Key: not null } badFee)
        {
            return (null, Invalid("fee_rate_ppm", $"The fee rate for '{badFee.Key}' must be 0-{ChannelMethodFee.MaxRatePpm} parts per million (6000 = 0.6%)."));
        }

        var weight = r.Weight ?? 100;
        if (weight is < 0 or > MaxWeight)
        {
            return (null, Invalid("weight", $"weight must be 0-{MaxWeight}."));
        }

        if (r.SingleMin is not { } min || r.SingleMax is not { } max)
        {
            return (null, Missing(r.SingleMin is null ? "single_min" : "single_max"));
        }

        if (min < 0 || max <= 0 || max > MoneyAmount.MaxMinorUnits)
        {
            return (null, Problems.Validation(UnifiedCode.InvalidAmount, min < 0 ? "single_min" : "single_max",
                $"single_min must be 0 or more and single_max 1-{MoneyAmount.MaxMinorUnits} minor units."));
        }

        if (min > max)
        {
            return (null, Problems.Validation(UnifiedCode.InvalidAmount, "single_min", "single_min must not be greater than single_max."));
        }

        if (r.DailyLimit is { } daily && (daily <= 0 || daily > MoneyAmount.MaxMinorUnits * 1000))
        {
            return (null, Problems.Validation(UnifiedCode.InvalidAmount, "daily_limit", "daily_limit must be a positive number of minor units (or null for none)."));
        }

        return (new ChannelFields(
            r.InstitutionName.Trim(), businessType, r.Protocol, methods, environments, products, currencies,
            new SortedDictionary<string, int>(fees, StringComparer.Ordinal), weight, limitCurrency, min, max, r.DailyLimit), null);
    }

    // ---- maintenance windows ----

    private static async Task<Results<Ok<List<MaintenanceWindowView>>, ProblemHttpResult>> ListWindowsAsync(string code, SluiceDbContext db, CancellationToken ct)
    {
        if (!await db.Channels.AnyAsync(c => c.Code == code, ct))
        {
            return Problems.NotFound("channel");
        }

        var windows = await db.MaintenanceWindows.AsNoTracking().Where(w => w.ChannelCode == code).OrderBy(w => w.Id).ToListAsync(ct);
        return TypedResults.Ok(windows.Select(MaintenanceWindowView.Of).ToList());
    }

    private static async Task<Results<Created<MaintenanceWindowView>, ProblemHttpResult>> AddWindowAsync(
        string code, MaintenanceWindowRequest? r, SluiceDbContext db, ChannelCatalog catalog, IdGenerator ids, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Channels.AnyAsync(c => c.Code == code, ct))
        {
            return Problems.NotFound("channel");
        }

        if (CatalogText.WindowKind(r?.Kind) is not { } kind)
        {
            return Invalid("kind", "kind must be one_off, daily or weekly.");
        }

        if (r!.Reason is { Length: > 512 })
        {
            return Invalid("reason", "reason must be at most 512 characters.");
        }

        MaintenanceWindow window;
        if (kind == MaintenanceWindowKind.OneOff)
        {
            if (r.StartsAt is not { } starts || r.EndsAt is not { } ends)
            {
                return Missing(r.StartsAt is null ? "starts_at" : "ends_at");
            }

            if (ends <= starts)
            {
                return Invalid("ends_at", "ends_at must be after starts_at.");
            }

            window = new MaintenanceWindow
            {
                Id = ids.Next("mw"), ChannelCode = code, Kind = kind, StartsAt = starts.ToUniversalTime(), EndsAt = ends.ToUniversalTime(),
                Reason = r.Reason, CreatedAt = clock.GetUtcNow(),
            };
        }
        else
        {
            if (string.IsNullOrWhiteSpace(r.TimeZone))
            {
                return Missing("time_zone");
            }

            if (!TimeZoneInfo.TryFindSystemTimeZoneById(r.TimeZone, out _))
            {
                return Invalid("time_zone", $"'{Truncate(r.TimeZone)}' is not a known IANA time zone (e.g. Asia/Shanghai).");
            }

            if (ParseTime(r.LocalStart) is not { } start)
            {
                return Invalid("local_start", "local_start must be a local time of day as HH:mm.");
            }

            if (ParseTime(r.LocalEnd) is not { } end)
            {
                return Invalid("local_end", "local_end must be a local time of day as HH:mm.");
            }

            if (start == end)
            {
                return Invalid("local_end", "local_end must differ from local_start (an end before the start crosses midnight).");
            }

            var mask = 0;
            if (kind == MaintenanceWindowKind.Weekly)
            {
                if (r.Days is not { Count: > 0 })
                {
                    return Missing("days");
                }

                foreach (var day in r.Days)
                {
                    var match = CatalogText.Days.FirstOrDefault(d => d.Key == day);
                    if (match.Key is null)
                    {
                        return Invalid("days", "days must list mon, tue, wed, thu, fri, sat or sun.");
                    }

                    mask |= 1 << (int)match.Value;
                }
            }

            window = new MaintenanceWindow
            {
                Id = ids.Next("mw"), ChannelCode = code, Kind = kind, LocalStart = start, LocalEnd = end, DaysOfWeekMask = mask,
                TimeZoneId = r.TimeZone, Reason = r.Reason, CreatedAt = clock.GetUtcNow(),
            };
        }

        db.MaintenanceWindows.Add(window);
        var view = MaintenanceWindowView.Of(window);
        AuditLog.Add(db, clock, user, "create", "maintenance_window", window.Id, null, view);
        if (await CommitAsync(db, catalog, ct) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Created($"/admin/api/channels/{code}/maintenance-windows/{window.Id}", view);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteWindowAsync(
        string code, string id, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var window = await db.MaintenanceWindows.FirstOrDefaultAsync(w => w.Id == id && w.ChannelCode == code, ct);
        if (window is null)
        {
            return Problems.NotFound("maintenance window");
        }

        db.MaintenanceWindows.Remove(window);
        AuditLog.Add(db, clock, user, "delete", "maintenance_window", window.Id, MaintenanceWindowView.Of(window), null);
        return await CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.NoContent();
    }

    // ---- channel-bank mappings ----

    private static async Task<Results<Ok<List<ChannelBankView>>, ProblemHttpResult>> ListBanksAsync(string code, SluiceDbContext db, CancellationToken ct)
    {
        if (!await db.Channels.AnyAsync(c => c.Code == code, ct))
        {
            return Problems.NotFound("channel");
        }

        var banks = await db.ChannelBanks.AsNoTracking().Where(b => b.ChannelCode == code).ToListAsync(ct);
        return TypedResults.Ok(banks.OrderBy(b => b.BankCode, StringComparer.Ordinal).ThenBy(b => b.CardType).Select(ChannelBankView.Of).ToList());
    }

    private static async Task<Results<Ok<ChannelBankView>, ProblemHttpResult>> PutBankAsync(
        string code, string bankCode, string cardType, ChannelBankRequest? r, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Channels.AnyAsync(c => c.Code == code, ct))
        {
            return Problems.NotFound("channel");
        }

        if (!BankCodePattern().IsMatch(bankCode))
        {
            return Invalid("bank_code", "bank_code must be 2-16 upper-case letters or digits (e.g. ICBC).");
        }

        if (CatalogText.Card(cardType) is not { } card)
        {
            return Invalid("card_type", "card_type must be debit or credit.");
        }

        if (r?.SingleMax is not { } singleMax)
        {
            return Missing("single_max");
        }

        if (singleMax <= 0 || singleMax > MoneyAmount.MaxMinorUnits)
        {
            return Problems.Validation(UnifiedCode.InvalidAmount, "single_max", $"single_max must be 1-{MoneyAmount.MaxMinorUnits} minor units.");
        }

        if (r.DailyLimit is { } daily && (daily <= 0 || daily < singleMax))
        {
            return Problems.Validation(UnifiedCode.InvalidAmount, "daily_limit", "daily_limit must be positive and at least single_max (or null for none).");
        }

        var row = await db.ChannelBanks.FirstOrDefaultAsync(b => b.ChannelCode == code && b.BankCode == bankCode && b.CardType == card, ct);
        var before = row is null ? null : ChannelBankView.Of(row);
        if (row is null)
        {
            row = new ChannelBank { ChannelCode = code, BankCode = bankCode, CardType = card };
            db.ChannelBanks.Add(row);
        }

        row.SingleMaxMinor = singleMax;
        row.DailyLimitMinor = r.DailyLimit;
        row.UpdatedAt = clock.GetUtcNow();
        var after = ChannelBankView.Of(row);
        AuditLog.Add(db, clock, user, before is null ? "create" : "update", "channel_bank", $"{code}:{bankCode}:{cardType}", before, after);
        return await CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.Ok(after);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteBankAsync(
        string code, string bankCode, string cardType, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var card = CatalogText.Card(cardType);
        var row = card is null ? null : await db.ChannelBanks.FirstOrDefaultAsync(b => b.ChannelCode == code && b.BankCode == bankCode && b.CardType == card, ct);
        if (row is null)
        {
            return Problems.NotFound("bank mapping");
        }

        db.ChannelBanks.Remove(row);
        AuditLog.Add(db, clock, user, "delete", "channel_bank", $"{code}:{bankCode}:{cardType}", ChannelBankView.Of(row), null);
        return await CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.NoContent();
    }

    // ---- shared ----

    /// <summary>
    /// Commits the staged change, its audit line and an increment of the catalog version in one transaction (the version
    /// row's update also serialises catalog writers), then reloads this node's snapshot. Null on success.
    /// </summary>
    internal static async Task<ProblemHttpResult?> CommitAsync(SluiceDbContext db, ChannelCatalog catalog, CancellationToken ct)
    {
        try
        {
            await using (var tx = await db.Database.BeginTransactionAsync(ct))
            {
                await ChannelCatalog.IncrementVersionAsync(db, ct);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
        }
        catch (DbUpdateConcurrencyException)
        {
            return Problems.Conflict(UnifiedCode.ConcurrentModification, "Someone else changed this resource first; read it again and retry with its new version.");
        }
        catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
        {
            return Problems.Conflict(UnifiedCode.AlreadyExists, "A resource with that code already exists.");
        }

        await catalog.RefreshAsync(ct);
        return null;
    }

    private static ProblemHttpResult Stale(string what, int current) =>
        Problems.Conflict(UnifiedCode.ConcurrentModification, $"The {what} is at version {current}; read it again and retry with that version.");

    private static ProblemHttpResult Missing(string field) => Problems.Validation(UnifiedCode.MissingField, field, $"{field} is required.");

    private static ProblemHttpResult Invalid(string field, string detail) => Problems.Validation(UnifiedCode.InvalidField, field, detail);

    private static TimeOnly? ParseTime(string? value) =>
        TimeOnly.TryParseExact(value, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : null;

    private static string Truncate(string s) => s.Length > 40 ? s[..40] + "..." : s;

    [GeneratedRegex("^[a-z][a-z0-9_]{1,39}$")]
    private static partial Regex MethodCodePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,63}$")]
    private static partial Regex ChannelCodePattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex ProductCodePattern();

    [GeneratedRegex("^[A-Z0-9]{2,16}$")]
    private static partial Regex BankCodePattern();
}
