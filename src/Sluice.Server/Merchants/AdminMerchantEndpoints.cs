using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Sluice.Common;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Merchants;
using ServiceProvider = Sluice.Merchants.ServiceProvider;
using Sluice.Security;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Payments;

namespace Sluice.Server.Merchants;

public sealed record CreateServiceProviderRequest(string? Name);

public sealed record CreateMerchantRequest(string? ServiceProviderId, string? Name, string? Kind);

public sealed record CreateAppRequest(string? MerchantId, string? Name, string? NotifyUrl);

public sealed record ServiceProviderView(string Id, string Name, DateTimeOffset CreatedAt);

public sealed record MerchantView(string Id, string ServiceProviderId, string Name, string Kind, DateTimeOffset CreatedAt);

public sealed record AppView(string Id, string MerchantId, string Name, string? NotifyUrl, DateTimeOffset CreatedAt, bool RequestSigning = false);

/// <summary>Returned once when request signing is enabled or its secret rotated: only its ciphertext is stored.</summary>
public sealed record RequestSigningSecretView(string AppId, string Secret, string Header, int WindowSeconds);

/// <summary>Returned once when an app is created: the webhook secret is never shown again.</summary>
public sealed record CreatedAppView(AppView App, string WebhookSecret);

public sealed record ApiKeyView(string Id, string AppId, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>Returned once when a key is created: only its hash is stored.</summary>
public sealed record CreatedApiKeyView(ApiKeyView Key, string Secret);

/// <summary>Admin API: service providers, merchants, apps and their API keys. Every change is audited.</summary>
public static class AdminMerchantEndpoints
{
    public static void MapAdminMerchantEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("").WithTags("Admin: merchants");

        admin.MapPost("/service-providers", CreateServiceProviderAsync);
        admin.MapGet("/service-providers", async (SluiceDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.ServiceProviders.AsNoTracking().OrderBy(x => x.Id).Select(x => new ServiceProviderView(x.Id, x.Name, x.CreatedAt)).ToListAsync(ct)));

        admin.MapPost("/merchants", CreateMerchantAsync);
        admin.MapGet("/merchants", async (SluiceDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Merchants.AsNoTracking().OrderBy(x => x.Id).ToListAsync(ct)).Select(ToView).ToList()));

        admin.MapPost("/apps", CreateAppAsync);
        admin.MapGet("/apps", async (SluiceDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Apps.AsNoTracking().OrderBy(x => x.Id)
                .Select(x => new AppView(x.Id, x.MerchantId, x.Name, x.NotifyUrl, x.CreatedAt, x.RequestSigningSecretCiphertext != null)).ToListAsync(ct)));
        admin.MapPost("/apps/{appId}/request-signing", EnableRequestSigningAsync)
            .WithSummary("Enable request signing for an app (or rotate its secret); from then on every request of the app must be signed");
        admin.MapDelete("/apps/{appId}/request-signing", DisableRequestSigningAsync)
            .WithSummary("Stop requiring signed requests from an app");

        admin.MapPost("/apps/{appId}/api-keys", CreateApiKeyAsync);
        admin.MapGet("/apps/{appId}/api-keys", async (string appId, SluiceDbContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.ApiKeys.AsNoTracking().Where(k => k.AppId == appId).OrderBy(k => k.Id)
                .Select(k => new ApiKeyView(k.Id, k.AppId, k.Prefix, k.CreatedAt, k.RevokedAt)).ToListAsync(ct)));
        admin.MapDelete("/apps/{appId}/api-keys/{keyId}", RevokeApiKeyAsync);
    }

    private static MerchantView ToView(Merchant m) => new(m.Id, m.ServiceProviderId, m.Name, m.Kind.ToString().ToLowerInvariant(), m.CreatedAt);

    private static async Task<Results<Created<ServiceProviderView>, ProblemHttpResult>> CreateServiceProviderAsync(
        CreateServiceProviderRequest? r, SluiceDbContext db, IdGenerator ids, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r?.Name) || r.Name.Length > 128)
        {
            return Problems.Validation(UnifiedCode.MissingField, "name", "name is required (at most 128 characters).");
        }

        var sp = new ServiceProvider { Id = ids.Next("sp"), Name = r.Name.Trim(), CreatedAt = clock.GetUtcNow() };
        db.ServiceProviders.Add(sp);
        var view = new ServiceProviderView(sp.Id, sp.Name, sp.CreatedAt);
        AuditLog.Add(db, clock, user, "create", "service_provider", sp.Id, null, view);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/admin/api/service-providers/{sp.Id}", view);
    }

    private static async Task<Results<Created<MerchantView>, ProblemHttpResult>> CreateMerchantAsync(
        CreateMerchantRequest? r, SluiceDbContext db, IdGenerator ids, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r?.Name) || r.Name.Length > 128)
        {
            return Problems.Validation(UnifiedCode.MissingField, "name", "name is required (at most 128 characters).");
        }

        if (string.IsNullOrWhiteSpace(r.ServiceProviderId) || !await db.ServiceProviders.AnyAsync(s => s.Id == r.ServiceProviderId, ct))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "service_provider_id", "service_provider_id must name an existing service provider.");
        }

        var kind = (r.Kind ?? "normal").ToLowerInvariant() switch
        {
            "normal" => (MerchantKind?)MerchantKind.Normal,
            "micro" => MerchantKind.Micro,
            _ => null,
        };
        if (kind is null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "kind", "kind must be normal or micro.");
        }

        var m = new Merchant { Id = ids.Next("mch"), ServiceProviderId = r.ServiceProviderId, Name = r.Name.Trim(), Kind = kind.Value, CreatedAt = clock.GetUtcNow() };
        db.Merchants.Add(m);
        AuditLog.Add(db, clock, user, "create", "merchant", m.Id, null, ToView(m));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/admin/api/merchants/{m.Id}", ToView(m));
    }

    private static async Task<Results<Created<CreatedAppView>, ProblemHttpResult>> CreateAppAsync(
        CreateAppRequest? r, SluiceDbContext db, IdGenerator ids, TimeProvider clock, CredentialProtector protector, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r?.Name) || r.Name.Length > 128)
        {
            return Problems.Validation(UnifiedCode.MissingField, "name", "name is required (at most 128 characters).");
        }

        if (string.IsNullOrWhiteSpace(r.MerchantId) || !await db.Merchants.AnyAsync(m => m.Id == r.MerchantId, ct))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "merchant_id", "merchant_id must name an existing merchant.");
        }

        if (r.NotifyUrl is not null && !PaymentValidation.IsHttpUrl(r.NotifyUrl))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "notify_url", "notify_url must be an absolute http(s) URL.");
        }

        var secret = "whsec_" + ApiKeys.RandomToken(40);
        var app = new MerchantApp
        {
            Id = ids.Next("app"), MerchantId = r.MerchantId, Name = r.Name.Trim(), NotifyUrl = r.NotifyUrl,
            WebhookSecretCiphertext = protector.Protect(secret), CreatedAt = clock.GetUtcNow(),
        };
        db.Apps.Add(app);
        var view = new AppView(app.Id, app.MerchantId, app.Name, app.NotifyUrl, app.CreatedAt);
        AuditLog.Add(db, clock, user, "create", "app", app.Id, null, view);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/admin/api/apps/{app.Id}", new CreatedAppView(view, secret));
    }

    private static async Task<Results<Created<CreatedApiKeyView>, ProblemHttpResult>> CreateApiKeyAsync(
        string appId, SluiceDbContext db, IdGenerator ids, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Apps.AnyAsync(a => a.Id == appId, ct))
        {
            return Problems.NotFound("app");
        }

        var created = await IssueApiKeyAsync(db, ids, clock, appId, "live", ct, k => AuditLog.Add(db, clock, user, "create", "api_key", k.Id, null, k));
        return TypedResults.Created($"/admin/api/apps/{appId}/api-keys/{created.Key.Id}", created);
    }

    /// <summary>Creates a key, stores only its hash, and returns the plaintext for the caller to show once.</summary>
    internal static async Task<CreatedApiKeyView> IssueApiKeyAsync(
        SluiceDbContext db, IdGenerator ids, TimeProvider clock, string appId, string environment, CancellationToken ct, Action<ApiKeyView>? audit = null)
    {
        var key = ApiKeys.Create(environment);
        var row = new AppApiKey { Id = ids.Next("key"), AppId = appId, Prefix = key.Prefix, SecretHash = key.Hash, CreatedAt = clock.GetUtcNow() };
        db.ApiKeys.Add(row);
        var view = new ApiKeyView(row.Id, row.AppId, row.Prefix, row.CreatedAt, null);
        audit?.Invoke(view);
        await db.SaveChangesAsync(ct);
        return new CreatedApiKeyView(view, key.Plaintext);
    }

    private static async Task<Results<Ok<RequestSigningSecretView>, ProblemHttpResult>> EnableRequestSigningAsync(
        string appId, SluiceDbContext db, TimeProvider clock, CredentialProtector protector, ClaimsPrincipal user, IMemoryCache cache, CancellationToken ct)
    {
        var app = await db.Apps.FirstOrDefaultAsync(a => a.Id == appId, ct);
        if (app is null)
        {
            return Problems.NotFound("app");
        }

        var secret = "rss_" + ApiKeys.RandomToken(43);
        var before = new { request_signing = app.RequestSigningSecretCiphertext is not null };
        app.RequestSigningSecretCiphertext = protector.Protect(secret);
        AuditLog.Add(db, clock, user, before.request_signing ? "rotate_request_signing_secret" : "enable_request_signing", "app", app.Id, before, new { request_signing = true });
        await db.SaveChangesAsync(ct);
        await ForgetKeysAsync(db, cache, appId, ct);
        return TypedResults.Ok(new RequestSigningSecretView(app.Id, secret, RequestSignature.Header, (int)Auth.RequestSigning.Window.TotalSeconds));
    }

    private static async Task<Results<Ok<AppView>, ProblemHttpResult>> DisableRequestSigningAsync(
        string appId, SluiceDbContext db, TimeProvider clock, ClaimsPrincipal user, IMemoryCache cache, CancellationToken ct)
    {
        var app = await db.Apps.FirstOrDefaultAsync(a => a.Id == appId, ct);
        if (app is null)
        {
            return Problems.NotFound("app");
        }

        if (app.RequestSigningSecretCiphertext is not null)
        {
            app.RequestSigningSecretCiphertext = null;
            AuditLog.Add(db, clock, user, "disable_request_signing", "app", app.Id, new { request_signing = true }, new { request_signing = false });
            await db.SaveChangesAsync(ct);
            await ForgetKeysAsync(db, cache, appId, ct);
        }

        return TypedResults.Ok(new AppView(app.Id, app.MerchantId, app.Name, app.NotifyUrl, app.CreatedAt, false));
    }

    /// <summary>This node forgets the app's verified keys at once, so a signing change holds here immediately (elsewhere within a second).</summary>
    private static async Task ForgetKeysAsync(SluiceDbContext db, IMemoryCache cache, string appId, CancellationToken ct)
    {
        foreach (var hash in await db.ApiKeys.AsNoTracking().Where(k => k.AppId == appId).Select(k => k.SecretHash).ToListAsync(ct))
        {
            Auth.ApiKeyAuthenticationHandler.Forget(cache, hash);
        }
    }

    private static async Task<Results<Ok<ApiKeyView>, ProblemHttpResult>> RevokeApiKeyAsync(
        string appId, string keyId, SluiceDbContext db, TimeProvider clock, ClaimsPrincipal user, IMemoryCache cache, CancellationToken ct)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.AppId == appId, ct);
        if (key is null)
        {
            return Problems.NotFound("API key");
        }

        var before = new ApiKeyView(key.Id, key.AppId, key.Prefix, key.CreatedAt, key.RevokedAt);
        key.RevokedAt ??= clock.GetUtcNow();
        var after = before with { RevokedAt = key.RevokedAt };
        AuditLog.Add(db, clock, user, "revoke", "api_key", key.Id, before, after);
        await db.SaveChangesAsync(ct);
        Auth.ApiKeyAuthenticationHandler.Forget(cache, key.SecretHash);
        return TypedResults.Ok(after);
    }
}
