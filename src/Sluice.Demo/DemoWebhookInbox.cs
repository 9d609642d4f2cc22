using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Security;

namespace Sluice.Demo;

/// <summary>A received webhook as the demo merchant saw it, with its own signature check.</summary>
public sealed record ReceivedWebhook(DateTimeOffset ReceivedAt, string Signature, bool SignatureValid, string Body);

/// <summary>
/// The demo app's webhook receiver, so the quick start can show a signed webhook arriving without a merchant server:
/// it verifies the signature as a merchant would and keeps the last 50 in memory (<c>GET /demo/webhooks</c>).
/// </summary>
public sealed class DemoWebhookInbox(CredentialProtector protector)
{
    /// <summary>The header a merchant reads the gateway's signature from, as any merchant's code names it.</summary>
    public const string SignatureHeader = "Sluice-Signature";

    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private string? _demoAppSecret;

    public IReadOnlyList<ReceivedWebhook> Latest => _received.Reverse().ToList();

    public void Add(ReceivedWebhook webhook)
    {
        _received.Enqueue(webhook);
        while (_received.Count > 50 && _received.TryDequeue(out _))
        {
        }
    }

    /// <summary>The demo app's webhook secret (the first app created), read and decrypted on the first webhook received.</summary>
    public async Task<string> DemoAppSecretAsync(SluiceDbContext db, CancellationToken ct)
    {
        if (_demoAppSecret is null)
        {
            var ciphertext = await db.Apps.AsNoTracking().OrderBy(a => a.CreatedAt).Select(a => a.WebhookSecretCiphertext).FirstAsync(ct);
            _demoAppSecret = protector.Unprotect(ciphertext);
        }

        return _demoAppSecret;
    }
}

public static class DemoWebhookInboxEndpoints
{
    public static void MapDemoWebhookInbox(this IEndpointRouteBuilder routes)
    {
        var demo = routes.MapGroup("/demo/webhooks").ExcludeFromDescription().AllowAnonymous();
        demo.MapPost("/", async (HttpRequest request, DemoWebhookInbox inbox, SluiceDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            var body = buffer.ToArray();
            var signature = request.Headers[DemoWebhookInbox.SignatureHeader].ToString();
            var secret = await inbox.DemoAppSecretAsync(db, ct);
            var valid = HmacSignature.Verify(secret, signature, body, clock.GetUtcNow(), TimeSpan.FromMinutes(5));
            inbox.Add(new ReceivedWebhook(clock.GetUtcNow(), signature, valid, Encoding.UTF8.GetString(body)));

            return valid ? Results.Ok() : Results.Unauthorized();
        });
        demo.MapGet("/", (DemoWebhookInbox inbox) => Results.Ok(inbox.Latest));
    }
}
