using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Sluice.Simulator.Infrastructure;

/// <summary>
/// A merchant (or service provider) as a channel knows it: its id at the channel (Alipay app_id, WeChat mchid, UnionPay
/// merId, bank client id) and its settings, e.g. <c>public_key_pem</c> to verify its requests, <c>api_v3_key</c>,
/// <c>hmac_secret</c>. Registered through <c>POST /control/merchants</c>.
/// </summary>
public sealed record SimulatedMerchant(string Channel, string MerchantId, IReadOnlyDictionary<string, string> Settings)
{
    public string? Setting(string name) => Settings.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
}

public sealed class MerchantRegistry
{
    private readonly ConcurrentDictionary<(string Channel, string MerchantId), SimulatedMerchant> _merchants = new();

    public void Register(SimulatedMerchant merchant) => _merchants[(merchant.Channel, merchant.MerchantId)] = merchant;

    public SimulatedMerchant? Find(string channel, string merchantId) =>
        _merchants.TryGetValue((channel, merchantId), out var m) ? m : null;

    public IReadOnlyList<SimulatedMerchant> All() => [.. _merchants.Values];

    /// <summary>A new RSA-2048 key pair for a merchant who has none yet: (private PKCS#8 PEM, public SPKI PEM).</summary>
    public static (string PrivateKeyPem, string PublicKeyPem) NewRsaKeyPair()
    {
        using var rsa = RSA.Create(2048);
        return (rsa.ExportPkcs8PrivateKeyPem(), rsa.ExportSubjectPublicKeyInfoPem());
    }
}
