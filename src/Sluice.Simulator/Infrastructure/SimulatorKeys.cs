using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace Sluice.Simulator.Infrastructure;

/// <summary>
/// The simulator's own signing keys, one RSA-2048 key and self-signed certificate per channel (the "platform" key that
/// signs answers and callbacks), plus a second "forger" key per channel that signs forged callbacks. Kept in memory,
/// or under <see cref="SimulatorOptions.KeysFolder"/> so a restart keeps channel accounts valid.
/// </summary>
public sealed class SimulatorKeys(IOptions<SimulatorOptions> options)
{
    private readonly ConcurrentDictionary<string, X509Certificate2> _certificates = new();

    /// <summary>The channel's platform certificate (with its private key) — its serial number is the certificate serial / cert id.</summary>
    public X509Certificate2 Platform(string channel) => _certificates.GetOrAdd(channel, c => LoadOrCreate(c, "platform"));

    /// <summary>A key that is not the channel's, for forged callbacks.</summary>
    public X509Certificate2 Forger(string channel) => _certificates.GetOrAdd(channel + ":forger", _ => Create(channel + "-forger"));

    public static string PublicKeyPem(X509Certificate2 certificate) =>
        certificate.GetRSAPublicKey()!.ExportSubjectPublicKeyInfoPem();

    private X509Certificate2 LoadOrCreate(string channel, string role)
    {
        var folder = options.Value.KeysFolder;
        if (string.IsNullOrEmpty(folder))
        {
            return Create(channel);
        }

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"{channel}-{role}.pfx");
        if (File.Exists(path))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, null, X509KeyStorageFlags.Exportable);
        }

        var created = Create(channel);
        File.WriteAllBytes(path, created.Export(X509ContentType.Pkcs12));
        return created;
    }

    private static X509Certificate2 Create(string subject)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN=Sluice simulator {subject}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var now = DateTimeOffset.UtcNow;
        using var cert = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}
