using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Security;

namespace Sluice.Server.Webhooks;

/// <summary>
/// Each app's default notify URL and webhook secret, kept once per node: both are set when the app is created and never
/// change (there is no endpoint that edits them), so every webhook staged and signed need not read and decrypt them
/// again. The secret is kept decrypted in this process's memory only, as the master key that protects it already is.
/// The cache holds no database: <see cref="AppWebhookSettingsReader"/> fills it from a scope's unit of work.
/// </summary>
public sealed class AppWebhookSettings(CredentialProtector protector)
{
    public sealed record Settings(string? NotifyUrl, string WebhookSecret);

    private readonly ConcurrentDictionary<string, Settings> _byApp = new(StringComparer.Ordinal);

    public Settings? Known(string appId) => _byApp.GetValueOrDefault(appId);

    public Settings Remember(string appId, string? notifyUrl, string webhookSecretCiphertext) =>
        _byApp.GetOrAdd(appId, _ => new Settings(notifyUrl, protector.Unprotect(webhookSecretCiphertext)));
}

/// <summary>An app's webhook settings for the scope's unit of work: this node's cache, read from the database on a miss.</summary>
public sealed class AppWebhookSettingsReader(SluiceDbContext db, AppWebhookSettings cache)
{
    /// <summary>The app's settings, or null for an app that does not exist (not remembered, so a new app is found).</summary>
    public async Task<AppWebhookSettings.Settings?> ForAsync(string appId, CancellationToken ct)
    {
        if (cache.Known(appId) is { } known)
        {
            return known;
        }

        var row = await db.Apps.AsNoTracking().Where(a => a.Id == appId).Select(a => new { a.NotifyUrl, a.WebhookSecretCiphertext }).FirstOrDefaultAsync(ct);
        return row is null ? null : cache.Remember(appId, row.NotifyUrl, row.WebhookSecretCiphertext);
    }
}
