using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Security;

namespace Sluice.Server.Webhooks;

/// <summary>
/// Each app's default notify URL and webhook secret, read once per node: both are set when the app is created and never
/// change (there is no endpoint that edits them), so every webhook staged and signed need not read and decrypt them
/// again. The secret is kept decrypted in this process's memory only, as the master key that protects it already is.
/// </summary>
public sealed class AppWebhookSettings(CredentialProtector protector)
{
    public sealed record Settings(string? NotifyUrl, string WebhookSecret);

    private readonly ConcurrentDictionary<string, Settings> _byApp = new(StringComparer.Ordinal);

    /// <summary>The app's settings, or null for an app that does not exist (not remembered, so a new app is found).</summary>
    public async Task<Settings?> ForAsync(SluiceDbContext db, string appId, CancellationToken ct)
    {
        if (_byApp.TryGetValue(appId, out var known))
        {
            return known;
        }

        var row = await db.Apps.AsNoTracking().Where(a => a.Id == appId).Select(a => new { a.NotifyUrl, a.WebhookSecretCiphertext }).FirstOrDefaultAsync(ct);
        return row is null ? null : _byApp.GetOrAdd(appId, new Settings(row.NotifyUrl, protector.Unprotect(row.WebhookSecretCiphertext)));
    }
}
