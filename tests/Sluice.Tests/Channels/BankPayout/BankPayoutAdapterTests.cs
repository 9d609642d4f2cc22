using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Sluice.Channels;
using Sluice.Channels.BankPayout;
using Sluice.Tests.Channels.UnionPay;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Channels.BankPayout;

/// <summary>
/// The bank payout adapter against the simulated bank over HTTP. The gateway's withdrawal API does not exist yet,
/// so these drive the adapter directly, with the bank's notices received by a test endpoint and parsed by the adapter.
/// </summary>
public sealed class BankPayoutAdapterTests(SimulatorHost simulator) : IClassFixture<SimulatorHost>, IAsyncLifetime
{
    private static readonly BankPayoutProfile Profile = new();

    private readonly BankPayoutChannelAdapter _adapter = new(UnionPayTestKit.HttpClients(TimeSpan.FromSeconds(2)), TimeProvider.System);
    private WebhookReceiver _notices = null!;

    public async ValueTask InitializeAsync() => _notices = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _notices.DisposeAsync();
        await simulator.Client().DeleteAsync("control/behaviours?channel=bankpayout");
    }

    private async Task<ChannelAccountContext> AccountAsync()
    {
        using var client = simulator.Client();
        var clientId = "CORP" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var issued = await (await client.PostAsJsonAsync("control/bankpayout/clients", new { client_id = clientId })).ReadJsonAsync();
        return new ChannelAccountContext("ca_bank_test", "bank-sim", "bank", null, new Dictionary<string, string>
        {
            ["client_id"] = clientId, ["secret"] = issued.Str("secret"), ["base_url"] = simulator.BaseAddress.ToString(),
        }, _notices.Url);
    }

    private static string NewNo() => UnionPayTestKit.NewId("wdr");

    private static ChannelWithdrawRequest Payout(string no, long amount = 500_00) =>
        new(no, amount, "CNY", PayeeAccountType.BankAccount, "6222020200112233445", "Zhang San", "ICBC", "salary");

    private async Task CompleteAsync(string no, string status, string? failureCode = null)
    {
        using var client = simulator.Client();
        (await client.PostAsJsonAsync($"control/bankpayout/payouts/{no}/complete", new { status, failure_code = failureCode })).EnsureSuccessStatusCode();
    }

    private Task<IReadOnlyList<ReceivedWebhook>> NoticesAsync(int count) =>
        Api.EventuallyAsync(() => Task.FromResult(_notices.Received), r => r.Count >= count, "the bank's notices");

    [Fact]
    public void The_signature_is_HMAC_SHA256_over_method_path_timestamp_nonce_and_body_hash()
    {
        // No published vector exists for this generic protocol; cross-checked with openssl in the shell:
        //   printf 'POST\n/v1/payouts\n1795500000\nnonce0123456789ab\n%s' "$(sha256sum b.json | cut -c1-64)" | openssl dgst -sha256 -hmac test-secret
        var body = Encoding.UTF8.GetBytes("""{"client_id":"CLIENT1","out_payout_no":"wdr_1","amount":5000}""");

        BankPayoutProtocol.StringToSign("post", "/v1/payouts", "1795500000", "nonce0123456789ab", body)
            .ShouldBe("POST\n/v1/payouts\n1795500000\nnonce0123456789ab\n28502c64700291b96dc5093ecb8a39eaefbebbd96e9c8bed16ad4c37fd5785a2");
        BankPayoutProtocol.Sign("test-secret", "POST", "/v1/payouts", "1795500000", "nonce0123456789ab", body)
            .ShouldBe("71eddde5237cab55c9e64dbc7ac0458b509b53ef40318216a97bc84ac36c4187");
        var at = DateTimeOffset.FromUnixTimeSeconds(1795500000);
        var signature = "71eddde5237cab55c9e64dbc7ac0458b509b53ef40318216a97bc84ac36c4187";
        BankPayoutProtocol.Check("test-secret", "POST", "/v1/payouts", "1795500000", "nonce0123456789ab", signature, body, at.AddMinutes(4)).ShouldBeNull();
        BankPayoutProtocol.Check("test-secret", "POST", "/v1/payouts", "1795500000", "nonce0123456789ab", signature, body, at.AddMinutes(6)).ShouldBe("TIMESTAMP_EXPIRED");
        BankPayoutProtocol.Check("test-secret", "POST", "/v1/payouts/x", "1795500000", "nonce0123456789ab", signature, body, at).ShouldBe("SIGNATURE_INVALID");
        BankPayoutProtocol.Check("other", "POST", "/v1/payouts", "1795500000", "nonce0123456789ab", signature, body, at).ShouldBe("SIGNATURE_INVALID");
    }

    [Fact]
    public async Task An_accepted_payout_completes_by_notice_and_query_and_appears_in_the_statement()
    {
        var account = await AccountAsync();
        var no = NewNo();

        var accepted = await _adapter.WithdrawAsync(account, Payout(no), CancellationToken.None);
        var processing = await _adapter.QueryWithdrawalAsync(account, no, CancellationToken.None);
        await CompleteAsync(no, "SUCCEEDED");
        var notice = await _adapter.ParseCallbackAsync(account, (await NoticesAsync(1))[0].AsCallback(), CancellationToken.None);
        var succeeded = await _adapter.QueryWithdrawalAsync(account, no, CancellationToken.None);

        accepted.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        (accepted.Result.RawCode, accepted.Result.RawSubCode).ShouldBe(("SUCCESS", "ACCEPTED"));
        accepted.Result.ChannelReference.ShouldStartWith("BP");
        processing.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        notice.Verified.ShouldBeTrue(notice.RejectionReason);
        notice.Notice!.Kind.ShouldBe(ChannelNoticeKind.Withdrawal);
        notice.Notice.OrderId.ShouldBe(no);
        notice.Notice.Report.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        notice.Notice.Report.Amount.ShouldBe(500_00);
        succeeded.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        succeeded.Amount.ShouldBe(500_00);
        succeeded.CompletedAt.ShouldNotBeNull();
        (await NoticesAsync(1))[0].AnsweredWith.ShouldBe(200);

        using var client = simulator.Client();
        var csv = await client.GetStringAsync($"control/bankpayout/statements/{account.Credential("client_id")}/{DateTimeOffset.UtcNow:yyyy-MM-dd}");
        csv.ShouldStartWith("payout_no,out_payout_no,amount,currency,status");
        csv.ShouldContain($"{no},50000,CNY,SUCCEEDED,,***************3445,ICBC");
        foreach (var (result, flow) in new[] { (accepted.Result, ChannelFlow.Withdraw), (processing.Result, ChannelFlow.WithdrawQuery), (succeeded.Result, ChannelFlow.WithdrawQuery), (notice.Notice.Report.Result, ChannelFlow.Notify) })
        {
            result.ShouldAgreeWithRules(Profile, flow);
        }
    }

    [Fact]
    public async Task A_signed_answer_naming_another_payout_is_unknown_at_the_caller()
    {
        var account = await AccountAsync();
        var no = NewNo();
        var accepted = await _adapter.WithdrawAsync(account, Payout(no), CancellationToken.None);
        await CompleteAsync(no, "SUCCEEDED");
        await simulator.SetBehaviourAsync("bankpayout", no, "answer_for_another_order", times: 1);

        var mixedUp = await _adapter.QueryWithdrawalAsync(account, no, CancellationToken.None);
        var own = await _adapter.QueryWithdrawalAsync(account, no, CancellationToken.None);

        accepted.Result.AnsweredFor.ShouldBe(no);
        own.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        ChannelTransport.MatchOrder(own.Result, no).ShouldBeSameAs(own.Result);
        mixedUp.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded, "the adapter reads the signed answer as it is");
        var matched = ChannelTransport.MatchOrder(mixedUp.Result, no);
        matched.Outcome.ShouldBe(ChannelOutcome.Unknown);
        matched.RawCode.ShouldBe(ChannelTransport.AnswerForAnotherOrder);
        matched.RawMessage!.ShouldContain(no + "9");
    }

    [Fact]
    public async Task A_payout_returned_by_the_payee_bank_after_success_is_reported_failed_and_returned()
    {
        var account = await AccountAsync();
        var no = NewNo();
        await simulator.SetBehaviourAsync("bankpayout", no, "approve");

        var paid = await _adapter.WithdrawAsync(account, Payout(no), CancellationToken.None);
        await CompleteAsync(no, "RETURNED");
        var returned = await _adapter.QueryWithdrawalAsync(account, no, CancellationToken.None);
        var notices = await NoticesAsync(2);
        var returnNotice = await _adapter.ParseCallbackAsync(account, notices.Single(n => n.BodyText.Contains("RETURNED")).AsCallback(), CancellationToken.None);

        paid.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        returned.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        (returned.Result.RawCode, returned.Result.RawSubCode).ShouldBe(("RETURNED_BY_BANK", "RETURNED"));
        returnNotice.Notice!.Report.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        returned.Result.ShouldAgreeWithRules(Profile, ChannelFlow.WithdrawQuery);
        new ResultCodeTable(Profile.ResultCodes).Lookup(ChannelFlow.WithdrawQuery, "RETURNED_BY_BANK", "RETURNED")!.UnifiedCode.ShouldBe("withdrawal_returned");
    }

    [Fact]
    public async Task Bank_refusals_and_transport_failures_map_to_the_right_outcomes()
    {
        var account = await AccountAsync();
        async Task<ChannelResult> WithdrawWith(string action, string? code = null, int? delayMs = null)
        {
            var no = NewNo();
            await simulator.SetBehaviourAsync("bankpayout", no, action, code, delayMs: delayMs);
            return (await _adapter.WithdrawAsync(account, Payout(no), CancellationToken.None)).Result;
        }

        var closed = await WithdrawWith("payer_account_closed");
        var broke = await WithdrawWith("insufficient_balance");
        var busy = await WithdrawWith("decline", "SYSTEM_BUSY");
        var limit = await WithdrawWith("decline", "LIMIT_EXCEEDED");
        var invalid = await WithdrawWith("decline", "INVALID_ACCOUNT");
        var delayed = await WithdrawWith("delay", delayMs: 300);
        var timedOut = await WithdrawWith("timeout");
        var serverError = await WithdrawWith("server_error");
        var repeatedNo = NewNo();
        await _adapter.WithdrawAsync(account, Payout(repeatedNo), CancellationToken.None);
        var duplicate = (await _adapter.WithdrawAsync(account, Payout(repeatedNo), CancellationToken.None)).Result;
        var missing = (await _adapter.QueryWithdrawalAsync(account, NewNo(), CancellationToken.None)).Result;
        var mismatchNo = NewNo();
        await _adapter.WithdrawAsync(account, Payout(mismatchNo), CancellationToken.None);
        await CompleteAsync(mismatchNo, "FAILED", "ACCOUNT_NAME_MISMATCH");
        var mismatch = (await _adapter.QueryWithdrawalAsync(account, mismatchNo, CancellationToken.None)).Result;

        (closed.Outcome, closed.RawCode, closed.RawSubCode).ShouldBe((ChannelOutcome.Failed, "ACCOUNT_CLOSED", "FAILED"));
        (broke.Outcome, broke.RawCode).ShouldBe((ChannelOutcome.Failed, "INSUFFICIENT_BALANCE"));
        (busy.Outcome, busy.RawCode, busy.NotTakenByChannel).ShouldBe((ChannelOutcome.Failed, "SYSTEM_BUSY", true));
        (limit.Outcome, limit.NotTakenByChannel).ShouldBe((ChannelOutcome.Failed, false));
        invalid.Outcome.ShouldBe(ChannelOutcome.Failed);
        delayed.Outcome.ShouldBe(ChannelOutcome.Pending);
        (timedOut.Outcome, timedOut.RawCode).ShouldBe((ChannelOutcome.Unknown, "TIMEOUT"));
        (serverError.Outcome, serverError.RawCode).ShouldBe((ChannelOutcome.Unknown, "HTTP_500"));
        (duplicate.Outcome, duplicate.RawCode).ShouldBe((ChannelOutcome.Unknown, "DUPLICATE_PAYOUT"));
        (missing.Outcome, missing.RawCode).ShouldBe((ChannelOutcome.Failed, "PAYOUT_NOT_FOUND"));
        (mismatch.Outcome, mismatch.RawCode).ShouldBe((ChannelOutcome.Failed, "ACCOUNT_NAME_MISMATCH"));
        foreach (var result in new[] { closed, broke, busy, limit, invalid, delayed, timedOut, serverError, duplicate })
        {
            result.ShouldAgreeWithRules(Profile, ChannelFlow.Withdraw);
        }

        missing.ShouldAgreeWithRules(Profile, ChannelFlow.WithdrawQuery);
        mismatch.ShouldAgreeWithRules(Profile, ChannelFlow.WithdrawQuery);
    }

    [Fact]
    public async Task The_bank_refuses_a_replayed_nonce_a_stale_timestamp_and_a_wrong_secret_and_the_adapter_trusts_no_unsigned_answer()
    {
        var account = await AccountAsync();
        var clientId = account.Credential("client_id");
        var secret = account.Credential("secret");
        var body = JsonSerializer.SerializeToUtf8Bytes(new BankPayoutRequest(clientId, NewNo(), 100, "CNY", "6222", "Li Si", "ICBC", null, _notices.Url.ToString()), BankPayoutProtocol.Json);
        using var http = simulator.Client();
        async Task<(HttpStatusCode Status, string Code)> SendAsync(SignedHeaders headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/payouts") { Content = new ByteArrayContent(body) };
            headers.ApplyTo(request.Headers);
            using var response = await http.SendAsync(request);
            return (response.StatusCode, (await response.ReadJsonAsync()).Str("code"));
        }

        var headers = BankPayoutProtocol.NewHeaders(clientId, secret, "POST", "/v1/payouts", DateTimeOffset.UtcNow, body);
        var first = await SendAsync(headers);
        var replayed = await SendAsync(headers);
        var stale = await SendAsync(BankPayoutProtocol.NewHeaders(clientId, secret, "POST", "/v1/payouts", DateTimeOffset.UtcNow.AddMinutes(-10), body));
        var forged = await SendAsync(BankPayoutProtocol.NewHeaders(clientId, "not-the-secret", "POST", "/v1/payouts", DateTimeOffset.UtcNow, body));
        var wrongSecret = account with { Credentials = new Dictionary<string, string>(account.Credentials) { ["secret"] = "not-the-secret" } };
        var unverified = await _adapter.WithdrawAsync(wrongSecret, Payout(NewNo()), CancellationToken.None);

        first.ShouldBe((HttpStatusCode.OK, "SUCCESS"));
        replayed.ShouldBe((HttpStatusCode.Unauthorized, "NONCE_REUSED"));
        stale.ShouldBe((HttpStatusCode.Unauthorized, "TIMESTAMP_EXPIRED"));
        forged.ShouldBe((HttpStatusCode.Unauthorized, "SIGNATURE_INVALID"));
        (unverified.Result.Outcome, unverified.Result.RawCode).ShouldBe((ChannelOutcome.Unknown, ChannelTransport.UnverifiedAnswer),
            "the bank's answer is signed with the real secret, which this account does not hold");
    }

    [Fact]
    public async Task Forged_replayed_and_unacknowledged_notices_are_rejected_or_resent()
    {
        var account = await AccountAsync();
        var forgedNo = NewNo();
        var realNo = NewNo();
        await simulator.SetBehaviourAsync("bankpayout", forgedNo, "forged_callback");
        _notices.FailFirst(1);
        await _adapter.WithdrawAsync(account, Payout(forgedNo), CancellationToken.None);
        await _adapter.WithdrawAsync(account, Payout(realNo), CancellationToken.None);

        await CompleteAsync(forgedNo, "SUCCEEDED");
        var forgedNotice = (await NoticesAsync(1))[0];
        await CompleteAsync(realNo, "SUCCEEDED");
        var received = await NoticesAsync(3);
        var real = received.Last(n => n.BodyText.Contains(realNo));
        var forged = await _adapter.ParseCallbackAsync(account, forgedNotice.AsCallback(), CancellationToken.None);
        var accepted = await _adapter.ParseCallbackAsync(account, real.AsCallback(), CancellationToken.None);
        var replayed = await _adapter.ParseCallbackAsync(account, real.AsCallback(), CancellationToken.None);
        var tampered = await _adapter.ParseCallbackAsync(account, real.AsCallback() with { Body = Encoding.UTF8.GetBytes(real.BodyText.Replace("50000", "5000000")) }, CancellationToken.None);

        forged.Verified.ShouldBeFalse();
        accepted.Verified.ShouldBeTrue(accepted.RejectionReason);
        replayed.Verified.ShouldBeFalse("a notice's nonce is single use");
        tampered.Verified.ShouldBeFalse();
        received.Count(n => n.BodyText.Contains(forgedNo)).ShouldBe(2, "the first attempt was answered 500 and resent");
    }

    [Fact]
    public void Every_code_has_one_rule_and_only_a_busy_bank_before_acceptance_is_not_taken()
    {
        BankPayoutResultCodes.Rules.GroupBy(r => (r.Flow, r.RawCode, r.RawSubCode)).Where(g => g.Count() > 1).Select(g => g.Key).ShouldBeEmpty();
        BankPayoutResultCodes.OutcomeOf(ChannelFlow.Withdraw, "SYSTEM_BUSY", null).ShouldBe(ChannelOutcome.Failed);
        BankPayoutResultCodes.OutcomeOf(ChannelFlow.WithdrawQuery, "SYSTEM_BUSY", null).ShouldBe(ChannelOutcome.Unknown);
        BankPayoutResultCodes.OutcomeOf(ChannelFlow.WithdrawQuery, "SIGNATURE_INVALID", null).ShouldBe(ChannelOutcome.Unknown, "a refused query says nothing about the payout");
        BankPayoutResultCodes.OutcomeOf(ChannelFlow.Notify, "SUCCESS", "PROCESSING").ShouldBe(ChannelOutcome.Pending);
        BankPayoutResultCodes.OutcomeOf(ChannelFlow.Notify, "SUCCESS", "BOUNCING").ShouldBe(ChannelOutcome.Unknown, "an unknown status is never guessed at");
    }

    [Fact]
    public void Payments_and_refunds_are_not_payout_flows()
    {
        var registry = ShippedChannels.Registry;

        var pay = Should.Throw<ChannelFlowNotSupportedException>(() => registry.Payments(BankPayoutProfile.ProtocolName));
        var refund = Should.Throw<ChannelFlowNotSupportedException>(() => registry.Refunds(BankPayoutProfile.ProtocolName));

        (pay.Result.Outcome, pay.Result.RawCode, pay.Result.NotTakenByChannel).ShouldBe((ChannelOutcome.Failed, "UNSUPPORTED_FLOW", true));
        pay.Result.ShouldAgreeWithRules(Profile, ChannelFlow.Pay);
        refund.Result.ShouldAgreeWithRules(Profile, ChannelFlow.Refund);
    }
}
