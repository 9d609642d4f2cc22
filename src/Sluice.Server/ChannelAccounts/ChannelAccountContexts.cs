using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sluice.Channels;
using Sluice.Security;
using Sluice.Server.Hosting;

namespace Sluice.Server.ChannelAccounts;

/// <summary>
/// Turns a stored channel account into what an adapter needs: decrypted credentials and its notify URL. Decrypted
/// contexts are kept per account for as long as its ciphertext is unchanged, and a merchant's enabled accounts are
/// kept for <see cref="MerchantAccountsTtl"/>, so a change made on any node is in force everywhere within that time.
/// </summary>
public sealed class ChannelAccountContexts(CredentialProtector protector, IOptions<SluiceOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan MerchantAccountsTtl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (string Ciphertext, ChannelAccountContext Context)> _contexts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset ValidUntil, IReadOnlyList<ChannelAccount> Accounts)> _byMerchant = new(StringComparer.Ordinal);

    public ChannelAccountContext For(ChannelAccount account)
    {
        if (_contexts.TryGetValue(account.Id, out var cached) && cached.Ciphertext == account.CredentialsCiphertext)
        {
            return cached.Context;
        }

        var credentials = JsonSerializer.Deserialize<Dictionary<string, string>>(protector.Unprotect(account.CredentialsCiphertext))
            ?? new Dictionary<string, string>();
        var context = new ChannelAccountContext(account.Id, account.ChannelCode, account.Protocol, account.SubMerchantId, credentials, NotifyUrl(account.Id));
        _contexts[account.Id] = (account.CredentialsCiphertext, context);
        return context;
    }

    /// <summary>The merchant's enabled channel accounts as this node last read them, while that is less than <see cref="MerchantAccountsTtl"/> old.</summary>
    public IReadOnlyList<ChannelAccount>? EnabledForMerchant(string merchantId) =>
        _byMerchant.TryGetValue(merchantId, out var cached) && cached.ValidUntil > clock.GetUtcNow() ? cached.Accounts : null;

    /// <summary>Keeps a merchant's enabled accounts as just read (by the router, on its unit of work) for <see cref="MerchantAccountsTtl"/>.</summary>
    public IReadOnlyList<ChannelAccount> RememberEnabledForMerchant(string merchantId, IReadOnlyList<ChannelAccount> accounts)
    {
        _byMerchant[merchantId] = (clock.GetUtcNow() + MerchantAccountsTtl, accounts);
        return accounts;
    }

    /// <summary>Forgets this node's cached list for a merchant, after a change made here.</summary>
    public void Invalidate(string merchantId) => _byMerchant.TryRemove(merchantId, out _);

    public Uri NotifyUrl(string accountId) => new(options.Value.PublicBase, "notify/" + Uri.EscapeDataString(accountId));

    public string Protect(IReadOnlyDictionary<string, string> credentials) =>
        protector.Protect(JsonSerializer.Serialize(credentials));
}
