using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Channels.UnionPay;

namespace Sluice.Simulator.Channels.UnionPay;

/// <summary>
/// The simulated UnionPay CA chain: a root CA, a middle (issuing) CA, and UnionPay's signing certificate issued by the
/// middle CA with a subject CN shaped like the real one (<c>041@…@中国银联股份有限公司@…</c>). Merchant signing
/// certificates are issued by the same middle CA. Kept in memory: a restart issues a new chain.
/// </summary>
public sealed class UnionPayCertificates
{
    private readonly RSA _middleKey = RSA.Create(2048);

    public UnionPayCertificates()
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = RSA.Create(2048);
        var rootRequest = new CertificateRequest("CN=Sluice Simulator UnionPay Root CA, O=Sluice Simulator", rootKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = rootRequest.CreateSelfSigned(now.AddDays(-2), now.AddYears(10));

        var middleRequest = new CertificateRequest("CN=Sluice Simulator UnionPay OCA, O=Sluice Simulator", _middleKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        middleRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        middleRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var middle = middleRequest.Create(Root, now.AddDays(-1), now.AddYears(8), RandomSerial());
        Middle = middle.CopyWithPrivateKey(_middleKey);

        (Signing, SigningKey) = Issue("041@8310000000083040@" + UnionPayProtocol.UnionPayOrganisation + "@00016495");
    }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Middle { get; }

    /// <summary>UnionPay's signing certificate (sent as <c>signPubKeyCert</c>) and its key.</summary>
    public X509Certificate2 Signing { get; }

    public RSA SigningKey { get; }

    /// <summary>A merchant signing certificate from the middle CA: (certificate, its key).</summary>
    public (X509Certificate2 Certificate, RSA Key) IssueMerchant(string merId) => Issue("041@" + merId + "@Sluice simulator merchant@00000001");

    private (X509Certificate2, RSA) Issue(string commonName)
    {
        var key = RSA.Create(2048);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCountryOrRegion("CN");
        subject.AddOrganizationName("Sluice Simulator OCA");
        subject.AddCommonName(commonName);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        var now = DateTimeOffset.UtcNow;
        return (request.Create(Middle, now.AddHours(-12), now.AddYears(5), RandomSerial()), key);
    }

    private static byte[] RandomSerial()
    {
        var serial = RandomNumberGenerator.GetBytes(5);
        serial[0] = (byte)(serial[0] & 0x7F | 0x10);
        return serial;
    }
}
