using System.Text;
using Sluice.Channels;
using Sluice.Channels.Alipay;

namespace Sluice.Tests.Channels.Alipay;

/// <summary>
/// Alipay's RSA2 primitives against fixed vectors. The sign-string vector is the one Alipay publishes in its open
/// platform docs ("自行实现签名", docs.open.alipay.com/291/106118, "待签名字符串示例": the alipay.mobile.public.menu.add request).
/// Alipay publishes no private key with an expected signature, so the signatures below were made independently with
/// <c>openssl dgst -sha256 -sign key.pem | base64</c> over the same UTF-8 text with the throw-away key below
/// (generated with <c>openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048</c>; PKCS#1 form from
/// <c>openssl rsa -traditional</c>), and pasted here. RSA PKCS#1 v1.5 signatures are deterministic, so they must match exactly.
/// </summary>
public sealed class AlipayProtocolTests
{
    internal const string PrivateKeyPkcs8Pem = """
-----BEGIN PRIVATE KEY-----
MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDjq4SXZqhtDzK+
+qs/fiCb8ZUAtzoy6q32CEJBHV7zZbNlVZG8G+REEZt47w7RknfqTfJKzRBQ6aoR
4TJeizbYWkpTnsQJtgbtXQtTsA0ZzLgPCxmq4H0ZkyWu1qrfkVirOsnJsA7WmcDD
TG56Q5GEiMjuAk89ih2Eb/AxKD/IiCP3zFddNRqPVYzEdCPI3fk3TQgqwYdsRIXh
3uCb3niuPJ+3h0jKuUU2uju5OB/lbD3l0fUf2xGSKMvJiFnaCYqWeNKlIf7R4efM
m/Wq8UbWJtjxsrMar2qhyLgnJUVxRE2Q13LC5Rbk7sucgDv19R/SHmIYQRxDIuta
uBzNILT7AgMBAAECggEAISxJhmVIZD+t1WL2lyqcZhcww/5upfhI6bZGr8XaTcfD
TcrGkIIAjs8r+AEz3Q3PmDMhpeGJn5M0cHoqLy7EtTM5bO66F296RJVlREfng3Cv
XvhvQH/eP97kw5F21gWPxb9Wo03FE7gqfKpt1zXHhb1dMu+Li+bMfz1vjOdq8nUR
YYhRapcaiM168cgKZqYBtqNBFGDBgNOx2PQfykf5319AOxj5gr2JxwKudELJQzlI
faY8/ltpzflLRYG9svOOdqmuvyWlF5R+vFBx4Hu/8mPS/E6XmjQWIaKvZUiDLVO9
M4xXhyzsNIuL6D1Pzsd7ycSohMwk84ub6oUGQGMwAQKBgQD6DS12Njj5mCrJjJg4
MYOLfnhgj247m3p6D4x0xluVfTzHrhDW8YIji2L+164pe1AxJS94uK4wEF95OWVT
io40qZFFuugsL1sB02DDpIxig8royP0aatz5+FprZ1DdbJ3TnCozbLl6f8S/j6ew
mE37RN7JKfjPdlRwXrl3C/MwAQKBgQDpFglMNePSy0frVI26YQF1fhyabUAPR4z0
HmfUj1rbqq4vwR5aaFPQ9xE6YWMjeZzXdEuk/2bRpM4FVlLdFAAAGcTvGyiy9qCy
mHFba16u3tn0lDST8VQL3CTv6pitgqqeGFObNG7ax5ps9cxJgOhJMmU7xH4KRz1r
hEzfSvCk+wKBgQDpgvjblhNq8zGx+rwEbijcUgT0l71nqPCdoHuYac0JM2VZTDKp
p+vSac7PEnewgVoIKyPD5yOz+vZN7M21UIUwpNHnfn5nFOo2MEIDMl1veog5D8ld
rEIkpks6VcdsoIxbG1FFqNkljsAb7Hm7LuBUMKKk1a9nfqeoMK2egOhgAQKBgQCw
Usw7y7SJnN/OBUulx4ZcBEfNBoJkTKMzdODk6oE4FXjphTTZ/XwSYyS0PkHJ71CX
qFElA1QbmYmEfhX3Sg7qBJR2sNvr7igIksuF9cZNkSXeIFNZ60DCLAoBOD3BXEyH
hi2RBmwpsr9+V77vh8WwwZ/VQ8J5MgUjlZS1gjJjCwKBgQD0mR6FAgmgDogXp98O
F4YHIdpeZrOfuo+v0WKvMB/B9OX7j8bQNtRckXQ7IJpGSkAxi693MqJm541pnDxY
LhXuR0IVPhsM2i9MNM4ofJ3RouPoTmruG4R6L1o1AXaZLgTcW50SAGKeXR1IgSZt
B2+2pA44aqvSklDIXhtow9lHKw==
-----END PRIVATE KEY-----
""";

    internal const string PrivateKeyPkcs1Pem = """
-----BEGIN RSA PRIVATE KEY-----
MIIEpQIBAAKCAQEA46uEl2aobQ8yvvqrP34gm/GVALc6Muqt9ghCQR1e82WzZVWR
vBvkRBGbeO8O0ZJ36k3ySs0QUOmqEeEyXos22FpKU57ECbYG7V0LU7ANGcy4DwsZ
quB9GZMlrtaq35FYqzrJybAO1pnAw0xuekORhIjI7gJPPYodhG/wMSg/yIgj98xX
XTUaj1WMxHQjyN35N00IKsGHbESF4d7gm954rjyft4dIyrlFNro7uTgf5Ww95dH1
H9sRkijLyYhZ2gmKlnjSpSH+0eHnzJv1qvFG1ibY8bKzGq9qoci4JyVFcURNkNdy
wuUW5O7LnIA79fUf0h5iGEEcQyLrWrgczSC0+wIDAQABAoIBACEsSYZlSGQ/rdVi
9pcqnGYXMMP+bqX4SOm2Rq/F2k3Hw03KxpCCAI7PK/gBM90Nz5gzIaXhiZ+TNHB6
Ki8uxLUzOWzuuhdvekSVZURH54Nwr174b0B/3j/e5MORdtYFj8W/VqNNxRO4Knyq
bdc1x4W9XTLvi4vmzH89b4znavJ1EWGIUWqXGojNevHICmamAbajQRRgwYDTsdj0
H8pH+d9fQDsY+YK9iccCrnRCyUM5SH2mPP5bac35S0WBvbLzjnaprr8lpReUfrxQ
ceB7v/Jj0vxOl5o0FiGir2VIgy1TvTOMV4cs7DSLi+g9T87He8nEqITMJPOLm+qF
BkBjMAECgYEA+g0tdjY4+ZgqyYyYODGDi354YI9uO5t6eg+MdMZblX08x64Q1vGC
I4ti/teuKXtQMSUveLiuMBBfeTllU4qONKmRRbroLC9bAdNgw6SMYoPK6Mj9Gmrc
+fhaa2dQ3Wyd05wqM2y5en/Ev4+nsJhN+0TeySn4z3ZUcF65dwvzMAECgYEA6RYJ
TDXj0stH61SNumEBdX4cmm1AD0eM9B5n1I9a26quL8EeWmhT0PcROmFjI3mc13RL
pP9m0aTOBVZS3RQAABnE7xsosvagsphxW2tert7Z9JQ0k/FUC9wk7+qYrYKqnhhT
mzRu2seabPXMSYDoSTJlO8R+Ckc9a4RM30rwpPsCgYEA6YL425YTavMxsfq8BG4o
3FIE9Je9Z6jwnaB7mGnNCTNlWUwyqafr0mnOzxJ3sIFaCCsjw+cjs/r2TezNtVCF
MKTR535+ZxTqNjBCAzJdb3qIOQ/JXaxCJKZLOlXHbKCMWxtRRajZJY7AG+x5uy7g
VDCipNWvZ36nqDCtnoDoYAECgYEAsFLMO8u0iZzfzgVLpceGXARHzQaCZEyjM3Tg
5OqBOBV46YU02f18EmMktD5Bye9Ql6hRJQNUG5mJhH4V90oO6gSUdrDb6+4oCJLL
hfXGTZEl3iBTWetAwiwKATg9wVxMh4YtkQZsKbK/fle+74fFsMGf1UPCeTIFI5WU
tYIyYwsCgYEA9JkehQIJoA6IF6ffDheGByHaXmazn7qPr9FirzAfwfTl+4/G0DbU
XJF0OyCaRkpAMYuvdzKiZueNaZw8WC4V7kdCFT4bDNovTDTOKHyd0aLj6E5q7huE
ei9aNQF2mS4E3FudEgBinl0dSIEmbQdvtqQOOGqr0pJQyF4baMPZRys=
-----END RSA PRIVATE KEY-----
""";

    internal const string PublicKeyPem = """
-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA46uEl2aobQ8yvvqrP34g
m/GVALc6Muqt9ghCQR1e82WzZVWRvBvkRBGbeO8O0ZJ36k3ySs0QUOmqEeEyXos2
2FpKU57ECbYG7V0LU7ANGcy4DwsZquB9GZMlrtaq35FYqzrJybAO1pnAw0xuekOR
hIjI7gJPPYodhG/wMSg/yIgj98xXXTUaj1WMxHQjyN35N00IKsGHbESF4d7gm954
rjyft4dIyrlFNro7uTgf5Ww95dH1H9sRkijLyYhZ2gmKlnjSpSH+0eHnzJv1qvFG
1ibY8bKzGq9qoci4JyVFcURNkNdywuUW5O7LnIA79fUf0h5iGEEcQyLrWrgczSC0
+wIDAQAB
-----END PUBLIC KEY-----
""";

    private const string DocsMenuBiz =
        """{"button":[{"actionParam":"ZFB_HFCZ","actionType":"out","name":"话费充值"},{"name":"查询","subButton":[{"actionParam":"ZFB_YECX","actionType":"out","name":"余额查询"},{"actionParam":"ZFB_LLCX","actionType":"out","name":"流量查询"},{"actionParam":"ZFB_HFCX","actionType":"out","name":"话费查询"}]},{"actionParam":"http://m.alipay.com","actionType":"link","name":"最新优惠"}]}""";

    /// <summary>Alipay's published "待签名字符串" for its example request.</summary>
    private const string DocsSignString = "app_id=2014072300007148&biz_content=" + DocsMenuBiz
        + "&charset=GBK&method=alipay.mobile.public.menu.add&sign_type=RSA2&timestamp=2014-07-24 03:07:50&version=1.0";

    /// <summary>openssl dgst -sha256 -sign (PKCS#8 key above) over <see cref="DocsSignString"/>, base64.</summary>
    private const string DocsSignStringSignature = "rwRFCuYFWtxC8VQU5tBDWMT1vi1U/xBXdB7v1hpq70Co4ooBtPnc1KAzf92Zn8iMbqQvxChQwVMJ4LPCzzmErW6BTJAx/koG6fGs8WLC66JuQjzdIsw04t9zJnNWOiX3onDplcL/NgmN/c41qUjWKDe9lU1EvUYgQSBM+jUTSWTGHccQYMrYgTSmcJA2nr+9QAw5DyLsSwSsXlrCGAaCFCHXtsz1XgNMXOTUr5kUO115aaKC82SXH9ZEVDUh/M70QNG575Qf1FfY14ke0i2Iemv/TvlBBQMmIbySWF/8irEy4GuJ/jrrw9+3LCN+VCG30TvZN3sl1rKahl9YM2d/7g==";

    private static string Bare(string pem) =>
        string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));

    [Fact]
    public void The_request_sign_string_is_alipays_published_example()
    {
        // In the documented order of the example request, plus an empty value and a sign that must be left out.
        var parameters = new Dictionary<string, string>
        {
            ["method"] = "alipay.mobile.public.menu.add",
            ["app_id"] = "2014072300007148",
            ["charset"] = "GBK",
            ["sign_type"] = "RSA2",
            ["timestamp"] = "2014-07-24 03:07:50",
            ["biz_content"] = DocsMenuBiz,
            ["version"] = "1.0",
            ["app_auth_token"] = "",
            ["sign"] = "previous-signature",
        };

        AlipaySignature.RequestSignContent(parameters).ShouldBe(DocsSignString);
    }

    [Fact]
    public void Signatures_match_openssl_with_every_key_format_alipay_hands_out()
    {
        AlipaySignature.Sign(DocsSignString, PrivateKeyPkcs8Pem).ShouldBe(DocsSignStringSignature);
        AlipaySignature.Sign(DocsSignString, PrivateKeyPkcs1Pem).ShouldBe(DocsSignStringSignature);
        AlipaySignature.Sign(DocsSignString, Bare(PrivateKeyPkcs8Pem)).ShouldBe(DocsSignStringSignature);
        AlipaySignature.Sign(DocsSignString, Bare(PrivateKeyPkcs1Pem)).ShouldBe(DocsSignStringSignature);

        AlipaySignature.Verify(DocsSignString, DocsSignStringSignature, PublicKeyPem).ShouldBeTrue();
        AlipaySignature.Verify(DocsSignString, DocsSignStringSignature, Bare(PublicKeyPem)).ShouldBeTrue();
        AlipaySignature.Verify(DocsSignString.Replace("03:07:50", "03:07:51"), DocsSignStringSignature, PublicKeyPem).ShouldBeFalse();
        AlipaySignature.Verify(DocsSignString, "not base64!", PublicKeyPem).ShouldBeFalse();
    }

    [Fact]
    public void An_answer_is_verified_over_the_raw_text_of_its_response_node_as_it_appears_in_the_body()
    {
        // openssl over exactly the node's text (with Alipay's escaped slashes), pasted: p3cI5Fa1Fa1xcOCHl+9XX9YbuM/jD0uRlg6JnmKaY8fh1plujPuQYGN15wLS2PD2JN2btXSy8d7hN68KdBe/B8m0I81a0e1shZHPUag6pYidHNZZ7CQqL97A1OFXg747lkOG39Tuy1ZPaCOnuIb+WyLrfRxS84Nfe/zQNLwJ3sUCLamMMYDLcXMPH+Lzap+9wk4v3rNogWjM3LoEPIs4Nb2oyvDOULrOByiLSyF5THU89Rat8GonTDsUmG/vYVhoxE0EKROK6WN9TrknZMVjP72L7lAcwv7G9y8uY0a/qsdAt4oxpyqNRaowz1Ot7UJigRuK8yzU91A88teZ+7PXcw==
        const string node = """{"code":"10000","msg":"Success","out_trade_no":"6823789339978248","qr_code":"https:\/\/qr.alipay.com\/bavh4wjlxf12tper3a"}""";
        var body = Encoding.UTF8.GetBytes($$"""{"alipay_trade_precreate_response":{{node}},"sign":"p3cI5Fa1Fa1xcOCHl+9XX9YbuM/jD0uRlg6JnmKaY8fh1plujPuQYGN15wLS2PD2JN2btXSy8d7hN68KdBe/B8m0I81a0e1shZHPUag6pYidHNZZ7CQqL97A1OFXg747lkOG39Tuy1ZPaCOnuIb+WyLrfRxS84Nfe/zQNLwJ3sUCLamMMYDLcXMPH+Lzap+9wk4v3rNogWjM3LoEPIs4Nb2oyvDOULrOByiLSyF5THU89Rat8GonTDsUmG/vYVhoxE0EKROK6WN9TrknZMVjP72L7lAcwv7G9y8uY0a/qsdAt4oxpyqNRaowz1Ot7UJigRuK8yzU91A88teZ+7PXcw=="}""");
        var reordered = Encoding.UTF8.GetBytes($$"""{"sign":"p3cI5Fa1Fa1xcOCHl+9XX9YbuM/jD0uRlg6JnmKaY8fh1plujPuQYGN15wLS2PD2JN2btXSy8d7hN68KdBe/B8m0I81a0e1shZHPUag6pYidHNZZ7CQqL97A1OFXg747lkOG39Tuy1ZPaCOnuIb+WyLrfRxS84Nfe/zQNLwJ3sUCLamMMYDLcXMPH+Lzap+9wk4v3rNogWjM3LoEPIs4Nb2oyvDOULrOByiLSyF5THU89Rat8GonTDsUmG/vYVhoxE0EKROK6WN9TrknZMVjP72L7lAcwv7G9y8uY0a/qsdAt4oxpyqNRaowz1Ot7UJigRuK8yzU91A88teZ+7PXcw==", "alipay_trade_precreate_response":{{node}}}""");
        var tampered = Encoding.UTF8.GetBytes($$"""{"alipay_trade_precreate_response":{{node.Replace("10000", "10001")}},"sign":"p3cI5Fa1Fa1xcOCHl+9XX9YbuM/jD0uRlg6JnmKaY8fh1plujPuQYGN15wLS2PD2JN2btXSy8d7hN68KdBe/B8m0I81a0e1shZHPUag6pYidHNZZ7CQqL97A1OFXg747lkOG39Tuy1ZPaCOnuIb+WyLrfRxS84Nfe/zQNLwJ3sUCLamMMYDLcXMPH+Lzap+9wk4v3rNogWjM3LoEPIs4Nb2oyvDOULrOByiLSyF5THU89Rat8GonTDsUmG/vYVhoxE0EKROK6WN9TrknZMVjP72L7lAcwv7G9y8uY0a/qsdAt4oxpyqNRaowz1Ot7UJigRuK8yzU91A88teZ+7PXcw=="}""");
        var otherMethod = body;

        AlipaySignature.VerifyAnswer(body, "alipay.trade.precreate", PublicKeyPem).ShouldBe("alipay_trade_precreate_response");
        AlipaySignature.VerifyAnswer(reordered, "alipay.trade.precreate", PublicKeyPem).ShouldBe("alipay_trade_precreate_response");
        AlipaySignature.VerifyAnswer(tampered, "alipay.trade.precreate", PublicKeyPem).ShouldBeNull();
        AlipaySignature.VerifyAnswer(otherMethod, "alipay.trade.query", PublicKeyPem).ShouldBeNull();
    }

    [Fact]
    public void Like_the_sdks_an_answer_signed_over_plain_slashes_verifies_when_the_body_escapes_them()
    {
        // Zp+92cbxIOM8u2fP8tKWc4TgWf7OQEu1h4GUNNIczTXmMU2TJKWLtMkfttPbHTGrj4L7UcbZpdpOwL8ZdOSJywomv8W1fkQL9pdSX4d1HBOhtCnvZZ4MgVr/fuznxgo/I2RAzvOyvdvMJAv20IfTeK+uJMAXOhC/C98W0uhh9yR6VTysFE3oXtsD07HVp/AvYF53ROW3Io1ZjBxN6F41zf3XNtbKtwye/uw0LIGV8Jfj2pwY3hStjNFUxl+Aw15EvyoDePiXck6mOitq/zWNwVH4sv9QqEnXN4EEp8HZMmDz43WwXeCjpLrwxWbpECHuSUoHEQa1ls/1L+Qzvgt5cw== is openssl over the node text with "/" where the body has "\/".
        const string node = """{"code":"10000","msg":"Success","out_trade_no":"6823789339978248","qr_code":"https:\/\/qr.alipay.com\/bavh4wjlxf12tper3a"}""";
        var body = Encoding.UTF8.GetBytes($$"""{"alipay_trade_precreate_response":{{node}},"sign":"Zp+92cbxIOM8u2fP8tKWc4TgWf7OQEu1h4GUNNIczTXmMU2TJKWLtMkfttPbHTGrj4L7UcbZpdpOwL8ZdOSJywomv8W1fkQL9pdSX4d1HBOhtCnvZZ4MgVr/fuznxgo/I2RAzvOyvdvMJAv20IfTeK+uJMAXOhC/C98W0uhh9yR6VTysFE3oXtsD07HVp/AvYF53ROW3Io1ZjBxN6F41zf3XNtbKtwye/uw0LIGV8Jfj2pwY3hStjNFUxl+Aw15EvyoDePiXck6mOitq/zWNwVH4sv9QqEnXN4EEp8HZMmDz43WwXeCjpLrwxWbpECHuSUoHEQa1ls/1L+Qzvgt5cw=="}""");

        AlipaySignature.VerifyAnswer(body, "alipay.trade.precreate", PublicKeyPem).ShouldNotBeNull();
    }

    [Fact]
    public void An_error_response_node_is_verified_when_the_method_node_is_absent()
    {
        var node = """{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id","sub_msg":"无效的AppID参数"}""";
        var body = Encoding.UTF8.GetBytes($$"""{"error_response":{{node}},"sign":"{{AlipaySignature.Sign(node, PrivateKeyPkcs8Pem)}}"}""");

        AlipaySignature.VerifyAnswer(body, "alipay.trade.query", PublicKeyPem).ShouldBe("error_response");
    }

    /// <summary>A trade_status_sync notice as Alipay posts it, values URL-encoded; BSh3Tv+4CuZhGMSdpbvJXHSK5dDvGAKZCzpwy1TGrSMEtEVwoss3VJnjtBUYNfZiy8Q790xRe6xaXMDsDUKf9jVE8t2NWJPSd8KPwQ9MTcULIFn+WaARWNM4P/nrtn6j/C/wR/y+hU7xrxxndd65McV1A8kvS3j3rQaaz6uDtonSZlsrH2sUQzuBcZ2FdCP8hWp/31pS+PyPDZNz76K5913rHXa1yUKohR9QFwVzAXhavyyDMoGm+tqed/kq0fTFE/h6kdT3966wFSOAV6AByDUXP2Tqwod94c+c1EkWj5crpVzQUTQP3+c3m9LZ/vBg1j3FK84AkaIoKYiXtbXspA== is openssl over the decoded sign string.</summary>
    internal static string NoticeBody(string? signature = null, string amount = "25.99") =>
        "gmt_create=2026-11-24+16%3A00%3A01&charset=utf-8&gmt_payment=2026-11-24+16%3A00%3A08&notify_time=2026-11-24+16%3A00%3A09"
        + "&subject=%E5%92%96%E5%95%A1%E8%B1%86+Coffee+beans&sign=" + Uri.EscapeDataString(signature ?? "BSh3Tv+4CuZhGMSdpbvJXHSK5dDvGAKZCzpwy1TGrSMEtEVwoss3VJnjtBUYNfZiy8Q790xRe6xaXMDsDUKf9jVE8t2NWJPSd8KPwQ9MTcULIFn+WaARWNM4P/nrtn6j/C/wR/y+hU7xrxxndd65McV1A8kvS3j3rQaaz6uDtonSZlsrH2sUQzuBcZ2FdCP8hWp/31pS+PyPDZNz76K5913rHXa1yUKohR9QFwVzAXhavyyDMoGm+tqed/kq0fTFE/h6kdT3966wFSOAV6AByDUXP2Tqwod94c+c1EkWj5crpVzQUTQP3+c3m9LZ/vBg1j3FK84AkaIoKYiXtbXspA==")
        + "&buyer_id=2088102146225135&version=1.0&notify_id=ac05099524730693a8b330c5ecf72da9786&notify_type=trade_status_sync"
        + "&out_trade_no=pay_6823789339978248&total_amount=" + amount + "&trade_status=TRADE_SUCCESS&trade_no=2026112422001405851000000001"
        + "&auth_app_id=2014072300007148&app_id=2014072300007148&sign_type=RSA2";

    [Fact]
    public async Task A_notice_is_verified_over_its_decoded_parameters_without_sign_and_sign_type()
    {
        var adapter = new AlipayChannelAdapter(new NoHttp(), TimeProvider.System);
        var account = new ChannelAccountContext("ca_1", "alipay", "alipay", null, new Dictionary<string, string>
        {
            ["app_id"] = "2014072300007148", ["alipay_public_key"] = Bare(PublicKeyPem), ["merchant_private_key"] = PrivateKeyPkcs8Pem,
            ["gateway_url"] = "http://127.0.0.1:9/gateway.do",
        }, new Uri("http://127.0.0.1/notify/ca_1"));
        ChannelCallbackRequest Request(string body) => new("POST", new Dictionary<string, string>(), new Dictionary<string, string>(),
            "application/x-www-form-urlencoded; charset=utf-8", Encoding.UTF8.GetBytes(body));

        var genuine = await adapter.ParseCallbackAsync(account, Request(NoticeBody()), CancellationToken.None);
        var alteredAmount = await adapter.ParseCallbackAsync(account, Request(NoticeBody(amount: "0.01")), CancellationToken.None);
        var otherApp = await adapter.ParseCallbackAsync(account with { Credentials = new Dictionary<string, string>(account.Credentials) { ["app_id"] = "2021000000000000" } },
            Request(NoticeBody()), CancellationToken.None);

        genuine.Verified.ShouldBeTrue(genuine.RejectionReason);
        genuine.Notice!.Kind.ShouldBe(ChannelNoticeKind.Payment);
        genuine.Notice.OrderId.ShouldBe("pay_6823789339978248");
        genuine.Notice.NoticeId.ShouldBe("ac05099524730693a8b330c5ecf72da9786");
        genuine.Notice.Report.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        genuine.Notice.Report.Amount.ShouldBe(2599);
        genuine.Notice.Report.CompletedAt.ShouldBe(new DateTimeOffset(2026, 11, 24, 8, 0, 8, TimeSpan.Zero));
        genuine.Notice.Report.CompletedAt!.Value.Offset.ShouldBe(TimeSpan.Zero);
        alteredAmount.Verified.ShouldBeFalse();
        otherApp.Verified.ShouldBeFalse();
        new AlipayProfile().Acknowledgement!.Answer(true).Body.ShouldBe("success");
        new AlipayProfile().Acknowledgement!.Answer(false).Body.ShouldNotBe("success");
    }

    [Fact]
    public async Task A_notice_with_empty_fields_is_verified_with_them_kept_as_rsaCheckV1_does()
    {
        // The notice above with Alipay's empty passback_params= and body=, signed independently with openssl over the
        // decoded parameters but sign and sign_type, sorted, empty values kept (the SDKs' getSignCheckContentV1).
        const string signature = "uOGLpezqzBQMUHbmk+GiwGaRbGH1EToJcEU/wyynA+Nlbu+CcOSIphxQ9m2LZrgTzmb6mdNEafEJba/RKkpGveP8W8nftyui17N9WelEgsldfyiYvEsPu2MkmKW7qOidboKdoWTw1T0uTe4J87wAWAaa7F8NkgU2f9KEcr0+VLv1fdqXagF9XVug2Zj1lVIW/yFnVZ2bI6v7k7t0Z88f/sNt+4QWOzfb9RNFabqk2pOfZtRbnsBaXXCJ1mFtA7NQDUFMzMZj48hd2VvyvftOp6TyZdH0XCXmnJ055ILW+yYOu4lHa7lhsQRd6MCmBPab+VvYOwQ5UIy4cPE5LZoa6A==";
        var body = NoticeBody(signature) + "&passback_params=&body=";
        var form = AlipayProtocol.ParseForm(body);
        var adapter = new AlipayChannelAdapter(new NoHttp(), TimeProvider.System);
        var account = new ChannelAccountContext("ca_1", "alipay", "alipay", null, new Dictionary<string, string>
        {
            ["app_id"] = "2014072300007148", ["alipay_public_key"] = Bare(PublicKeyPem), ["merchant_private_key"] = PrivateKeyPkcs8Pem,
            ["gateway_url"] = "http://127.0.0.1:9/gateway.do",
        }, new Uri("http://127.0.0.1/notify/ca_1"));

        AlipaySignature.NoticeSignContent(form).ShouldContain("&body=&buyer_id=");
        AlipaySignature.NoticeSignContent(form).ShouldContain("&passback_params=&subject=");
        AlipaySignature.RequestSignContent(form).ShouldNotContain("passback_params", Case.Sensitive, "a request drops blanks");
        var parsed = await adapter.ParseCallbackAsync(account, new ChannelCallbackRequest("POST", new Dictionary<string, string>(), new Dictionary<string, string>(),
            "application/x-www-form-urlencoded; charset=utf-8", Encoding.UTF8.GetBytes(body)), CancellationToken.None);
        parsed.Verified.ShouldBeTrue(parsed.RejectionReason);
        parsed.Notice!.Report.Amount.ShouldBe(2599);
    }

    [Theory]
    [InlineData(2599L, "25.99")]
    [InlineData(1L, "0.01")]
    [InlineData(10L, "0.10")]
    [InlineData(0L, "0.00")]
    [InlineData(100000000L, "1000000.00")]
    public void Fen_and_yuan_convert_exactly_both_ways(long fen, string yuan)
    {
        AlipayProtocol.ToYuan(fen).ShouldBe(yuan);
        AlipayProtocol.ParseYuan(yuan).ShouldBe(fen);
    }

    [Theory]
    [InlineData("25.9", 2590L)]
    [InlineData("25", 2500L)]
    [InlineData("25.999", null)]
    [InlineData("-1.00", null)]
    [InlineData("1e3", null)]
    [InlineData("25.", null)]
    [InlineData(".5", null)]
    [InlineData("", null)]
    public void Yuan_strings_alipay_may_send_parse_exactly_or_not_at_all(string yuan, long? fen) =>
        AlipayProtocol.ParseYuan(yuan).ShouldBe(fen);

    [Fact]
    public void Timestamps_are_beijing_wall_clock_time() =>
        AlipayProtocol.BeijingTime(new DateTimeOffset(2026, 11, 24, 23, 30, 5, TimeSpan.Zero)).ShouldBe("2026-11-25 07:30:05");

    [Fact]
    public void Every_default_rule_is_unique_and_the_unknown_codes_stay_unknown()
    {
        var rules = new AlipayProfile().ResultCodes;
        rules.GroupBy(r => (r.Flow, r.RawCode, r.RawSubCode)).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty();
        AlipayResultCodes.OutcomeOf(ChannelFlow.Pay, "20000", "isp.unknow-error").ShouldBe(ChannelOutcome.Unknown);
        AlipayResultCodes.OutcomeOf(ChannelFlow.Refund, "40004", "ACQ.SYSTEM_ERROR").ShouldBe(ChannelOutcome.Unknown);
        AlipayResultCodes.OutcomeOf(ChannelFlow.Query, "40004", "ACQ.TRADE_NOT_EXIST").ShouldBe(ChannelOutcome.Pending);
        AlipayResultCodes.OutcomeOf(ChannelFlow.Query, "40002", "isv.invalid-signature").ShouldBe(ChannelOutcome.Unknown);
        AlipayResultCodes.OutcomeOf(ChannelFlow.Pay, "40002", "isv.invalid-signature").ShouldBe(ChannelOutcome.Failed);
        AlipayResultCodes.OutcomeOf(ChannelFlow.Query, "10000", "TRADE_FINISHED").ShouldBe(ChannelOutcome.Succeeded);
        AlipayResultCodes.OutcomeOf(ChannelFlow.Close, "40004", "ACQ.TRADE_NOT_EXIST").ShouldBe(ChannelOutcome.Succeeded);
        AlipayResultCodes.OutcomeOf(ChannelFlow.Withdraw, "10000", "DEALING").ShouldBe(ChannelOutcome.Pending);
        AlipayResultCodes.OutcomeOf(ChannelFlow.Pay, "99999", null).ShouldBe(ChannelOutcome.Unknown);
    }

    private sealed class NoHttp : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no HTTP in this test");
    }
}
