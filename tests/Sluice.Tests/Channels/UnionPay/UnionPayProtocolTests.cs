using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sluice.Channels;
using Sluice.Channels.UnionPay;

namespace Sluice.Tests.Channels.UnionPay;

/// <summary>ACP 5.1.0 signMethod 01 primitives against a published UnionPay message and openssl-made vectors.</summary>
public sealed class UnionPayProtocolTests
{
    /// <summary>
    /// A back notice from UnionPay's test environment (gateway.test.95516.com), signed by UnionPay with the certificate it
    /// carries, published as a test fixture in yansongda/pay, tests/Traits/UnipayTraitTest.php (testVerifyUnipaySign).
    /// The certificate's line breaks are CR LF, as sent.
    /// </summary>
    private const string PublishedNoticeHead = "accNo=ORRSXWY1kMr8UJNxGx9xKPuO0Uhm8JT8aQV3sWswJfIsj/grkjauH4soyAtiqB9XwQotZOwmUAs/pkMupUkfiX9npdFGGEUEc5gqq+lcEwyD7tLmd2WBzRvcEvvjAKMKwTCFDxmQbIrP48ocIVhPoZ87ZQtQM5MIyJYedrzPRlt6BzRddUPGU1gJwDA8APDx3iyNl8EAfenJw7DUDZimmhbE1VSRmQm/iqgJurI7juq/6ztDHZHv4ys1eN9JYkwhcKxCjsWpwXTSy0PGvDXhsAZsDuNXHsjI8JLhHXvTDaU2+gc289LZPiwpr4Ah/reIuPWrIHubchYm2XTqQlUAaw==&accessType=0&bizType=000201&currencyCode=156&encoding=utf-8&exchangeRate=0&merId=777290058167151&orderId=yansongda20220908132206&queryId=782209081322060674028&respCode=00&respMsg=success&settleAmt=1&settleCurrencyCode=156&settleDate=0908&signMethod=01&signPubKeyCert=";

    private const string PublishedCertificate =
        "-----BEGIN CERTIFICATE-----\r\n" +
        "MIIEYzCCA0ugAwIBAgIFEDkwhTQwDQYJKoZIhvcNAQEFBQAwWDELMAkGA1UEBhMC\r\n" +
        "Q04xMDAuBgNVBAoTJ0NoaW5hIEZpbmFuY2lhbCBDZXJ0aWZpY2F0aW9uIEF1dGhv\r\n" +
        "cml0eTEXMBUGA1UEAxMOQ0ZDQSBURVNUIE9DQTEwHhcNMjAwNzMxMDExOTE2WhcN\r\n" +
        "MjUwNzMxMDExOTE2WjCBljELMAkGA1UEBhMCY24xEjAQBgNVBAoTCUNGQ0EgT0NB\r\n" +
        "MTEWMBQGA1UECxMNTG9jYWwgUkEgT0NBMTEUMBIGA1UECxMLRW50ZXJwcmlzZXMx\r\n" +
        "RTBDBgNVBAMMPDA0MUA4MzEwMDAwMDAwMDgzMDQwQOS4reWbvemTtuiBlOiCoeS7\r\n" +
        "veaciemZkOWFrOWPuEAwMDAxNjQ5NTCCASIwDQYJKoZIhvcNAQEBBQADggEPADCC\r\n" +
        "AQoCggEBAMHNa81t44KBfUWUgZhb1YTx3nO9DeagzBO5ZEE9UZkdK5+2IpuYi48w\r\n" +
        "eYisCaLpLuhrwTced19w2UR5hVrc29aa2TxMvQH9s74bsAy7mqUJX+mPd6KThmCr\r\n" +
        "t5LriSQ7rDlD0MALq3yimLvkEdwYJnvyzA6CpHntP728HIGTXZH6zOL0OAvTnP8u\r\n" +
        "RCHZ8sXJPFUkZcbG3oVpdXQTJVlISZUUUhsfSsNdvRDrcKYY+bDWTMEcG8ZuMZzL\r\n" +
        "g0N+/spSwB8eWz+4P87nGFVlBMviBmJJX8u05oOXPyIcZu+CWybFQVcS2sMWDVZy\r\n" +
        "sPeT3tPuBDbFWmKQYuu+gT83PM3G6zMCAwEAAaOB9DCB8TAfBgNVHSMEGDAWgBTP\r\n" +
        "cJ1h6518Lrj3ywJA9wmd/jN0gDBIBgNVHSAEQTA/MD0GCGCBHIbvKgEBMDEwLwYI\r\n" +
        "KwYBBQUHAgEWI2h0dHA6Ly93d3cuY2ZjYS5jb20uY24vdXMvdXMtMTQuaHRtMDkG\r\n" +
        "A1UdHwQyMDAwLqAsoCqGKGh0dHA6Ly91Y3JsLmNmY2EuY29tLmNuL1JTQS9jcmw3\r\n" +
        "NTAwMy5jcmwwCwYDVR0PBAQDAgPoMB0GA1UdDgQWBBTmzk7XEM/J/sd+wPrMils3\r\n" +
        "9rJ2/DAdBgNVHSUEFjAUBggrBgEFBQcDAgYIKwYBBQUHAwQwDQYJKoZIhvcNAQEF\r\n" +
        "BQADggEBAJLbXxbJaFngROADdNmNUyVxPtbAvK32Ia0EjgDh/vjn1hpRNgvL4flH\r\n" +
        "NsGNttCy8afLJcH8UnFJyGLas8v/P3UKXTJtgrOj1mtothv7CQa4LUYhzrVw3UhL\r\n" +
        "4L1CTtmE6D1Kf3+c2Fj6TneK+MoK9AuckySjK5at6a2GQi18Y27gVF88Nk8bp1lJ\r\n" +
        "vzOwPKd8R7iGFotuF4/8GGhBKR4k46EYnKCodyIhNpPdQfpaN5AKeS7xeLSbFvPJ\r\n" +
        "HYrtBsI48jUK/WKtWBJWhFH+Gty+GWX0e5n2QHXHW6qH62M0lDo7OYeyBvG1mh9u\r\n" +
        "Q0C300Eo+XOoO4M1WvsRBAF13g9RPSw=\r\n" +
        "-----END CERTIFICATE-----";

    private const string PublishedNoticeTail = "&traceNo=067402&traceTime=0908132206&txnAmt=1&txnSubType=01&txnTime=20220908132206&txnType=01&version=5.1.0";

    private const string PublishedSignature = "JeA4S2+6TbGo9yjXDUvV5A2E3oJbunoCcZ66exN6xR3OH/5PNDK1VSV1Mq7XhVdxzkTeREUveiOYHalqoagRkh71nsHVvruwGbk6azygXSaawuO5tF67UIqNd4Mbufwh1KhbVpEkKbOETUvRhFcdon0fulE97I83eMSk52INHt8E1xk8NdbhyUadSlp+Uv30AKx70PpQbTGmVS3PJfd+Whj0b7LnvZKeC+BS1kUOtIKlcZO+gBoTigvCIJqj51kBrcBCs+x+VaeGm7EYBBhGSERpfQhQ4n+eJBwLdBeZ0/dNbo3iELjvVMx0n9KoW4klvUJhaH5LALA8pV02SbZv4Q==";

    private static Dictionary<string, string> PublishedNotice() =>
        UnionPayProtocol.ParseAnswer(PublishedNoticeHead + PublishedCertificate + PublishedNoticeTail + "&signature=" + PublishedSignature);

    [Fact]
    public void A_notice_published_from_UnionPays_test_environment_verifies_with_the_certificate_it_carries()
    {
        var fields = PublishedNotice();
        using var certificate = X509Certificate2.CreateFromPem(fields["signPubKeyCert"]);
        using var key = certificate.GetRSAPublicKey()!;

        // sha256 of the sign string, computed independently with `sha256sum` over the same bytes.
        UnionPayProtocol.Digest(fields).ShouldBe("39be34ceac545612fdca7c9bfc765aba9959ab14e840cc111d3ebdd507b0d371");
        UnionPayProtocol.Verify(fields, key).ShouldBeTrue();
        // The certificate's serial 0x1039308534 as ACP's decimal certId (checked with python: int('1039308534', 16)).
        UnionPayProtocol.CertId(certificate).ShouldBe("69678957876");
    }

    [Fact]
    public void Changing_any_signed_field_or_the_signature_fails_verification()
    {
        var fields = PublishedNotice();
        using var certificate = X509Certificate2.CreateFromPem(fields["signPubKeyCert"]);
        using var key = certificate.GetRSAPublicKey()!;

        var amount = new Dictionary<string, string>(fields) { ["txnAmt"] = "100" };
        var added = new Dictionary<string, string>(fields) { ["reqReserved"] = "pay_x" };
        var empty = new Dictionary<string, string>(fields) { ["reqReserved"] = "" };
        var noSignature = new Dictionary<string, string>(fields);
        noSignature.Remove("signature");

        UnionPayProtocol.Verify(amount, key).ShouldBeFalse();
        UnionPayProtocol.Verify(added, key).ShouldBeFalse();
        UnionPayProtocol.Verify(empty, key).ShouldBeFalse("an empty field is signed too (coverMap2String keeps it)");
        UnionPayProtocol.Verify(noSignature, key).ShouldBeFalse();
    }

    /// <summary>An RSA key made with `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048` for this vector only.</summary>
    private const string OpensslKey = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC2YhLCBZAp/TNl
        LwvheTZJkLmEGj96IookUuC/qzZZlNZWZm7RwPDTNgpV1mytw0asfSH9JfZZZAOl
        N8t4THIXsE+Y53LDjWJ6g04TTXMry9CbvpPNRyMU8DSr5dZEAwIBD7bbLzfb+pnX
        4kpOWHY/nQ0G7FS0wg8dKetObzcqtzkTvkGs+MAWWEyUDx7d7wmdUmmFZqc9XRfJ
        jIi526reAzKAxIOrEzQRryEnPgOkdjVR5VpU/+vPo1KlL75LF9eSiWpQrGr40bUd
        7VxRK5RJEMVa/1SJYw1MSVEnTmpWdMl2YDyUsz6e+MBupiQlN35B6Xst7r23qs31
        EIIcGLr9AgMBAAECggEAAJETuZEAW97R2OyrI12UP7AaaFts2wNThIFSMvVgtP6b
        e8eFwgTtUcB4JusvLRlhGN3x5NePU+4OmZ7aSkAZAP4BnjMKIbklNym9OtbYzBK8
        TeZAZHx7aAHxn4KPWEwlGF2xjQMUk34ai8XumAJWow6wAok/Sj6bkSMan+9Zsx2/
        Aj/uRSoWMnV8TwfXVh3piAC3YTeUkP08YIyWu3MLIUG0SBy8k8KGq4TFUu76kFN6
        oXTuiGuu8k+FpOH56JfcbreWcRyVzmExX+oOL6KXsmnUzNoxANWe93c4RuUysl4Q
        lz1tR+QgMebFQM5GEYtAwLRJTzaFLRkDVPNprALweQKBgQDjYA/a59H3Esk6vHZY
        WiEKJ/96aG2aRWWeEp2HtQsKgPpfBlU0hj6m5rXDr8Q5MCXYhFg6JpNEk88TYXOk
        oi3jJ+dQEYmjb3o8z6qo4cqrz1wloppD86cK2hk3F2pBj+g2lrDwcu9LHTzJljcS
        G2saYXHvLFuo6AzLJ7uyEfRgFQKBgQDNV/yq4nRyfn4laXrFhSIk3CHPLM6UnbPC
        MycUzjPOC70+2BpI5cY3smYzIYpqkHnDKjiG7XIF+s/wZRJw34EgfgYE1ZujBOzs
        R9pxVgaAVftQL42URXincJdwn8tADg0ZANY1EaUc/iDmF7XfP8PYh3neju+niYEL
        wI6pKfRBSQKBgDgOLbp9HnF4Ky4U2mRLzAtx8vUdm6/F3hiLZFTZmGA9jfwxVn49
        fmKtTDBzO8ARk7L+ZbXoXrQwcIPJqbXz2bY/1zIRMMqfKBan59381HdpBsGshbWs
        8wik3kSLvEFvlgMnQXX2D/KHwb29D9Sh99SoI2uglvRcSRMot4heDs5FAoGAEGSl
        1z6c7UcL6xCwrHQkdazdRhzdoR+16hsLU63ilOB7CzlVX9x4Jponbo2O71L5ZYtJ
        V/w8zh1n3Fk1T62IMX/eGySyeCE8iOBzn/iuLDCxD4W8V8n0B+oFLQiUwVhd01Et
        yK7P77CaD8R00I3WpMKsCAiBOW7Qzo9g1EB1L4ECgYEA3mBvX6bRZ6+LsOeg4qpI
        4J9n7/Z3i9Dp6gUhiQdTRjNlevT8A+OzCGfds2Gx9zBFh+Lk9r7zS8itOVFiVU21
        OJ4lpYjpuF6MlTJYqXpeBr/q0btherAZVzMCt/IPe+6gxI7jMTYSW+DSB2EGg4Ol
        dSyP4vHvMLF9U+cypX3B9VU=
        -----END PRIVATE KEY-----
        """;

    [Fact]
    public void A_notice_with_an_empty_field_verifies_over_the_field_kept_empty_as_coverMap2String_builds_it()
    {
        // A back notice as UnionPay sends it, with its empty reserved=; signed independently in the shell over the string
        // below, empty field included: printf '%s' "$(printf '<sign string>' | sha256sum | cut -c1-64)" > d;
        // openssl dgst -sha256 -sign key.pem d | base64 -w0
        var fields = new Dictionary<string, string>
        {
            ["version"] = "5.1.0", ["encoding"] = "UTF-8", ["signMethod"] = "01", ["accessType"] = "0", ["bizType"] = "000201",
            ["txnType"] = "01", ["txnSubType"] = "01", ["merId"] = "777290058110048", ["orderId"] = "pay01JD00000000AAAAAAAAAAAAAAAA",
            ["txnTime"] = "20261124160000", ["txnAmt"] = "2599", ["currencyCode"] = "156", ["queryId"] = "782611241600000000018",
            ["reqReserved"] = "pay_01JD00000000AAAAAAAAAAAAAAAA", ["respCode"] = "00", ["respMsg"] = "success", ["reserved"] = "",
            ["traceNo"] = "000018", ["traceTime"] = "1124160000", ["settleAmt"] = "2599", ["settleCurrencyCode"] = "156", ["settleDate"] = "1124",
            ["signature"] = "XKIM40GfZrLE41971wU0eACPefE4gYNXsendA1+vEtzjVqEZ3rQOI/A1/2twdAP5Kp+uSUNEorf2waMOE9FIIZe91twzLk+xlHvHEL2el+thGtWq282AoO0dgEBPqghjWYTaN6a6tmWGJMWthKMzyI1iF8reN7RAcgI9FPOqmhG2/pXQuji0zo7fQTChQUMOXQDEK1RvBHPOVEmKrc4BpHiw8xaRnKQX+RBjSFh4hW/Uzjomr73NynnvcIy4YTxU7besng0G8eEUMal/T8VEfKfRPwERmmBaP/e7TZu2TGON14pZsbcvsqC4j73o54DY97Z1smC2epibOa8ZhDSA0g==",
        };
        using var key = RSA.Create();
        key.ImportFromPem(OpensslKey);
        var withoutTheEmptyField = new Dictionary<string, string>(fields);
        withoutTheEmptyField.Remove("reserved");

        UnionPayProtocol.SignString(fields).ShouldContain("&reqReserved=pay_01JD00000000AAAAAAAAAAAAAAAA&reserved=&respCode=00&");
        UnionPayProtocol.Digest(fields).ShouldBe("0b449320e4352d1b6d5fe98bbcaa981d3d36073d6a22aa627652d22dcc3beea8");
        UnionPayProtocol.Verify(fields, key).ShouldBeTrue();
        UnionPayProtocol.Verify(withoutTheEmptyField, key).ShouldBeFalse("the empty field was signed");
        UnionPayProtocol.Sign(fields, key).ShouldBe(fields["signature"]);
    }

    [Fact]
    public void Signing_matches_openssl_over_the_hex_digest_of_the_sorted_sign_string()
    {
        // No signing vector with its private key is published (UnionPay's test certificates are distributed as .pfx
        // to registered merchants), so this one was made independently in the shell:
        //   printf '<sign string>' | sha256sum | cut -c1-64 | tr -d '\n' > d; openssl dgst -sha256 -sign key.pem d | base64 -w0
        var fields = new Dictionary<string, string>
        {
            ["version"] = "5.1.0", ["encoding"] = "UTF-8", ["signMethod"] = "01", ["txnType"] = "01", ["txnSubType"] = "01",
            ["bizType"] = "000201", ["channelType"] = "07", ["accessType"] = "0", ["merId"] = "777290058110048",
            ["orderId"] = "pay01JD00000000AAAAAAAAAAAAAAAA", ["txnTime"] = "20261124160000", ["txnAmt"] = "2599",
            ["currencyCode"] = "156", ["reqReserved"] = "pay_01JD00000000AAAAAAAAAAAAAAAA", ["frontUrl"] = "", ["signature"] = "old",
        };
        using var key = RSA.Create();
        key.ImportFromPem(OpensslKey);
        UnionPayProtocol.DropBlanks(fields);

        fields.ShouldNotContainKey("frontUrl", "a request's blank field is neither signed nor sent");
        UnionPayProtocol.SignString(fields).ShouldBe(
            "accessType=0&bizType=000201&channelType=07&currencyCode=156&encoding=UTF-8&merId=777290058110048&orderId=pay01JD00000000AAAAAAAAAAAAAAAA"
            + "&reqReserved=pay_01JD00000000AAAAAAAAAAAAAAAA&signMethod=01&txnAmt=2599&txnSubType=01&txnTime=20261124160000&txnType=01&version=5.1.0");
        UnionPayProtocol.Digest(fields).ShouldBe("e6f9a9e67bd5eb5e8d2c642f286ff44f5ec776dd8b44a1682a15f506f03fc94c");
        UnionPayProtocol.Sign(fields, key).ShouldBe("kKlEVpGLC+MXM4TM6sPtiUWGHKUn7v8QxS+6F5+8CJWN20RcAErUG4cD08mLK9+yc6WLiExJOz4AmD9tuqBJ4yuQRTLoHIB3zfAfNh+V/6t/X25ntM45yCVGfuDJyPRFBJkwgmTUOZVsD7DKJofMcKA5gfl3C2V97pSRqnm+GJw8Idc91n3NR419vRyhod5v1cNCoGec3hSQSNYeHeF/FD9SdiNIpVc22k+gJLcTD09XAyjdv91dsSyvRhUjr8bEiGyiUmkWjiJjq0iaYbKB/LCUv6FQVRkCdlElojxm+X3dd9RsQR057gOnOSMHvTru4PHN6Ziy8lYHmHQ9iRiYew==");
    }

    [Fact]
    public void UnionPays_signing_certificate_is_trusted_only_through_the_configured_chain_and_with_UnionPays_name()
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = RSA.Create(2048);
        using var middleKey = RSA.Create(2048);
        using var root = Ca("CN=Test Root", rootKey, null, null, now);
        using var middle = Ca("CN=Test OCA", middleKey, root, rootKey, now);
        using var otherRoot = Ca("CN=Other Root", RSA.Create(2048), null, null, now);
        using var unionPay = Leaf("041@8310000000083040@中国银联股份有限公司@00016495", middle, now);
        using var impostor = Leaf("041@8310000000083040@Someone Else@00016495", middle, now);
        using var selfSigned = new CertificateRequest("CN=041@1@中国银联股份有限公司@1", RSA.Create(2048), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(now.AddDays(-1), now.AddDays(10));

        UnionPayProtocol.IsUnionPaySigningCertificate(unionPay, middle, root, now).ShouldBeTrue();
        UnionPayProtocol.IsUnionPaySigningCertificate(impostor, middle, root, now).ShouldBeFalse("the CN must name UnionPay");
        UnionPayProtocol.IsUnionPaySigningCertificate(unionPay, middle, otherRoot, now).ShouldBeFalse("another root is not UnionPay's");
        UnionPayProtocol.IsUnionPaySigningCertificate(selfSigned, middle, root, now).ShouldBeFalse();
        UnionPayProtocol.IsUnionPaySigningCertificate(unionPay, middle, root, now.AddYears(3)).ShouldBeFalse("expired");
    }

    private static X509Certificate2 Ca(string subject, RSA key, X509Certificate2? issuer, RSA? issuerKey, DateTimeOffset now)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        if (issuer is null)
        {
            return request.CreateSelfSigned(now.AddDays(-2), now.AddYears(5));
        }

        using var issued = request.Create(issuer, now.AddDays(-1), now.AddYears(4), [7, 1, 2, 3]);
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 Leaf(string cn, X509Certificate2 middle, DateTimeOffset now)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(cn);
        var request = new CertificateRequest(builder.Build(), RSA.Create(2048), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.Create(middle, now.AddHours(-1), now.AddYears(2), [9, 8, 7, 6, 5]);
    }

    [Fact]
    public void Order_ids_txn_time_and_amounts_follow_ACP_formats()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 16, 30, 5, TimeSpan.Zero));
        var id = new Sluice.Common.IdGenerator(clock).Next("pay");

        UnionPayProtocol.OrderId(id).ShouldBe(id.Replace("_", ""));
        UnionPayProtocol.OrderId("r_1").ShouldBe("r1000000", "padded to ACP's 8-character minimum");
        UnionPayProtocol.IdCreationTime(id).ShouldBe(clock.GetUtcNow());
        UnionPayProtocol.IdCreationTime("pay_not-a-sluice-id").ShouldBeNull();
        UnionPayProtocol.TxnTime(clock.GetUtcNow()).ShouldBe("20261125003005", "txnTime is Beijing time, UTC+8");
        UnionPayProtocol.ParseTxnTime("20261125003005").ShouldBe(clock.GetUtcNow());
        UnionPayProtocol.ParseTxnTime("20261125003005")!.Value.Offset.ShouldBe(TimeSpan.Zero, "PostgreSQL stores UTC instants only");
        UnionPayProtocol.ParseTraceTime("1125003105", "20261125003005").ShouldBe(clock.GetUtcNow().AddMinutes(1));
        UnionPayProtocol.ParseTraceTime("0101000010", "20261231235959")!.Value.Year.ShouldBe(2026, "00:00:10 on 1 January 2027 Beijing is still 2026 in UTC");
        UnionPayProtocol.ParseTraceTime("0101000010", "20261231235959").ShouldBe(new DateTimeOffset(2027, 1, 1, 0, 0, 10, UnionPayProtocol.BeijingOffset));
                UnionPayProtocol.Amount(2599).ShouldBe("2599");
        UnionPayProtocol.ParseAmount("25.99").ShouldBeNull("txnAmt is whole fen");
    }

    [Fact]
    public void Answers_keep_raw_values_and_braced_values_may_hold_ampersands()
    {
        var answer = UnionPayProtocol.ParseAnswer("respCode=00&reqReserved={a=1&b=2}&signature=ab+c/d==&respMsg=成功[0000000]");

        answer["respCode"].ShouldBe("00");
        answer["reqReserved"].ShouldBe("{a=1&b=2}");
        answer["signature"].ShouldBe("ab+c/d==");
        answer["respMsg"].ShouldBe("成功[0000000]");
        UnionPayProtocol.FormDecode(UnionPayProtocol.FormEncode(answer)).ShouldBe(answer);
    }

    [Fact]
    public void Result_codes_have_one_rule_each_and_a_query_failing_is_never_the_order_failing()
    {
        var rules = UnionPayResultCodes.Rules;

        rules.GroupBy(r => (r.Flow, r.RawCode, r.RawSubCode)).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty();
        UnionPayResultCodes.OutcomeOf(ChannelFlow.Query, "00", "64").ShouldBe(ChannelOutcome.Failed, "the payment failed: card balance");
        UnionPayResultCodes.OutcomeOf(ChannelFlow.Query, "11", null).ShouldBe(ChannelOutcome.Unknown, "the query's signature failed, not the payment");
        UnionPayResultCodes.OutcomeOf(ChannelFlow.Query, "00", "83").ShouldBe(ChannelOutcome.Pending, "the issuer is processing");
        UnionPayResultCodes.OutcomeOf(ChannelFlow.Query, "00", "74").ShouldBe(ChannelOutcome.Unknown, "debited, write-off unknown");
        UnionPayResultCodes.OutcomeOf(ChannelFlow.Pay, "39", null).ShouldBe(ChannelOutcome.Failed);
        UnionPayResultCodes.OutcomeOf(ChannelFlow.Pay, "05", null).ShouldBe(ChannelOutcome.Unknown);
        UnionPayResultCodes.OutcomeOf(ChannelFlow.Pay, "97", null).ShouldBe(ChannelOutcome.Unknown, "a code without a rule is never guessed at");
        UnionPayResultCodes.OutcomeOf(ChannelFlow.Close, "34", null).ShouldBe(ChannelOutcome.Succeeded);
    }
}
