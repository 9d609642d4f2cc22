using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Merchants;
using Sluice.Security;

namespace Sluice.Server.Auth;

/// <summary>Why a signed request was refused: a unified code (401) and a detail.</summary>
public sealed record SigningRefusal(string Code, string Detail);

/// <summary>
/// Merchant request signing (SPEC §3): an app with a request-signing secret must sign every merchant API request
/// (<see cref="RequestSignature"/>); the timestamp must lie within <see cref="Window"/> of the gateway's clock and the
/// nonce must not have been seen within it, on any node (a row per nonce, unique per app, kept until the window passed).
/// Checked while the API key is authenticated, before the endpoint reads the body.
/// </summary>
public static class RequestSigning
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    public static async Task<SigningRefusal?> VerifyAsync(HttpContext http, string appId, string secret, DateTimeOffset now, CancellationToken ct)
    {
        var header = http.Request.Headers[RequestSignature.Header].ToString();
        if (string.IsNullOrEmpty(header))
        {
            return new SigningRefusal(UnifiedCode.RequestSignatureRequired,
                $"This app signs its requests: send '{RequestSignature.Header}: t=<unix seconds>,nonce=<nonce>,v1=<hex HMAC-SHA256>' (see the README).");
        }

        if (!RequestSignature.TryParse(header, out var t, out var nonce, out var v1))
        {
            return new SigningRefusal(UnifiedCode.InvalidRequestSignature,
                $"'{RequestSignature.Header}' must be 't=<unix seconds>,nonce=<16-64 letters, digits, - or _>,v1=<64 hex digits>'.");
        }

        if (!RequestSignature.WithinWindow(t, now, Window))
        {
            return new SigningRefusal(UnifiedCode.InvalidRequestSignature, "The signature's timestamp is more than 5 minutes from the gateway's clock.");
        }

        http.Request.EnableBuffering();
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, ct);
        http.Request.Body.Position = 0;
        var target = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? http.Request.Path + http.Request.QueryString;
        if (!RequestSignature.Matches(secret, http.Request.Method, target, t, nonce, body.GetBuffer().AsSpan(0, (int)body.Length), v1))
        {
            return new SigningRefusal(UnifiedCode.InvalidRequestSignature,
                "The signature does not match this request (method, path with query, timestamp, nonce and body, signed with the app's request-signing secret).");
        }

        return await UseNonceAsync(http.RequestServices.GetRequiredService<SluiceDbContext>(), appId, nonce, DateTimeOffset.FromUnixTimeSeconds(t) + Window, now, ct)
            ? null
            : new SigningRefusal(UnifiedCode.RequestReplayed, "This nonce was already used within the signature window; sign each request with a new nonce.");
    }

    /// <summary>Records the nonce; false when it was used before and its window has not passed.</summary>
    private static async Task<bool> UseNonceAsync(SluiceDbContext db, string appId, string nonce, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var row = new RequestNonce { AppId = appId, Nonce = nonce, ExpiresAt = expiresAt };
            db.RequestNonces.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                db.Entry(row).State = EntityState.Detached;
                if (Random.Shared.Next(64) == 0)
                {
                    // Now and then, forget nonces whose window has passed.
                    await db.RequestNonces.Where(n => n.ExpiresAt < now).ExecuteDeleteAsync(ct);
                }

                return true;
            }
            catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
            {
                db.Entry(row).State = EntityState.Detached;

                // Seen before: a replay, unless that use's window has passed (then the old row is forgotten and this one counts).
                if (await db.RequestNonces.Where(n => n.AppId == appId && n.Nonce == nonce && n.ExpiresAt < now).ExecuteDeleteAsync(ct) == 0)
                {
                    return false;
                }
            }
        }

        return false;
    }
}
