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
using static Sluice.Server.Channels.AdminCatalogEndpoints;

namespace Sluice.Server.Channels;

/// <summary>Admin API for channels: create, read, replace at the version read, and status (<c>/admin/api/channels</c>).</summary>
public static partial class AdminChannelEndpoints
{
    public static readonly IReadOnlySet<string> Environments = new HashSet<string>(StringComparer.Ordinal) { "h5", "wechat_mini_program", "app_sdk", "pc_web", "pos" };

    public const int MaxWeight = 10_000;

    public static void MapAdminChannelEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("").WithTags("Admin: channels");
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
    }

    private static async Task<Results<Ok<ChannelView>, ProblemHttpResult>> GetChannelAsync(string code, SluiceDbContext db, CancellationToken ct)
    {
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, ct);
        return channel is null
            ? Problems.NotFound("channel")
            : TypedResults.Ok(ChannelView.Of(channel, await db.ChannelMethodFees.AsNoTracking().Where(f => f.ChannelCode == code).ToListAsync(ct)));
    }

    private static async Task<Results<Created<ChannelView>, ProblemHttpResult>> CreateChannelAsync(
        ChannelRequest? r, SluiceDbContext db, ChannelCatalog catalog, ChannelAdapterRegistry adapters, TimeProvider clock, ClaimsPrincipal user,
        CancellationToken ct)
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

        var (fields, problem) = await ValidateChannelAsync(r, db, adapters, ct);
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
        string code, ChannelRequest? r, SluiceDbContext db, ChannelCatalog catalog, ChannelAdapterRegistry adapters, TimeProvider clock,
        ClaimsPrincipal user, CancellationToken ct)
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

        var (fields, problem) = await ValidateChannelAsync(r, db, adapters, ct);
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
        ChannelRequest r, SluiceDbContext db, ChannelAdapterRegistry adapters, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r.InstitutionName) || r.InstitutionName.Length > 128)
        {
            return (null, Problems.Validation(UnifiedCode.MissingField, "institution_name", "institution_name is required (at most 128 characters)."));
        }

        if (CatalogText.BusinessType(r.BusinessType) is not { } businessType)
        {
            return (null, Invalid("business_type", "business_type must be payment, refund or withdrawal."));
        }

        if (r.Protocol is null || !adapters.Protocols.Contains(r.Protocol))
        {
            return (null, Invalid("protocol", $"protocol must be one of: {string.Join(", ", adapters.Protocols.Order(StringComparer.Ordinal))}."));
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

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{1,63}$")]
    private static partial Regex ChannelCodePattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex ProductCodePattern();
}
