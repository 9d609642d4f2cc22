using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Money;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using static Sluice.Server.Channels.AdminCatalogEndpoints;

namespace Sluice.Server.Channels;

/// <summary>Admin API for the banks a channel takes, per card type, with their limits (<c>/admin/api/channels/{code}/banks</c>).</summary>
public static partial class AdminChannelBankEndpoints
{
    public static void MapAdminChannelBankEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("").WithTags("Admin: channels");
        admin.MapGet("/channels/{code}/banks", ListBanksAsync);
        admin.MapPut("/channels/{code}/banks/{bankCode}/{cardType}", PutBankAsync);
        admin.MapDelete("/channels/{code}/banks/{bankCode}/{cardType}", DeleteBankAsync);
    }

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

    [GeneratedRegex("^[A-Z0-9]{2,16}$")]
    private static partial Regex BankCodePattern();
}
