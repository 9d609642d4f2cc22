using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Sluice.Common;
using Sluice.Data;
using Sluice.Money;
using Sluice.Payments;
using Sluice.Security;
using Sluice.Webhooks;

namespace Sluice.Tests.Domain;

public class PaymentStateMachineTests
{
    public static TheoryData<PaymentStatus> Terminal() => [PaymentStatus.Succeeded, PaymentStatus.Failed, PaymentStatus.Closed];

    [Theory]
    [MemberData(nameof(Terminal))]
    public void Terminal_states_are_final(PaymentStatus terminal)
    {
        PaymentStateMachine.IsTerminal(terminal).ShouldBeTrue();
        foreach (var to in Enum.GetValues<PaymentStatus>())
        {
            PaymentStateMachine.CanTransition(terminal, to).ShouldBeFalse($"{terminal} -> {to}");
        }
    }

    [Fact]
    public void Open_states_reach_every_terminal_state_and_never_go_back_to_created()
    {
        foreach (var from in new[] { PaymentStatus.Created, PaymentStatus.Pending })
        {
            PaymentStateMachine.CanTransition(from, PaymentStatus.Succeeded).ShouldBeTrue();
            PaymentStateMachine.CanTransition(from, PaymentStatus.Failed).ShouldBeTrue();
            PaymentStateMachine.CanTransition(from, PaymentStatus.Closed).ShouldBeTrue();
            PaymentStateMachine.CanTransition(from, PaymentStatus.Created).ShouldBeFalse();
        }

        PaymentStateMachine.CanTransition(PaymentStatus.Pending, PaymentStatus.Pending).ShouldBeFalse();
    }
}

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

public class MoneyAndIdsTests
{
    [Fact]
    public void Currencies_know_their_minor_units_and_unknown_or_lower_case_codes_are_refused()
    {
        Currency.TryGet("CNY", out var cny).ShouldBeTrue();
        cny!.MinorUnitDigits.ShouldBe(2);
        Currency.TryGet("JPY", out var jpy).ShouldBeTrue();
        jpy!.MinorUnitDigits.ShouldBe(0);
        Currency.TryGet("KWD", out var kwd).ShouldBeTrue();
        kwd!.MinorUnitDigits.ShouldBe(3);
        Currency.TryGet("cny", out _).ShouldBeFalse();
        Currency.TryGet("XXX", out _).ShouldBeFalse();
        Currency.TryGet(null, out _).ShouldBeFalse();
    }

    [Fact]
    public void Ids_carry_their_type_and_sort_by_creation_time()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 24, 8, 0, 0, TimeSpan.Zero));
        var ids = new IdGenerator(clock);
        var made = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            made.Add(ids.Next("pay"));
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        made.ShouldAllBe(id => id.StartsWith("pay_") && id.Length == 30);
        made.ShouldBe(made.Order(StringComparer.Ordinal).ToList());
        made.Distinct().Count().ShouldBe(50);
    }

    [Fact]
    public void Webhook_retries_span_more_than_24_hours_with_growing_delays()
    {
        WebhookRetrySchedule.TotalSpan.ShouldBeGreaterThan(TimeSpan.FromHours(24));
        var delays = Enumerable.Range(1, WebhookRetrySchedule.MaxAttempts - 1).Select(a => WebhookRetrySchedule.DelayAfter(a)!.Value).ToList();
        delays.ShouldBe(delays.Order().ToList());
        WebhookRetrySchedule.DelayAfter(WebhookRetrySchedule.MaxAttempts).ShouldBeNull();
    }

    [Fact]
    public void A_postgres_connection_string_selects_postgres_and_the_default_is_sqlite()
    {
        static DatabaseProvider For(Dictionary<string, string?> values) =>
            SluiceDatabase.ProviderFrom(new ConfigurationBuilder().AddInMemoryCollection(values).Build());

        For(new() { ["ConnectionStrings:Sluice"] = "Host=db;Database=sluice" }).ShouldBe(DatabaseProvider.Postgres);
        For(new() { ["ConnectionStrings:Sluice"] = "Data Source=data/sluice.db" }).ShouldBe(DatabaseProvider.Sqlite);
        For(new()).ShouldBe(DatabaseProvider.Sqlite);
        For(new() { ["Sluice:Database:Provider"] = "postgres", ["ConnectionStrings:Sluice"] = "Server=x" }).ShouldBe(DatabaseProvider.Postgres);
        Should.Throw<InvalidOperationException>(() => For(new() { ["Sluice:Database:Provider"] = "oracle" }));
    }
}
