using System.Security.Cryptography;
using System.Text;
using Sluice.Channels;
using Sluice.Channels.WeChatPay;
using static Sluice.Channels.WeChatPay.WeChatPayResultCodes;

namespace Sluice.Tests.Channels.WeChatPay;

/// <summary>WeChat Pay v3 primitives against published vectors and independent implementations.</summary>
public sealed class WeChatPayProtocolTests
{
    /// <summary>
    /// The RSA test key of wechatpay-go (github.com/wechatpay-apiv3/wechatpay-go, utils/sign_test.go,
    /// testAlgorithmPrivateKeyStr; published there with a "TESTING KEY" label).
    /// </summary>
    internal const string SdkTestPrivateKey = """
        -----BEGIN PRIVATE KEY-----
        MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDZUJN33V+dSfvd
        fL0Mu+39XrZNXFFMQSy1V15FpncHeV47SmV0TzTqZc7hHB0ddqAdDi8Z5k3TKqb7
        6sOwYr5TcAfuR6PIPaleyE0/0KrljBum2Isa2Nyq7Dgc3ElBQ6YN4l/a+DpvKaz1
        FSKmKrhLNskqokWVSlu4g8OlKlbPXQ9ibII14MZRQrrkTmHYHzfi7GXXM0thAKuR
        0HNvyhTHBh4/lrYM3GaMvmWwkwvsMavnOex6+eioZHBOb1/EIZ/LzC6zuHArPpyW
        3daGaZ1rtQB1vVzTyERAVVFsXXgBHvfFud3w3ShsJYk8JvMwK2RpJ5/gV0QSARcm
        LDRUAlPzAgMBAAECggEBAMc7rDeUaXiWv6bMGbZ3BTXpg1FhdddnWUnYE8HfX/km
        OFI7XtBHXcgYFpcjYz4D5787pcsk7ezPidAj58zqenuclmjKnUmT3pfbI5eCA2v4
        C9HnbYDrmUPK1ZcADtka4D6ScDccpNYNa1g2TFHzkIrEa6H+q7S3O2fqxY/DRVtN
        0JIXalBb8daaqL5QVzSmM2BMVnHy+YITJWIkP2a3pKs9C0W65JGDsnG0wVrHinHF
        +cnhFZIbaPEI//DAFMc9NkrWOKVRTEgcCUxCFaHOZVNxDWZD7A2ZfJB2rK6eg//y
        gEiFDR2h6mTaDowMB4YF2n2dsIO4/dCG8vPHI20jn4ECgYEA/ZGu6lEMlO0XZnam
        AZGtiNgLcCfM/C2ZERZE7QTRPZH1WdK92Al9ndldsswFw4baJrJLCmghjF/iG4zi
        hhBvLnOLksnZUfjdumxoHDWXo2QBWbI5QsWIE7AuTiWgWj1I7X4fCXSQf6i+M/y2
        6TogQ7d0ANpZFyOkTNMn/tiJvLECgYEA22XqlamG/yfAGWery5KNH2DGlTIyd6xJ
        WtJ9j3jU99lZ0bCQ5xhiBbU9ImxCi3zgTsoqLWgA/p00HhNFNoUcTl9ofc0G3zwT
        D1y0ZzcnVKxGJdZ6ohW52V0hJStAigtjYAsUgjm7//FH7PiQDBDP1Wa6xSRkDQU/
        aSbQxvEE8+MCgYEA3bb8krW7opyM0XL9RHH0oqsFlVO30Oit5lrqebS0oHl3Zsr2
        ZGgoBlWBsEzk3UqUhTFwm/DhJLTSJ/TQPRkxnhQ5/mewNhS9C7yua7wQkzVmWN+V
        YeUGTvDGDF6qDz12/vJAgSwDDRym8x4NcXD5tTw7mmNRcwIfL22SkysThIECgYAV
        BgccoEoXWS/HP2/u6fQr9ZIR6eV8Ij5FPbZacTG3LlS1Cz5XZra95UgebFFUHHtC
        EY1JHJY7z8SWvTH8r3Su7eWNaIAoFBGffzqqSVazfm6aYZsOvRY6BfqPHT3p/H1h
        Tq6AbBffxrcltgvXnCTORjHPglU0CjSxVs7awW3AEQKBgB5WtaC8VLROM7rkfVIq
        +RXqE5vtJfa3e3N7W3RqxKp4zHFAPfr82FK5CX2bppEaxY7SEZVvVInKDc5gKdG/
        jWNRBmvvftZhY59PILHO2X5vO4FXh7suEjy6VIh0gsnK36mmRboYIBGsNuDHjXLe
        BDa+8mDLkWu5nHEhOxy2JJZl
        -----END PRIVATE KEY-----
        """;

    private static string SdkKey() => SdkTestPrivateKey;

    [Fact]
    public void Sha256withRsa_matches_the_wechatpay_go_published_signature()
    {
        // wechatpay-go utils/sign_test.go TestSha256WithRsa: SignSHA256WithRSA("source") == testAlgorithmExpectSignature
        // (also reproduced with `printf source | openssl dgst -sha256 -sign key.pem | base64`).
        const string expected = "BKyAfU4iMCuvXMXS0Wzam3V/cnxZ+JaqigPM5OhljS2iOT95OO6Fsuml2JkFANJU9K6q9bLlDhPXuoV"
            + "z+pp4hAm6pHU4ld815U4jsKu1RkyaII+1CYBUYC8TK0XtJ8FwUXXz8vZHh58rrAVN1XwNyvD1vfpxrMT4SL536GLwvpUHlCqIMzoZUguLl"
            + "i/K8V29QiOhuH6IEqLNJn8e9b3nwNcQ7be3CzYGpDAKBfDGPCqCv8Rw5zndhlffk2FEA70G4hvMwe51qMN/RAJbknXG23bSlObuTCN7Ndj"
            + "1aJGH6/L+hdwfLpUtJm4QYVazzW7DFD27EpSQEqA8bX9+8m1rLg==";

        WeChatPayProtocol.Sign(SdkKey(), "source").ShouldBe(expected);
        WeChatPayProtocol.Verify(SdkKey(), "source", expected).ShouldBeTrue();
        WeChatPayProtocol.Verify(SdkKey(), "sourcE", expected).ShouldBeFalse();
        WeChatPayProtocol.Verify(SdkKey(), "source", "not base64!").ShouldBeFalse();
    }

    [Fact]
    public void Request_sign_string_is_the_documented_five_lines()
    {
        // pay.weixin.qq.com "签名生成" (wechatpay4_0): GET /v3/certificates at 1554208460 with nonce 593BEC0C930BF1AFEB40B4A08C8FB242
        // and an empty body signs "GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n".
        WeChatPayProtocol.RequestSignString("GET", "/v3/certificates", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", "")
            .ShouldBe("GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n");
        WeChatPayProtocol.AnswerSignString("1554209980", "c5ac7061fccab6bf3e254dcf98995b8c", "{\"a\":1}")
            .ShouldBe("1554209980\nc5ac7061fccab6bf3e254dcf98995b8c\n{\"a\":1}\n");
    }

    [Fact]
    public void A_post_sign_string_signs_as_openssl_does()
    {
        // No published vector signs a POST; cross-checked with openssl:
        // printf 'POST\n/v3/pay/transactions/native\n1554208460\n593BEC...\n{body}\n' | openssl dgst -sha256 -sign key.pem | base64
        const string body = "{\"appid\":\"wxd678efh567hg6787\",\"mchid\":\"1230000109\",\"description\":\"Image形象店-深圳腾大-QQ公仔\","
            + "\"out_trade_no\":\"1217752501201407033233368018\",\"notify_url\":\"https://www.weixin.qq.com/wxpay/pay.php\",\"amount\":{\"total\":100,\"currency\":\"CNY\"}}";
        const string openssl = "G7ADhrfaKVrrQb5dmPK/GTVXfkFEt6PFUUPc8eMsS5EZHVboq4+aT69gTAltdkfnzn+7/smBTjLtQj2EFOaQchOB4Uce/CU7loYBnwTgNEg7iGx7E12t0q1DQR2rC+xIqRJL1zqGKGuqqOD8SAEJfiiZzFhxRwayhvhkLpIqNOYuXHD2uJnBomf+RjuvyRiBtBabkueDGY08skMF2byICGr8u9pYIvcAdoIpZGhe37U1KFl54/Amhxsvn47pyj3mcVzK0S9XaFomnmZ4O+FpxpyFIxqqATF+fUt064Kv+jLJnc12JTZ6gtg5uyDK4alysbyFZDLhJV/jibUYxpmF4g==";

        var signString = WeChatPayProtocol.RequestSignString("POST", "/v3/pay/transactions/native", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", body);

        WeChatPayProtocol.Sign(SdkKey(), signString).ShouldBe(openssl);
    }

    [Fact]
    public void Jsapi_pay_sign_is_over_four_lines_and_matches_openssl()
    {
        // The JSAPI paySign string (appId\ntimeStamp\nnonceStr\npackage\n) of the WeChat Pay JSAPI docs' example values, signed
        // with openssl dgst -sha256 -sign (no published signature exists for it).
        const string openssl = "UV+EKQ3OdnOkUbbKaVi53s/67T59JbHx9gc9MaWoQEOaiZH+uYMByfW2MWXTZW1gnOXl1CqwzHtx7QUxfatSdSxgBhbNhJx1QaxkP0zSXAgXIoWPAktOlj9n/phfOH95rNl8bHzRDUoNAMQmfQy8SHGooKtEU6/87nWXHhcYarv/nmtgAJcwsV+lGJQ4jLZhGl5BaAvpLW1Xg8yYg1DXNjik2SPK8d+4FRSkW671wIvxXQCYqG3mi3FvxP5XJ3OBVbPk4GRf/8wi2r2eiqXYd5e4mRMIAOGxqape9Cm46kxrjlHF0uM+wSir4Nychn2H5geUh2YvE8vJJMAqmkN2gg==";
        var lines = WeChatPayProtocol.Lines("wx8888888888888888", "1414561699", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "prepay_id=wx201410272009395522657a690389285100");

        lines.ShouldBe("wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n");
        WeChatPayProtocol.Sign(SdkKey(), lines).ShouldBe(openssl);
    }

    [Fact]
    public void Aead_decryption_matches_the_wechatpay_go_vector_and_rejects_wrong_keys_and_tampering()
    {
        // wechatpay-go utils/aes_test.go TestDecryptAes256Gcm (its key is 16 bytes, so the vector is AES-128-GCM; the
        // construction — UTF-8 nonce and associated data, tag appended, base64 — is the one WeChat Pay uses).
        var key = Encoding.UTF8.GetBytes("testAPIv3Key0000");

        WeChatPayProtocol.DecryptResource(key, "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8", "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC").ShouldBe("Hello World");
        WeChatPayProtocol.DecryptResource(Encoding.UTF8.GetBytes("testAPIv3Key1111"), "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8",
            "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC").ShouldBeNull();
        WeChatPayProtocol.DecryptResource(key, "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8", "SGVsbG8gV29ybGQK").ShouldBeNull();
        WeChatPayProtocol.DecryptResource(key, "wCq51qZv4Yfg", "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8", "invalid cipher").ShouldBeNull();
        WeChatPayProtocol.DecryptResource(key, "wCq51qZv4Yfg", "other associated data", "FsdXzxryWfKwvLJKf8LG/ToRPTRh8RN9wROC").ShouldBeNull();
    }

    [Fact]
    public void Aes_256_gcm_with_a_32_byte_api_v3_key_matches_python_cryptography()
    {
        // Sealed with python3 cryptography AESGCM(key).encrypt(b"fdasflkja484", plaintext, b"transaction"), base64.
        const string sealedResource = "vW8lnTfrX9F7VKflsislo+TrTsdTJSXm7ho4sOwECjoP9Yeg+AfgmetP32lx7xS5KQdM3eiO0Len1d4gZ9Ami9UKqcap/rwo8uQ2tsMKp998+H3NfFP2DdKM/vmqo0+mQ1LGks0KGX3GuLgXKaeGc8JCQpo8GYuiXgVDgURdd1sG";
        const string plaintext = "{\"mchid\":\"1900000109\",\"out_trade_no\":\"pay_0001\",\"trade_state\":\"SUCCESS\",\"amount\":{\"total\":2599,\"currency\":\"CNY\"}}";
        var key = Encoding.UTF8.GetBytes("0123456789abcdefghijABCDEFGHIJ01");

        WeChatPayProtocol.DecryptResource(key, "fdasflkja484", "transaction", sealedResource).ShouldBe(plaintext);
        WeChatPayProtocol.EncryptResource(key, "fdasflkja484", "transaction", plaintext).ShouldBe(sealedResource);
    }

    [Fact]
    public void Sensitive_fields_decrypt_what_openssl_oaep_encrypted()
    {
        // printf '张三' | openssl pkeyutl -encrypt -pubin -inkey pub.pem -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha1 | base64
        const string openssl = "Xp8MI96Ejb2TYi8V1RIFiHUXksSUP+tv7Xwh0ZqRlLATIyrLibkcNvv/SVHV3/5eyZ2gFOpXQn/KO1e6/cYvDPgC2dWoGuKy70OtdUeLTBWYCPnPVAs7tpRtoJKdo2/pqJW/yvryqrMF6T8DJU59mjSuW8WgtRUCPBh+vo4n84DSijq8LG01gxMv7vszHnvuH/21c+ValnbTUN57hGU/GNnvZSkPqGc6+G2KdnnWo6T1EkpSWsSqhURcY9ZcxiP8DSDZ8e4uzzQtWRwh6Sz8s7li9moGVLXytnURqGAFmwpfuXckSRKUbAExup9kYAqfzZ37V1XKHuLyLKOmRRkZIw==";

        WeChatPayProtocol.DecryptSensitive(SdkKey(), openssl).ShouldBe("张三");
        var ours = WeChatPayProtocol.EncryptSensitive(SdkKey(), "李四");
        ours.ShouldNotBe(WeChatPayProtocol.EncryptSensitive(SdkKey(), "李四"), "OAEP is randomized");
        WeChatPayProtocol.DecryptSensitive(SdkKey(), ours).ShouldBe("李四");
    }

    [Fact]
    public void Authorization_header_round_trips_in_any_field_order()
    {
        var header = WeChatPayProtocol.Authorization("1900009191", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C", 1554208460, "593BEC0C930BF1AFEB40B4A08C8FB242", "c2ln");
        header.ShouldBe("WECHATPAY2-SHA256-RSA2048 mchid=\"1900009191\",nonce_str=\"593BEC0C930BF1AFEB40B4A08C8FB242\",signature=\"c2ln\","
            + "timestamp=\"1554208460\",serial_no=\"1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C\"");

        var reordered = WeChatPayProtocol.ParseAuthorization("WECHATPAY2-SHA256-RSA2048 serial_no=\"AB\", signature=\"x/y+z==\",mchid=\"1\",timestamp=\"2\",nonce_str=\"N\"");
        reordered!["signature"].ShouldBe("x/y+z==");
        reordered["serial_no"].ShouldBe("AB");
        WeChatPayProtocol.ParseAuthorization("Bearer abc").ShouldBeNull();
    }

    [Fact]
    public void Timestamps_are_fresh_for_five_minutes_either_way()
    {
        var now = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        var at = now.ToUnixTimeSeconds();

        WeChatPayProtocol.IsFresh((at - 300).ToString(), now).ShouldBeTrue();
        WeChatPayProtocol.IsFresh((at + 300).ToString(), now).ShouldBeTrue();
        WeChatPayProtocol.IsFresh((at - 301).ToString(), now).ShouldBeFalse();
        WeChatPayProtocol.IsFresh((at + 301).ToString(), now).ShouldBeFalse();
        WeChatPayProtocol.IsFresh("-1", now).ShouldBeFalse();
        WeChatPayProtocol.IsFresh("soon", now).ShouldBeFalse();
    }

    [Fact]
    public void Times_are_rfc3339_in_china_time_and_yuan_is_exact()
    {
        WeChatPayProtocol.Rfc3339(new DateTimeOffset(2018, 6, 8, 2, 34, 56, TimeSpan.Zero)).ShouldBe("2018-06-08T10:34:56+08:00");
        WeChatPayProtocol.Yuan(2599).ShouldBe("25.99");
        WeChatPayProtocol.Yuan(5).ShouldBe("0.05");
        WeChatPayProtocol.Yuan(-1600).ShouldBe("-16.00");
        WeChatPayProtocol.Yuan(long.MaxValue).ShouldBe("92233720368547758.07");
    }

    [Theory]
    [InlineData(ChannelFlow.Query, Codes.Success, TradeStates.Success, ChannelOutcome.Succeeded)]
    [InlineData(ChannelFlow.Query, Codes.Success, TradeStates.Refund, ChannelOutcome.Succeeded)]
    [InlineData(ChannelFlow.Query, Codes.Success, TradeStates.NotPay, ChannelOutcome.Pending)]
    [InlineData(ChannelFlow.Query, Codes.Success, TradeStates.UserPaying, ChannelOutcome.Pending)]
    [InlineData(ChannelFlow.Query, Codes.Success, TradeStates.Closed, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.Query, Codes.Success, TradeStates.Revoked, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.Query, Codes.Success, TradeStates.PayError, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.Query, Codes.Success, "SOMETHING_NEW", ChannelOutcome.Unknown)]
    [InlineData(ChannelFlow.Pay, Codes.Success, TradeStates.NotPay, ChannelOutcome.Pending)]
    [InlineData(ChannelFlow.Close, Codes.Success, null, ChannelOutcome.Succeeded)]
    [InlineData(ChannelFlow.Close, Codes.OrderPaid, null, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.Close, Codes.OrderClosed, null, ChannelOutcome.Succeeded)]
    [InlineData(ChannelFlow.Pay, Codes.OrderPaid, null, ChannelOutcome.Unknown)]
    [InlineData(ChannelFlow.Pay, Codes.FrequencyLimited, null, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.Query, Codes.FrequencyLimited, null, ChannelOutcome.Unknown)]
    [InlineData(ChannelFlow.Query, Codes.SystemError, null, ChannelOutcome.Unknown)]
    [InlineData(ChannelFlow.Refund, Codes.Success, RefundStates.Processing, ChannelOutcome.Pending)]
    [InlineData(ChannelFlow.RefundQuery, Codes.Success, RefundStates.Success, ChannelOutcome.Succeeded)]
    [InlineData(ChannelFlow.Notify, Codes.Success, RefundStates.Abnormal, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.Refund, Codes.UserAccountAbnormal, null, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.Refund, Codes.NotEnough, null, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.Withdraw, Codes.Success, TransferStates.WaitUserConfirm, ChannelOutcome.Pending)]
    [InlineData(ChannelFlow.WithdrawQuery, Codes.Success, TransferStates.Fail, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.WithdrawQuery, Codes.Success, TransferStates.Cancelled, ChannelOutcome.Failed)]
    [InlineData(ChannelFlow.Pay, "A_CODE_NOBODY_DOCUMENTED", null, ChannelOutcome.Unknown)]
    public void Result_codes_map_trade_refund_and_transfer_states(ChannelFlow flow, string code, string? subCode, ChannelOutcome expected) =>
        WeChatPayResultCodes.Outcome(flow, code, subCode).ShouldBe(expected);

    [Fact]
    public void Every_rule_is_unique_and_the_transport_rules_are_included()
    {
        Rules.GroupBy(r => (r.Flow, r.RawCode, r.RawSubCode)).ShouldAllBe(g => g.Count() == 1);
        Rules.ShouldContain(r => r.RawCode == ChannelTransport.UnverifiedAnswer);
        Rules.ShouldAllBe(r => r.MessageEn.Length > 0 && r.MessageZh.Length > 0);
    }
}
