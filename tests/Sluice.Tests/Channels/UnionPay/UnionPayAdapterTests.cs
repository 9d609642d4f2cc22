using System.Net.Http.Json;
using System.Text.Json;
using Sluice.Channels;
using Sluice.Channels.UnionPay;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Channels.UnionPay;

/// <summary>The UnionPay adapter against the simulated ACP gateway over HTTP, flow by flow and failure by failure.</summary>
public sealed class UnionPayAdapterTests(SimulatorHost simulator) : IClassFixture<SimulatorHost>, IAsyncLifetime
{
    private static readonly UnionPayProfile Profile = new();

    private readonly UnionPayChannelAdapter _adapter = new(UnionPayTestKit.HttpClients(TimeSpan.FromSeconds(2)), TimeProvider.System);
    private WebhookReceiver _notices = null!;

    public async ValueTask InitializeAsync() => _notices = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _notices.DisposeAsync();
        await simulator.Client().DeleteAsync("control/behaviours?channel=unionpay");
    }

    private async Task<ChannelAccountContext> AccountAsync(bool chain = true) =>
        new("ca_unionpay_test", "unionpay-sim", "unionpay", null, await simulator.NewMerchantCredentialsAsync(chain), _notices.Url);

    private static ChannelPayRequest Pay(string id, string method = "unionpay_gateway", long amount = 2599) =>
        new(id, amount, "CNY", "Adapter test", method, DateTimeOffset.UtcNow.AddMinutes(30), "127.0.0.1", "https://shop.example/return");

    private async Task<ReceivedWebhook> NoticeAsync(int count = 1) =>
        (await Api.EventuallyAsync(() => Task.FromResult(_notices.Received), r => r.Count >= count, "UnionPay back notices"))[count - 1];

    private static ChannelOrderRef Ref(string id) => new(id, null);

    /// <summary>A front consume the payer has posted and paid.</summary>
    private async Task<string> PaidOrderAsync(ChannelAccountContext account, long amount = 2599)
    {
        var id = UnionPayTestKit.NewId("pay");
        var pay = await _adapter.PayAsync(account, Pay(id, amount: amount), CancellationToken.None);
        await UnionPayTestKit.PostFrontFormAsync(pay.Action!.Value);
        await simulator.PayAsync(id);
        return id;
    }

    [Fact]
    public async Task Front_consume_is_a_signed_form_the_payer_posts_then_notice_and_query_report_success()
    {
        var account = await AccountAsync();
        var id = UnionPayTestKit.NewId("pay");

        var pay = await _adapter.PayAsync(account, Pay(id), CancellationToken.None);
        var form = JsonDocument.Parse(pay.Action!.Value).RootElement;
        var page = await UnionPayTestKit.PostFrontFormAsync(pay.Action.Value);
        var beforePaying = await _adapter.QueryPaymentAsync(account, Ref(id), CancellationToken.None);
        await simulator.PayAsync(id);
        var notice = await _adapter.ParseCallbackAsync(account, (await NoticeAsync()).AsCallback(), CancellationToken.None);
        var paid = await _adapter.QueryPaymentAsync(account, Ref(id), CancellationToken.None);
        var close = await _adapter.ClosePaymentAsync(account, Ref(id), CancellationToken.None);

        pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        pay.Action.Type.ShouldBe("form_post");
        form.GetProperty("url").GetString().ShouldBe(simulator.BaseAddress + "gateway/api/frontTransReq.do");
        var fields = form.GetProperty("fields");
        fields.GetProperty("txnType").GetString().ShouldBe("01");
        fields.GetProperty("txnSubType").GetString().ShouldBe("01");
        fields.GetProperty("bizType").GetString().ShouldBe("000201");
        fields.GetProperty("channelType").GetString().ShouldBe("07");
        fields.GetProperty("txnAmt").GetString().ShouldBe("2599");
        fields.GetProperty("currencyCode").GetString().ShouldBe("156");
        fields.GetProperty("orderId").GetString().ShouldBe(id.Replace("_", ""));
        fields.GetProperty("backUrl").GetString().ShouldBe(_notices.Url.ToString());
        fields.GetProperty("signature").GetString().ShouldNotBeNullOrEmpty();
        page.ShouldContain("确认付款");
        beforePaying.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        beforePaying.Result.RawCode.ShouldBe("34");

        notice.Verified.ShouldBeTrue(notice.RejectionReason);
        notice.Notice!.Kind.ShouldBe(ChannelNoticeKind.Payment);
        notice.Notice.OrderId.ShouldBe(id);
        notice.Notice.Report.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        notice.Notice.Report.Amount.ShouldBe(2599);
        notice.Notice.Report.Currency.ShouldBe("CNY");
        notice.Notice.Report.CompletedAt!.Value.ShouldBe(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), "traceTime is when the payer paid");
        Profile.Acknowledgement!.Answer(true).ShouldBe(new ChannelCallbackAnswer(200, "text/plain", "ok"));
        (await NoticeAsync()).AnsweredWith.ShouldBe(200);

        paid.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        (paid.Result.RawCode, paid.Result.RawSubCode).ShouldBe(("00", "00"));
        paid.Result.ChannelReference.ShouldBe(notice.Notice.Report.Result.ChannelReference);
        paid.Amount.ShouldBe(2599);
        close.Result.Outcome.ShouldBe(ChannelOutcome.Failed, "UnionPay has no close and the order is paid");
        foreach (var (result, flow) in new[] { (pay.Result, ChannelFlow.Pay), (beforePaying.Result, ChannelFlow.Query), (paid.Result, ChannelFlow.Query), (close.Result, ChannelFlow.Close), (notice.Notice.Report.Result, ChannelFlow.Notify) })
        {
            result.ShouldAgreeWithRules(Profile, flow);
        }
    }

    [Fact]
    public async Task A_signed_query_answer_naming_another_orderId_is_unknown_at_the_caller()
    {
        var account = await AccountAsync();
        var id = await PaidOrderAsync(account);
        var own = await _adapter.QueryPaymentAsync(account, Ref(id), CancellationToken.None);
        await simulator.SetBehaviourAsync("unionpay", id, "answer_for_another_order", times: 1);

        var mixedUp = await _adapter.QueryPaymentAsync(account, Ref(id), CancellationToken.None);

        own.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        own.Result.AnsweredFor.ShouldBe(id, "the ACP orderId is the id without its '_', read back as Sluice's id");
        ChannelTransport.MatchOrder(own.Result, id).ShouldBeSameAs(own.Result);
        mixedUp.Result.AnsweredFor.ShouldBe(UnionPayProtocol.OrderId(id) + "9");
        var matched = ChannelTransport.MatchOrder(mixedUp.Result, id);
        matched.Outcome.ShouldBe(ChannelOutcome.Unknown);
        matched.RawCode.ShouldBe(ChannelTransport.AnswerForAnotherOrder);
    }

    [Fact]
    public async Task Closing_an_order_never_submitted_succeeds_and_a_declined_card_is_failed_by_query()
    {
        var account = await AccountAsync(chain: false);
        var unpaid = UnionPayTestKit.NewId("pay");
        var declined = UnionPayTestKit.NewId("pay");
        await _adapter.PayAsync(account, Pay(unpaid), CancellationToken.None);
        var pay = await _adapter.PayAsync(account, Pay(declined), CancellationToken.None);
        await UnionPayTestKit.PostFrontFormAsync(pay.Action!.Value);
        await simulator.PayAsync(declined, declineCode: "64");

        var close = await _adapter.ClosePaymentAsync(account, Ref(unpaid), CancellationToken.None);
        var failed = await _adapter.QueryPaymentAsync(account, Ref(declined), CancellationToken.None);

        close.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        close.Result.RawCode.ShouldBe("34");
        failed.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        (failed.Result.RawCode, failed.Result.RawSubCode).ShouldBe(("00", "64"));
        failed.Result.ShouldAgreeWithRules(Profile, ChannelFlow.Query);
        _notices.Received.ShouldBeEmpty("UnionPay notifies successful transactions only");
    }

    [Fact]
    public async Task Partial_refunds_are_accepted_until_the_paid_amount_and_are_confirmed_by_query_and_notice()
    {
        var account = await AccountAsync();
        var id = await PaidOrderAsync(account, 3000);

        var refundA = UnionPayTestKit.NewId("rfd");
        var first = await _adapter.RefundAsync(account, new ChannelRefundRequest(refundA, id, null, 1000, 3000, "CNY", "damaged"), CancellationToken.None);
        var second = await _adapter.RefundAsync(account, new ChannelRefundRequest(UnionPayTestKit.NewId("rfd"), id, null, 2000, 3000, "CNY", null), CancellationToken.None);
        var tooMuch = await _adapter.RefundAsync(account, new ChannelRefundRequest(UnionPayTestKit.NewId("rfd"), id, null, 1, 3000, "CNY", null), CancellationToken.None);
        var queried = await _adapter.QueryRefundAsync(account, refundA, id, CancellationToken.None);
        var missing = await _adapter.QueryRefundAsync(account, UnionPayTestKit.NewId("rfd"), id, CancellationToken.None);
        var notices = await Api.EventuallyAsync(() => Task.FromResult(_notices.Received), r => r.Count >= 3, "payment and refund notices");
        var refundNotice = await _adapter.ParseCallbackAsync(account, notices.First(n => n.BodyText.Contains("txnType=04")).AsCallback(), CancellationToken.None);

        first.Result.Outcome.ShouldBe(ChannelOutcome.Pending, "00 on a refund means accepted");
        first.Result.ChannelReference.ShouldNotBeNullOrEmpty();
        second.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        tooMuch.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        tooMuch.Result.RawCode.ShouldBe("36");
        queried.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        queried.Amount.ShouldBe(1000);
        missing.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        missing.Result.RawCode.ShouldBe("34");
        refundNotice.Verified.ShouldBeTrue(refundNotice.RejectionReason);
        refundNotice.Notice!.Kind.ShouldBe(ChannelNoticeKind.Refund);
        foreach (var (result, flow) in new[] { (first.Result, ChannelFlow.Refund), (tooMuch.Result, ChannelFlow.Refund), (queried.Result, ChannelFlow.RefundQuery), (missing.Result, ChannelFlow.RefundQuery) })
        {
            result.ShouldAgreeWithRules(Profile, flow);
        }

        using var client = simulator.Client();
        var statement = await client.GetStringAsync($"control/unionpay/statements/{account.Credential("mer_id")}/{UnionPayProtocol.TxnTime(UnionPayProtocol.IdCreationTime(id)!.Value)[..8]}");
        statement.ShouldContain(id.Replace("_", ""));
        statement.ShouldContain(refundA.Replace("_", ""));
    }

    [Fact]
    public async Task A_refund_after_the_refund_window_is_refused()
    {
        var account = await AccountAsync();
        var id = await PaidOrderAsync(account);
        await simulator.SetBehaviourAsync("unionpay", id, "refund_window_passed");

        var refund = await _adapter.RefundAsync(account, new ChannelRefundRequest(UnionPayTestKit.NewId("rfd"), id, null, 100, 2599, "CNY", null), CancellationToken.None);

        refund.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        refund.Result.RawCode.ShouldBe("35");
        refund.Result.ShouldAgreeWithRules(Profile, ChannelFlow.Refund);
    }

    [Fact]
    public async Task A_payer_whose_card_lacks_balance_or_whose_account_is_closed_fails_the_payment()
    {
        var account = await AccountAsync();
        var broke = UnionPayTestKit.NewId("pay");
        var closed = UnionPayTestKit.NewId("pay");
        await simulator.SetBehaviourAsync("unionpay", broke, "insufficient_balance");
        await simulator.SetBehaviourAsync("unionpay", closed, "payer_account_closed");
        foreach (var id in new[] { broke, closed })
        {
            await _adapter.PayAsync(account, Pay(id, "unionpay_qr"), CancellationToken.None);
            await simulator.PayAsync(id);
        }

        var noBalance = await _adapter.QueryPaymentAsync(account, Ref(broke), CancellationToken.None);
        var accountClosed = await _adapter.QueryPaymentAsync(account, Ref(closed), CancellationToken.None);

        (noBalance.Result.Outcome, noBalance.Result.RawSubCode).ShouldBe((ChannelOutcome.Failed, "64"));
        (accountClosed.Result.Outcome, accountClosed.Result.RawSubCode).ShouldBe((ChannelOutcome.Failed, "63"));
        new ResultCodeTable(Profile.ResultCodes).Lookup(ChannelFlow.Query, "00", "64")!.UnifiedCode.ShouldBe("insufficient_balance");
    }

    [Fact]
    public async Task Merchant_presented_qr_code_is_applied_for_at_the_back_end_and_paid_by_the_payer()
    {
        var account = await AccountAsync();
        var id = UnionPayTestKit.NewId("pay");

        var pay = await _adapter.PayAsync(account, Pay(id, "unionpay_qr"), CancellationToken.None);
        var waiting = await _adapter.QueryPaymentAsync(account, Ref(id), CancellationToken.None);
        await simulator.PayAsync(id);
        var paid = await _adapter.QueryPaymentAsync(account, Ref(id), CancellationToken.None);

        pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        pay.Action!.Type.ShouldBe("qr_code");
        pay.Action.Value.ShouldStartWith("https://qr.95516.com/");
        waiting.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        waiting.Result.RawSubCode.ShouldBe("05");
        paid.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
    }

    [Fact]
    public async Task Failure_behaviours_map_to_outcomes_that_never_fail_an_order_the_channel_may_hold()
    {
        var account = await AccountAsync();
        async Task<ChannelResult> PayWith(string action, string? code = null, int? delayMs = null)
        {
            var id = UnionPayTestKit.NewId("pay");
            await simulator.SetBehaviourAsync("unionpay", id, action, code, delayMs: delayMs);
            return (await _adapter.PayAsync(account, Pay(id, "unionpay_qr"), CancellationToken.None)).Result;
        }

        var declined = await PayWith("decline", "30");
        var busy = await PayWith("decline", "06");
        var duplicate = await PayWith("decline", "12");
        var delayed = await PayWith("delay", delayMs: 300);
        var timedOut = await PayWith("timeout");
        var serverError = await PayWith("server_error");

        declined.Outcome.ShouldBe(ChannelOutcome.Failed);
        declined.RawCode.ShouldBe("30");
        declined.NotTakenByChannel.ShouldBeFalse();
        busy.Outcome.ShouldBe(ChannelOutcome.Failed);
        busy.NotTakenByChannel.ShouldBeTrue();
        duplicate.Outcome.ShouldBe(ChannelOutcome.Unknown);
        delayed.Outcome.ShouldBe(ChannelOutcome.Pending);
        timedOut.Outcome.ShouldBe(ChannelOutcome.Unknown);
        timedOut.RawCode.ShouldBe(ChannelTransport.Timeout);
        serverError.Outcome.ShouldBe(ChannelOutcome.Unknown);
        serverError.RawCode.ShouldBe("HTTP_500");
        foreach (var result in new[] { declined, busy, duplicate, delayed, timedOut, serverError })
        {
            result.ShouldAgreeWithRules(Profile, ChannelFlow.Pay);
        }
    }

    [Fact]
    public async Task Answers_that_do_not_chain_to_the_configured_root_are_unknown_and_a_bad_merchant_signature_is_refused()
    {
        var account = await AccountAsync();
        var otherRoot = await simulator.NewMerchantCredentialsAsync();
        using var foreignCa = System.Security.Cryptography.RSA.Create(2048);
        var foreignRoot = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Not UnionPay", foreignCa,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1)).ExportCertificatePem();
        var untrusting = account with { Credentials = new Dictionary<string, string>(account.Credentials) { ["root_cert_pem"] = foreignRoot } };
        var wrongKey = account with { Credentials = new Dictionary<string, string>(account.Credentials) { ["sign_cert_private_key_pem"] = otherRoot["sign_cert_private_key_pem"] } };

        var unverified = await _adapter.PayAsync(untrusting, Pay(UnionPayTestKit.NewId("pay"), "unionpay_qr"), CancellationToken.None);
        var refused = await _adapter.PayAsync(wrongKey, Pay(UnionPayTestKit.NewId("pay"), "unionpay_qr"), CancellationToken.None);
        var withdrawal = Should.Throw<ChannelFlowNotSupportedException>(() => ShippedChannels.Registry.Payouts(UnionPayProfile.ProtocolName));

        unverified.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        unverified.Result.RawCode.ShouldBe(ChannelTransport.UnverifiedAnswer);
        refused.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        refused.Result.RawCode.ShouldBe("11");
        withdrawal.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        withdrawal.Result.RawCode.ShouldBe("UNSUPPORTED_FLOW");
        withdrawal.Result.ShouldAgreeWithRules(Profile, ChannelFlow.Withdraw);
    }

    [Fact]
    public async Task A_forged_notice_is_rejected_and_unanswered_notices_are_resent()
    {
        var account = await AccountAsync();
        var id = UnionPayTestKit.NewId("pay");
        await simulator.SetBehaviourAsync("unionpay", id, "forged_callback");
        _notices.AnswerAlways(500);
        var pay = await _adapter.PayAsync(account, Pay(id, "unionpay_qr"), CancellationToken.None);
        await simulator.PayAsync(id);

        var received = await Api.EventuallyAsync(() => Task.FromResult(_notices.Received), r => r.Count >= 3, "resent notices");
        var parsed = await _adapter.ParseCallbackAsync(account, received[0].AsCallback(), CancellationToken.None);
        var tampered = received[0].BodyText.Replace("txnAmt=2599", "txnAmt=1");

        pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        parsed.Verified.ShouldBeFalse();
        parsed.RejectionReason!.ShouldContain("chain");
        received.Select(r => r.BodyText).Distinct().Count().ShouldBe(1, "each attempt resends the same notice");
        (await _adapter.ParseCallbackAsync(account, received[0].AsCallback() with { Body = System.Text.Encoding.UTF8.GetBytes(tampered) }, CancellationToken.None)).Verified.ShouldBeFalse();
        var attempts = simulator.Callbacks.Attempts(id);
        attempts.ShouldAllBe(a => a.Forged && !a.Acknowledged);
    }
}
