using System.Security.Cryptography;
using System.Text;
using Sluice.Security;

namespace Sluice.Tests.Domain;

public class SecurityPrimitiveTests
{
    [Fact]
    public void Protected_credentials_round_trip_and_any_tampering_or_wrong_key_is_detected()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var protector = new CredentialProtector(key);
        var sealedText = protector.Protect("{\"api_secret\":\"s3cr3t\"}");

        sealedText.ShouldNotContain("s3cr3t");
        protector.Unprotect(sealedText).ShouldBe("{\"api_secret\":\"s3cr3t\"}");
        protector.Protect("same").ShouldNotBe(protector.Protect("same"));
        var parts = sealedText.Split('.');
        var flipped = (parts[3][0] == 'A' ? "B" : "A") + parts[3][1..];
        Should.Throw<CryptographicException>(() => protector.Unprotect(string.Join('.', parts[0], parts[1], parts[2], flipped)));
        Should.Throw<CryptographicException>(() => new CredentialProtector(RandomNumberGenerator.GetBytes(32)).Unprotect(sealedText));
        Should.Throw<ArgumentException>(() => new CredentialProtector(new byte[16]));
    }

    [Fact]
    public void Hmac_signatures_verify_only_the_exact_body_within_the_time_window()
    {
        var now = new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);
        var body = Encoding.UTF8.GetBytes("{\"amount\":2599}");
        var header = HmacSignature.Sign("whsec_test", now.ToUnixTimeSeconds(), body);

        // Independent computation: HMAC-SHA256 over "{t}.{body}" in lower-case hex.
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_test"), Encoding.UTF8.GetBytes($"{now.ToUnixTimeSeconds()}.{{\"amount\":2599}}")));
        header.ShouldBe($"t={now.ToUnixTimeSeconds()},v1={expected}");
        HmacSignature.Verify("whsec_test", header, body, now.AddMinutes(4), TimeSpan.FromMinutes(5)).ShouldBeTrue();
        HmacSignature.Verify("whsec_test", header, body, now.AddMinutes(6), TimeSpan.FromMinutes(5)).ShouldBeFalse();
        HmacSignature.Verify("whsec_other", header, body, now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        HmacSignature.Verify("whsec_test", header, Encoding.UTF8.GetBytes("{\"amount\":2598}"), now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        HmacSignature.Verify("whsec_test", "garbage", body, now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        HmacSignature.Verify("whsec_test", null, body, now, TimeSpan.FromMinutes(5)).ShouldBeFalse();
    }

    [Fact]
    public void Api_keys_are_found_by_prefix_and_matched_by_hash_only()
    {
        var key = ApiKeys.Create("live");

        key.Plaintext.ShouldStartWith(key.Prefix + "_");
        ApiKeys.PrefixOf(key.Plaintext).ShouldBe(key.Prefix);
        ApiKeys.Matches(key.Plaintext, key.Hash).ShouldBeTrue();
        ApiKeys.Matches(key.Plaintext + "x", key.Hash).ShouldBeFalse();
        ApiKeys.PrefixOf("Bearer nonsense").ShouldBeNull();
        ApiKeys.Create("live").Plaintext.ShouldNotBe(key.Plaintext);
    }
}
