using System.Text.Json;
using Microsoft.Extensions.Options;
using Sluice.Channels;
using Sluice.Security;
using Sluice.Server.Hosting;

namespace Sluice.Server.ChannelAccounts;

/// <summary>Turns a stored channel account into what an adapter needs: decrypted credentials and its notify URL.</summary>
public sealed class ChannelAccountContexts(CredentialProtector protector, IOptions<SluiceOptions> options)
{
    public ChannelAccountContext For(ChannelAccount account)
    {
        var credentials = JsonSerializer.Deserialize<Dictionary<string, string>>(protector.Unprotect(account.CredentialsCiphertext))
            ?? new Dictionary<string, string>();
        return new ChannelAccountContext(account.Id, account.ChannelCode, account.Protocol, account.SubMerchantId, credentials, NotifyUrl(account.Id));
    }

    public Uri NotifyUrl(string accountId) => new(options.Value.PublicBase, "notify/" + Uri.EscapeDataString(accountId));

    public string Protect(IReadOnlyDictionary<string, string> credentials) =>
        protector.Protect(JsonSerializer.Serialize(credentials));
}
