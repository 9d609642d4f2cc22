using System.Text;
using Sluice.Channels.Contracts;

namespace Sluice.Channels.WeChatPay;

/// <summary>A channel account's WeChat Pay identity, keys and platform verification keys, read from its credentials.</summary>
internal sealed record WeChatMerchant(
    bool Partner,
    string Mchid,
    string Appid,
    string? SubMchid,
    string? SubAppid,
    string SerialNo,
    string PrivateKey,
    byte[] ApiV3Key,
    Uri BaseUrl,
    IReadOnlyDictionary<string, string> PlatformKeys)
{
    /// <summary>The platform public key (or certificate) PEM with this serial, if the account knows it.</summary>
    public string? PlatformKey(string serial) => PlatformKeys.GetValueOrDefault(serial);

    /// <summary>The platform key sensitive fields are encrypted with, and its serial (sent as Wechatpay-Serial).</summary>
    public (string Serial, string Key) EncryptionKey() => PlatformKeys.Select(kv => (kv.Key, kv.Value)).First();

    public static WeChatMerchant Of(ChannelAccountContext account)
    {
        var partner = account.SubMerchantId is not null;
        var apiV3Key = Encoding.UTF8.GetBytes(account.Credential("api_v3_key"));
        if (apiV3Key.Length != WeChatPayProtocol.ApiV3KeyLength)
        {
            throw new InvalidOperationException($"Channel account {account.AccountId}: api_v3_key must be 32 bytes.");
        }

        var platform = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (account.Credentials.TryGetValue("platform_public_key", out var publicKey) && publicKey.Length > 0)
        {
            platform[account.Credential("platform_serial_no")] = publicKey;
        }

        if (account.Credentials.TryGetValue("platform_certificate", out var certificate) && certificate.Length > 0)
        {
            platform[WeChatPayProtocol.CertificateSerial(certificate)] = certificate;
        }

        if (platform.Count == 0)
        {
            throw new InvalidOperationException($"Channel account {account.AccountId} has no platform_public_key or platform_certificate.");
        }

        return new WeChatMerchant(
            partner,
            account.Credential(partner ? "sp_mchid" : "mchid"),
            account.Credential(partner ? "sp_appid" : "appid"),
            account.SubMerchantId,
            partner ? account.Credentials.GetValueOrDefault("sub_appid") is { Length: > 0 } s ? s : null : null,
            account.Credential("merchant_serial_no"),
            account.Credential("merchant_private_key"),
            apiV3Key,
            new Uri(account.Credential("base_url").TrimEnd('/') + "/"),
            platform);
    }
}
