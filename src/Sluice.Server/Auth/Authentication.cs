using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Security;
using Sluice.Server.Api;

namespace Sluice.Server.Auth;

public static class SluiceAuth
{
    public const string ApiKeyScheme = "ApiKey";
    public const string AdminScheme = "AdminToken";
    public const string MerchantPolicy = "merchant";
    public const string AdminPolicy = "admin";
    public const string AppIdClaim = "sluice:app_id";
    public const string MerchantIdClaim = "sluice:merchant_id";

    public static IServiceCollection AddSluiceAuthentication(this IServiceCollection services, string adminToken)
    {
        services.AddMemoryCache();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyScheme, null)
            .AddScheme<AdminTokenOptions, AdminTokenAuthenticationHandler>(AdminScheme, o => o.TokenHash = SHA256.HashData(Encoding.UTF8.GetBytes(adminToken)));
        services.AddAuthorizationBuilder()
            .AddPolicy(MerchantPolicy, p => p.AddAuthenticationSchemes(ApiKeyScheme).RequireClaim(AppIdClaim))
            .AddPolicy(AdminPolicy, p => p.AddAuthenticationSchemes(AdminScheme).RequireRole("admin"))
            .SetFallbackPolicy(EndpointWithoutPolicy);
        return services;
    }

    /// <summary>
    /// The fallback policy: an endpoint mapped without a policy of its own (outside the <c>/v1</c> and <c>/admin/api</c>
    /// groups, and not marked <c>AllowAnonymous</c>) is refused to everyone, 401 without credentials and 403 with them,
    /// so a forgotten policy fails closed instead of serving a merchant key, an operator's route or the public. A request
    /// that matched no route at all (404, 405) passes on to its problem answer.
    /// </summary>
    public static readonly AuthorizationPolicy EndpointWithoutPolicy = new AuthorizationPolicyBuilder(ApiKeyScheme)
        .RequireAssertion(c => c.Resource is HttpContext http && http.GetEndpoint() is not RouteEndpoint)
        .Build();

    /// <summary>The authenticated app of a merchant API request.</summary>
    public static MerchantCaller Caller(this ClaimsPrincipal user) =>
        new(user.FindFirstValue(AppIdClaim) ?? throw new InvalidOperationException("not an app principal"),
            user.FindFirstValue(MerchantIdClaim) ?? throw new InvalidOperationException("not an app principal"));

    internal static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    internal static Task WriteProblemAsync(HttpContext context, string detail) =>
        Problems.Unauthenticated(detail).ExecuteAsync(context);
}

public sealed record MerchantCaller(string AppId, string MerchantId);

/// <summary>
/// Authenticates an app by its secret API key (<c>Authorization: Bearer sk_...</c>): the prefix finds the key row and
/// the SHA-256 of the presented key must match in constant time. A verified key is cached for one second (and never
/// past its revocation time), so a revocation takes effect on every node within a second; the node that revokes a key
/// forgets it at once (<see cref="Forget"/>).
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IMemoryCache cache,
    TimeProvider clock,
    CredentialProtector protector)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string RefusalItem = "sluice:auth_refusal";

    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(1);

    /// <summary>Drops a key from this node's cache (its stored hash is the cache's key): called where a key is revoked.</summary>
    public static void Forget(IMemoryCache cache, byte[] secretHash) => cache.Remove(CacheKey(secretHash));

    private static string CacheKey(byte[] secretHash) => "apikey:" + Convert.ToHexString(secretHash);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = SluiceAuth.BearerToken(Request);
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }

        var prefix = ApiKeys.PrefixOf(presented);
        if (prefix is null)
        {
            return AuthenticateResult.Fail("malformed API key");
        }

        var cacheKey = CacheKey(ApiKeys.Hash(presented));
        var now = clock.GetUtcNow();
        if (!cache.TryGetValue(cacheKey, out CachedCaller? cached) || cached!.ValidUntil <= now)
        {
            var db = Context.RequestServices.GetRequiredService<SluiceDbContext>();
            var row = await db.ApiKeys.AsNoTracking()
                .Where(k => k.Prefix == prefix)
                .Join(db.Apps, k => k.AppId, a => a.Id, (k, a) => new { k.SecretHash, k.RevokedAt, k.AppId, a.MerchantId, a.RequestSigningSecretCiphertext })
                .FirstOrDefaultAsync(Context.RequestAborted);
            if (row is null || row.RevokedAt is not null && row.RevokedAt <= clock.GetUtcNow() || !ApiKeys.Matches(presented, row.SecretHash))
            {
                return AuthenticateResult.Fail("unknown or revoked API key");
            }

            var validUntil = row.RevokedAt is { } revokedAt && revokedAt < now + CacheFor ? revokedAt : now + CacheFor;
            var signingSecret = row.RequestSigningSecretCiphertext is null ? null : protector.Unprotect(row.RequestSigningSecretCiphertext);
            cached = new CachedCaller(new MerchantCaller(row.AppId, row.MerchantId), validUntil, signingSecret);
            cache.Set(cacheKey, cached, CacheFor);
        }

        var caller = cached.Caller;
        if (cached.SigningSecret is { } secret
            && await RequestSigning.VerifyAsync(Context, caller.AppId, secret, now, Context.RequestAborted) is { } refusal)
        {
            Context.Items[RefusalItem] = refusal;
            return AuthenticateResult.Fail(refusal.Detail);
        }

        var identity = new ClaimsIdentity(
            [new Claim(SluiceAuth.AppIdClaim, caller.AppId), new Claim(SluiceAuth.MerchantIdClaim, caller.MerchantId)],
            SluiceAuth.ApiKeyScheme);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SluiceAuth.ApiKeyScheme));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Context.Items[RefusalItem] is SigningRefusal refusal
            ? Problems.Of(401, refusal.Code, refusal.Detail).ExecuteAsync(Context)
            : SluiceAuth.WriteProblemAsync(Context, "Send a valid secret API key as 'Authorization: Bearer sk_...'.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Of(403, Errors.UnifiedCode.Forbidden, "This API key may not use this endpoint.").ExecuteAsync(Context);

    /// <summary>A verified key, trusted until <see cref="ValidUntil"/> on the gateway's clock, and its app's request-signing secret.</summary>
    private sealed record CachedCaller(MerchantCaller Caller, DateTimeOffset ValidUntil, string? SigningSecret);
}

public sealed class AdminTokenOptions : AuthenticationSchemeOptions
{
    public byte[] TokenHash { get; set; } = [];
}

/// <summary>The bootstrap admin token from configuration, until console users exist.</summary>
public sealed class AdminTokenAuthenticationHandler(IOptionsMonitor<AdminTokenOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AdminTokenOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = SluiceAuth.BearerToken(Request);
        if (presented is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), Options.TokenHash))
        {
            return Task.FromResult(AuthenticateResult.Fail("wrong admin token"));
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "bootstrap-admin"), new Claim(ClaimTypes.Role, "admin")], SluiceAuth.AdminScheme);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SluiceAuth.AdminScheme)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        SluiceAuth.WriteProblemAsync(Context, "Send the admin token as 'Authorization: Bearer ...'.");

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Of(403, Errors.UnifiedCode.Forbidden, "This token may not use the admin API.").ExecuteAsync(Context);
}
