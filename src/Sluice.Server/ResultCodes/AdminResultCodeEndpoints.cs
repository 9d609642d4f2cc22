using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Auth;
using Sluice.Server.Channels;

namespace Sluice.Server.ResultCodes;

/// <summary>A rule as operators see it: <c>flow</c> and <c>raw_sub_code</c> null mean "any".</summary>
public sealed record ResultCodeRuleView(
    string Protocol,
    string? Flow,
    string RawCode,
    string? RawSubCode,
    string UnifiedCode,
    string Effect,
    bool Retryable,
    string MessageEn,
    string MessageZh,
    string Source)
{
    public static ResultCodeRuleView Of(string protocol, ResultCodeRule r, ResultCodeSource source) => new(
        protocol, r.Flow is { } f ? ChannelFlows.Name(f) : null, r.RawCode, r.RawSubCode, r.UnifiedCode, EffectName(r.Effect), r.Retryable,
        r.MessageEn, r.MessageZh, source == ResultCodeSource.Override ? "override" : "default");

    public static string EffectName(ChannelOutcome effect) => effect.ToString().ToLowerInvariant();
}

/// <summary>Body of <c>PUT /admin/api/result-codes/overrides</c>: one rule, keyed by protocol, flow, raw code and sub-code.</summary>
public sealed record ResultCodeOverrideRequest(
    string? Protocol,
    string? Flow,
    string? RawCode,
    string? RawSubCode,
    string? UnifiedCode,
    string? Effect,
    bool? Retryable,
    string? MessageEn,
    string? MessageZh);

public sealed record UnmappedResultCodeView(
    string Protocol, string Flow, string RawCode, string? RawSubCode, long Count, DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, string? SampleMessage);

/// <summary>
/// Admin API for result codes: the merged map (defaults and overrides), operators' overrides (validated completely before
/// anything is written, audited with old and new value, committed with an increment of the catalog version so every node
/// picks them up within about a second), and the raw codes no rule maps yet, with their counts.
/// </summary>
public static partial class AdminResultCodeEndpoints
{
    public const int MaxCodeLength = 128;
    public const int MaxMessageLength = 512;

    public static void MapAdminResultCodeEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("/result-codes").WithTags("Admin: result codes");
        admin.MapGet("/", ListAsync).WithSummary("Every protocol's result codes: defaults merged with overrides, each marked with its source");
        admin.MapPut("/overrides", PutOverrideAsync).WithSummary("Create or replace one override, by protocol, flow, raw code and raw sub-code");
        admin.MapDelete("/overrides", DeleteOverrideAsync).WithSummary("Remove one override (the default applies again)");
        admin.MapGet("/vocabulary", () => TypedResults.Ok(UnifiedResultCodes.All.OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => new { code = c.Key, meaning = c.Value })))
            .WithSummary("The unified result codes merchants may see, with their meaning");
        admin.MapGet("/unmapped", ListUnmappedAsync).WithSummary("Raw codes no rule maps, with how often they were seen, newest first");
    }

    private static async Task<Results<Ok<List<ResultCodeRuleView>>, ProblemHttpResult>> ListAsync(
        [FromQuery] string? protocol, ResultCodeMap map, SluiceDbContext db, CancellationToken ct)
    {
        if (protocol is not null && !map.Knows(protocol))
        {
            return UnknownProtocol(map);
        }

        var overrides = await db.ResultCodeOverrides.AsNoTracking().Where(o => protocol == null || o.Protocol == protocol).ToListAsync(ct);
        var views = new List<ResultCodeRuleView>();
        foreach (var p in protocol is null ? map.Protocols : [protocol])
        {
            var own = new ResultCodeTable(overrides.Where(o => o.Protocol == p).Select(o => o.ToRule()));
            views.AddRange(own.Rules.Select(r => ResultCodeRuleView.Of(p, r, ResultCodeSource.Override)));
            views.AddRange(map.DefaultsFor(p).Rules.Where(r => !own.Contains(r)).Select(r => ResultCodeRuleView.Of(p, r, ResultCodeSource.Default)));
        }

        return TypedResults.Ok(views
            .OrderBy(v => v.Protocol, StringComparer.Ordinal)
            .ThenBy(v => v.RawCode, StringComparer.Ordinal)
            .ThenBy(v => v.Flow ?? "", StringComparer.Ordinal)
            .ThenBy(v => v.RawSubCode ?? "", StringComparer.Ordinal)
            .ToList());
    }

    private static async Task<Results<Ok<ResultCodeRuleView>, ProblemHttpResult>> PutOverrideAsync(
        ResultCodeOverrideRequest? r, ResultCodeMap map, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (r is null)
        {
            return Problems.Of(400, UnifiedCode.MalformedJson, "The request needs a JSON object body.");
        }

        if (ValidateKey(r.Protocol, r.Flow, r.RawCode, r.RawSubCode, map) is { } badKey)
        {
            return badKey;
        }

        if (string.IsNullOrWhiteSpace(r.UnifiedCode))
        {
            return Missing("unified_code");
        }

        if (!UnifiedCodePattern().IsMatch(r.UnifiedCode))
        {
            return Invalid("unified_code", "unified_code must be 2-64 characters of lower-case letters, digits and '_', starting with a letter.");
        }

        if (!UnifiedResultCodes.IsKnown(r.UnifiedCode))
        {
            // Merchants switch on unified codes: an override picks one of the documented vocabulary, never invents one.
            return Invalid("unified_code", "unified_code must be one of the unified result codes (GET /admin/api/result-codes/vocabulary).");
        }

        if (string.IsNullOrWhiteSpace(r.Effect))
        {
            return Missing("effect");
        }

        var effect = EffectOf(r.Effect);
        if (effect is null)
        {
            return Invalid("effect", "effect must be succeeded, failed, pending or unknown.");
        }

        if ((ValidateMessage("message_en", r.MessageEn) ?? ValidateMessage("message_zh", r.MessageZh)) is { } badMessage)
        {
            return badMessage;
        }

        var key = Key(r.Flow, r.RawSubCode);
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // The catalog version's row is updated first: it serialises override writers and tells every node to reload.
        await ChannelCatalog.IncrementVersionAsync(db, ct);
        var row = await db.ResultCodeOverrides.FirstOrDefaultAsync(
            o => o.Protocol == r.Protocol && o.Flow == key.Flow && o.RawCode == r.RawCode && o.RawSubCode == key.Sub, ct);
        var before = row is null ? null : ResultCodeRuleView.Of(row.Protocol, row.ToRule(), ResultCodeSource.Override);
        if (row is null)
        {
            row = new ResultCodeOverride
            {
                Protocol = r.Protocol!, Flow = key.Flow, RawCode = r.RawCode!, RawSubCode = key.Sub,
                UnifiedCode = "", MessageEn = "", MessageZh = "", CreatedAt = now,
            };
            db.ResultCodeOverrides.Add(row);
        }

        row.UnifiedCode = r.UnifiedCode;
        row.Effect = effect.Value;
        row.Retryable = r.Retryable ?? false;
        row.MessageEn = r.MessageEn!.Trim();
        row.MessageZh = r.MessageZh!.Trim();
        row.UpdatedAt = now;
        var after = ResultCodeRuleView.Of(row.Protocol, row.ToRule(), ResultCodeSource.Override);
        AuditLog.Add(db, clock, user, before is null ? "create" : "update", AuditType, AuditId(row), before, after);
        if (await CommitAsync(db, tx, catalog, ct) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Ok(after);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteOverrideAsync(
        [FromQuery] string? protocol,
        [FromQuery] string? flow,
        [FromQuery(Name = "raw_code")] string? rawCode,
        [FromQuery(Name = "raw_sub_code")] string? rawSubCode,
        ResultCodeMap map,
        SluiceDbContext db,
        ChannelCatalog catalog,
        TimeProvider clock,
        ClaimsPrincipal user,
        CancellationToken ct)
    {
        if (ValidateKey(protocol, flow, rawCode, rawSubCode, map) is { } badKey)
        {
            return badKey;
        }

        var key = Key(flow, rawSubCode);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await ChannelCatalog.IncrementVersionAsync(db, ct);
        var row = await db.ResultCodeOverrides.FirstOrDefaultAsync(
            o => o.Protocol == protocol && o.Flow == key.Flow && o.RawCode == rawCode && o.RawSubCode == key.Sub, ct);
        if (row is null)
        {
            return Problems.Of(404, UnifiedCode.NotFound, "There is no override with that protocol, flow, raw_code and raw_sub_code.");
        }

        db.ResultCodeOverrides.Remove(row);
        AuditLog.Add(db, clock, user, "delete", AuditType, AuditId(row), ResultCodeRuleView.Of(row.Protocol, row.ToRule(), ResultCodeSource.Override), null);
        return await CommitAsync(db, tx, catalog, ct) is { } conflict ? conflict : TypedResults.NoContent();
    }

    private static async Task<Results<Ok<List<UnmappedResultCodeView>>, ProblemHttpResult>> ListUnmappedAsync(
        [FromQuery] string? protocol, ResultCodeMap map, SluiceDbContext db, CancellationToken ct)
    {
        if (protocol is not null && !map.Knows(protocol))
        {
            return UnknownProtocol(map);
        }

        var rows = await db.UnmappedResultCodes.AsNoTracking()
            .Where(u => protocol == null || u.Protocol == protocol)
            .OrderByDescending(u => u.LastSeenAt)
            .Take(500)
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(u => new UnmappedResultCodeView(
            u.Protocol, u.Flow, u.RawCode, u.RawSubCode.Length == 0 ? null : u.RawSubCode, u.Count, u.FirstSeenAt, u.LastSeenAt, u.SampleMessage)).ToList());
    }

    public const string AuditType = "result_code_override";

    /// <summary>The override's key as one string, <c>*</c> standing for "any": <c>sandbox/pay/SYSTEM_BUSY/*</c>.</summary>
    public static string AuditId(ResultCodeOverride o) =>
        $"{o.Protocol}/{(o.Flow.Length == 0 ? "*" : o.Flow)}/{o.RawCode}/{(o.RawSubCode.Length == 0 ? "*" : o.RawSubCode)}";

    private static (string Flow, string Sub) Key(string? flow, string? sub) => (flow ?? ResultCodeOverride.Any, sub ?? ResultCodeOverride.Any);

    private static ProblemHttpResult? ValidateKey(string? protocol, string? flow, string? rawCode, string? rawSubCode, ResultCodeMap map)
    {
        if (string.IsNullOrWhiteSpace(protocol))
        {
            return Missing("protocol");
        }

        if (!map.Knows(protocol))
        {
            return UnknownProtocol(map);
        }

        if (flow is not null && !ChannelFlows.TryParse(flow, out _))
        {
            return Invalid("flow", $"flow must be null (any flow) or one of: {string.Join(", ", ChannelFlows.All)}.");
        }

        if (string.IsNullOrWhiteSpace(rawCode))
        {
            return Missing("raw_code");
        }

        if (rawCode.Length > MaxCodeLength || rawCode.Trim() != rawCode)
        {
            return Invalid("raw_code", $"raw_code must be at most {MaxCodeLength} characters without surrounding spaces.");
        }

        if (rawSubCode is not null && (string.IsNullOrWhiteSpace(rawSubCode) || rawSubCode.Length > MaxCodeLength || rawSubCode.Trim() != rawSubCode))
        {
            return Invalid("raw_sub_code", $"raw_sub_code must be null (any sub-code) or 1-{MaxCodeLength} characters without surrounding spaces.");
        }

        return null;
    }

    private static ProblemHttpResult? ValidateMessage(string field, string? message) =>
        string.IsNullOrWhiteSpace(message) ? Missing(field)
        : message.Length > MaxMessageLength ? Invalid(field, $"{field} must be at most {MaxMessageLength} characters.")
        : null;

    private static ChannelOutcome? EffectOf(string value) => value switch
    {
        "succeeded" => ChannelOutcome.Succeeded,
        "failed" => ChannelOutcome.Failed,
        "pending" => ChannelOutcome.Pending,
        "unknown" => ChannelOutcome.Unknown,
        _ => null,
    };

    private static async Task<ProblemHttpResult?> CommitAsync(
        SluiceDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, ChannelCatalog catalog, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || SluiceDatabase.IsUniqueViolation(ex))
        {
            return Problems.Conflict(UnifiedCode.ConcurrentModification, "Someone else changed this override at the same moment; read it again and retry.");
        }

        await catalog.RefreshAsync(ct);
        return null;
    }

    private static ProblemHttpResult UnknownProtocol(ResultCodeMap map) =>
        Invalid("protocol", $"protocol must be one of: {string.Join(", ", map.Protocols)}.");

    private static ProblemHttpResult Missing(string field) => Problems.Validation(UnifiedCode.MissingField, field, $"{field} is required.");

    private static ProblemHttpResult Invalid(string field, string detail) => Problems.Validation(UnifiedCode.InvalidField, field, detail);

    [GeneratedRegex("^[a-z][a-z0-9_]{1,63}$")]
    private static partial Regex UnifiedCodePattern();
}
