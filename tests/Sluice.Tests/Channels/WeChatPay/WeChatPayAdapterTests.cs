using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Channels;
using Sluice.Channels.WeChatPay;
using Sluice.Tests.Infrastructure;
using static Sluice.Tests.Channels.WeChatPay.WeChatPayTestKit;

namespace Sluice.Tests.Channels.WeChatPay;

/// <summary>The WeChat Pay v3 adapter against the simulated WeChat Pay over HTTP, flow by flow and failure by failure.</summary>
public sealed class WeChatPayAdapterTests(SimulatorHost simulator) : IClassFixture<SimulatorHost>, IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private WebhookReceiver _notices = null!;

    private static WeChatPayChannelAdapter Adapter(TimeProvider? clock = null) => new(new ShortTimeoutHttpClients(), clock ?? TimeProvider.System);

    public async ValueTask InitializeAsync()
    {
        _notices = await WebhookReceiver.StartAsync();
        _notices.AnswerAlways(204);
    }

    public async ValueTask DisposeAsync() => await _notices.DisposeAsync();

    private async Task<ChannelAccountContext> DirectAsync() => Account(await RegisterAsync(simulator), _notices.Url);

    private static ChannelPayRequest Pay(string id, string method = "wechat_native", long amount = 2599, string? clientIp = "203.0.113.9", string? payerId = null) =>
        new(id, amount, "CNY", "Coffee beans", method, DateTimeOffset.UtcNow.AddMinutes(30), clientIp, null, payerId);

    private async Task PayerPaysAsync(string outTradeNo)
    {
        using var client = simulator.Client();
        (await client.PostAsync($"control/wechatpay/orders/{outTradeNo}/pay", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Native_pay_query_close_report_the_trade_state()
    {
        var account = await DirectAsync();
        var id = NewId("pay");

        var pay = await Adapter().PayAsync(account, Pay(id), None);
        var pending = await Adapter().QueryPaymentAsync(account, new ChannelOrderRef(id, null), None);
        var close = await Adapter().ClosePaymentAsync(account, new ChannelOrderRef(id, null), None);
        var closed = await Adapter().QueryPaymentAsync(account, new ChannelOrderRef(id, null), None);
        var missing = await Adapter().QueryPaymentAsync(account, new ChannelOrderRef(NewId("pay"), null), None);

        pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        pay.Action!.Type.ShouldBe("qr_code");
        pay.Action.Value.ShouldStartWith("weixin://wxpay/bizpayurl?pr=");
        pending.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        pending.Result.RawSubCode.ShouldBe("NOTPAY");
        pending.Amount.ShouldBe(2599);
        close.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        closed.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        closed.Result.RawSubCode.ShouldBe("CLOSED");
        missing.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        missing.Result.RawCode.ShouldBe("ORDER_NOT_EXIST");
    }

    [Fact]
    public async Task A_paid_trade_queries_as_succeeded_cannot_be_closed_and_its_encrypted_notice_verifies()
    {
        var account = await DirectAsync();
        var id = NewId("pay");
        await Adapter().PayAsync(account, Pay(id, amount: 1234), None);

        await PayerPaysAsync(id);
        var paid = await Adapter().QueryPaymentAsync(account, new ChannelOrderRef(id, null), None);
        var close = await Adapter().ClosePaymentAsync(account, new ChannelOrderRef(id, null), None);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(_notices.Received.Any(n => n.Header(WeChatPayProtocol.SerialHeader) is not null && Parse(account, n).Notice?.OrderId == id)));
        var notice = _notices.Received.Select(n => Parse(account, n)).First(p => p.Notice?.OrderId == id);

        paid.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        paid.Result.ChannelReference.ShouldStartWith("4200");
        paid.Amount.ShouldBe(1234);
        paid.CompletedAt!.Value.Offset.ShouldBe(TimeSpan.Zero, "instants reach the gateway in UTC (PostgreSQL stores no other offset)");
        close.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        close.Result.RawCode.ShouldBe("ORDERPAID");
        notice.Verified.ShouldBeTrue();
        notice.Notice!.Kind.ShouldBe(ChannelNoticeKind.Payment);
        notice.Notice.Report.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        notice.Notice.Report.Amount.ShouldBe(1234);
        notice.Notice.NoticeId.ShouldStartWith("EV-");
        new WeChatPayProfile().Acknowledgement!.Answer(true).StatusCode.ShouldBe(204);
        new WeChatPayProfile().Acknowledgement!.Answer(false).ShouldBe(new ChannelCallbackAnswer(400, "application/json", """{"code":"FAIL","message":"失败"}"""));
    }

    private static CallbackParseResult Parse(ChannelAccountContext account, ReceivedWebhook received) =>
        Adapter().ParseCallbackAsync(account, new ChannelCallbackRequest("POST", received.Headers, new Dictionary<string, string>(), "application/json", received.Body), None)
            .AsTask().GetAwaiter().GetResult();

    [Fact]
    public async Task Approve_pays_at_once_and_a_platform_certificate_alone_verifies_answers()
    {
        var merchant = await RegisterAsync(simulator);
        using var control = simulator.Client();
        var platform = await (await control.GetAsync("control/channels/wechatpay/platform")).ReadJsonAsync();
        var certificateOnly = Account(merchant, _notices.Url, change: c =>
        {
            c.Remove("platform_public_key");
            c.Remove("platform_serial_no");
            c["platform_certificate"] = platform.Str("certificate_pem");
        });
        var id = NewId("pay");
        await simulator.SetBehaviourAsync(ChannelName, id, "approve");

        var pay = await Adapter().PayAsync(certificateOnly, Pay(id), None);
        var paid = await Adapter().QueryPaymentAsync(certificateOnly, new ChannelOrderRef(id, null), None);

        pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        paid.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(simulator.Callbacks.Attempts(id).Any(a => a.Kind == "TRANSACTION.SUCCESS" && a.Acknowledged)));
    }

    [Fact]
    public async Task A_payer_arriving_after_time_expire_finds_the_trade_closed()
    {
        var account = await DirectAsync();
        var id = NewId("pay");
        await Adapter().PayAsync(account, Pay(id) with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(1) }, None);
        await Task.Delay(TimeSpan.FromSeconds(2.1));

        using var client = simulator.Client();
        var late = await client.PostAsync($"control/wechatpay/orders/{id}/pay", null);
        var trade = await Adapter().QueryPaymentAsync(account, new ChannelOrderRef(id, null), None);

        late.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        trade.Result.RawSubCode.ShouldBe("CLOSED");
        trade.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
    }

    [Fact]
    public async Task Jsapi_and_mini_program_hand_signed_sdk_params_to_the_payer_and_need_the_openid()
    {
        var merchant = await RegisterAsync(simulator);
        var account = Account(merchant, _notices.Url);

        var jsapi = await Adapter().PayAsync(account, Pay(NewId("pay"), "wechat_jsapi", payerId: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), None);
        var mini = await Adapter().PayAsync(account, Pay(NewId("pay"), "wechat_mini_program", payerId: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"), None);
        var noOpenid = await Adapter().PayAsync(account, Pay(NewId("pay"), "wechat_jsapi"), None);

        foreach (var pay in new[] { jsapi, mini })
        {
            pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
            pay.Action!.Type.ShouldBe("sdk_params");
            var p = JsonSerializer.Deserialize<Dictionary<string, string>>(pay.Action.Value)!;
            p["appId"].ShouldBe("wxd678efh567hg6787");
            p["package"].ShouldStartWith("prepay_id=wx");
            p["signType"].ShouldBe("RSA");
            WeChatPayProtocol.Verify(merchant.PrivateKeyPem, $"{p["appId"]}\n{p["timeStamp"]}\n{p["nonceStr"]}\n{p["package"]}\n", p["paySign"]).ShouldBeTrue();
        }

        noOpenid.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        noOpenid.Result.RawCode.ShouldBe("PARAM_ERROR");
    }

    [Fact]
    public async Task H5_redirects_with_the_payer_ip_and_app_gets_signed_sdk_params()
    {
        var merchant = await RegisterAsync(simulator);
        var account = Account(merchant, _notices.Url);

        var h5 = await Adapter().PayAsync(account, Pay(NewId("pay"), "wechat_h5"), None);
        var h5NoIp = await Adapter().PayAsync(account, Pay(NewId("pay"), "wechat_h5", clientIp: null), None);
        var app = await Adapter().PayAsync(account, Pay(NewId("pay"), "wechat_app"), None);

        h5.Action!.Type.ShouldBe("redirect");
        h5.Action.Value.ShouldContain("prepay_id=wx");
        h5NoIp.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        h5NoIp.Result.RawCode.ShouldBe("PARAM_ERROR");
        app.Action!.Type.ShouldBe("sdk_params");
        var p = JsonSerializer.Deserialize<Dictionary<string, string>>(app.Action.Value)!;
        p["partnerid"].ShouldBe(merchant.Mchid);
        p["package"].ShouldBe("Sign=WXPay");
        WeChatPayProtocol.Verify(merchant.PrivateKeyPem, $"{p["appid"]}\n{p["timestamp"]}\n{p["noncestr"]}\n{p["prepayid"]}\n", p["sign"])
            .ShouldBeTrue();
    }

    [Fact]
    public async Task Partial_refunds_never_exceed_the_paid_amount_and_refund_queries_follow()
    {
        var account = await DirectAsync();
        var id = NewId("pay");
        await Adapter().PayAsync(account, Pay(id, amount: 3000), None);
        await PayerPaysAsync(id);

        var refundA = NewId("rfd");
        var first = await Adapter().RefundAsync(account, new ChannelRefundRequest(refundA, id, null, 1000, 3000, "CNY", "damaged"), None);
        var second = await Adapter().RefundAsync(account, new ChannelRefundRequest(NewId("rfd"), id, null, 2000, 3000, "CNY", null), None);
        var tooMuch = await Adapter().RefundAsync(account, new ChannelRefundRequest(NewId("rfd"), id, null, 1, 3000, "CNY", null), None);
        var repeated = await Adapter().RefundAsync(account, new ChannelRefundRequest(refundA, id, null, 1000, 3000, "CNY", "damaged"), None);
        var queried = await Adapter().QueryRefundAsync(account, refundA, id, None);
        var unknownRefund = await Adapter().QueryRefundAsync(account, NewId("rfd"), id, None);
        var trade = await Adapter().QueryPaymentAsync(account, new ChannelOrderRef(id, null), None);

        first.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        first.Result.RawSubCode.ShouldBe("PROCESSING");
        second.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        tooMuch.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        tooMuch.Result.RawCode.ShouldBe("INVALID_REQUEST");
        repeated.Result.ChannelReference.ShouldBe(first.Result.ChannelReference);
        queried.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        queried.Amount.ShouldBe(1000);
        unknownRefund.Result.RawCode.ShouldBe("RESOURCE_NOT_EXISTS");
        trade.Result.RawSubCode.ShouldBe("REFUND");
        trade.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(_notices.Received.Select(n => Parse(account, n)).Any(p => p.Notice is { Kind: ChannelNoticeKind.Refund } n && n.OrderId == refundA && n.Report.Result.Outcome == ChannelOutcome.Succeeded)));
    }

    [Fact]
    public async Task Refunds_past_the_window_to_a_closed_account_or_without_balance_fail_with_the_channel_code()
    {
        var account = await DirectAsync();
        var id = NewId("pay");
        await Adapter().PayAsync(account, Pay(id, amount: 3000), None);
        await PayerPaysAsync(id);
        var (late, closedAccount, broke, abnormal) = (NewId("rfd"), NewId("rfd"), NewId("rfd"), NewId("rfd"));
        await simulator.SetBehaviourAsync(ChannelName, late, "refund_window_passed");
        await simulator.SetBehaviourAsync(ChannelName, closedAccount, "payer_account_closed");
        await simulator.SetBehaviourAsync(ChannelName, broke, "insufficient_balance");
        await simulator.SetBehaviourAsync(ChannelName, abnormal, "decline", code: "ABNORMAL");

        ChannelRefundRequest Refund(string refundId) => new(refundId, id, null, 100, 3000, "CNY", null);
        var lateResult = await Adapter().RefundAsync(account, Refund(late), None);
        var closedResult = await Adapter().RefundAsync(account, Refund(closedAccount), None);
        var brokeResult = await Adapter().RefundAsync(account, Refund(broke), None);
        var abnormalResult = await Adapter().RefundAsync(account, Refund(abnormal), None);
        var abnormalQuery = await Adapter().QueryRefundAsync(account, abnormal, id, None);

        lateResult.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        lateResult.Result.RawCode.ShouldBe("INVALID_REQUEST");
        closedResult.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        closedResult.Result.RawCode.ShouldBe("USER_ACCOUNT_ABNORMAL");
        brokeResult.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        brokeResult.Result.RawCode.ShouldBe("NOT_ENOUGH");
        abnormalResult.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        abnormalQuery.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        abnormalQuery.Result.RawSubCode.ShouldBe("ABNORMAL");
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(_notices.Received.Select(n => Parse(account, n)).Any(p => p.Notice?.OrderId == abnormal && p.Notice.Report.Result.RawSubCode == "ABNORMAL")));
    }

    [Fact]
    public async Task Withdrawals_transfer_to_an_openid_with_the_name_encrypted_and_fail_on_closed_accounts_or_no_balance()
    {
        var account = await DirectAsync();
        var (ok, closedAccount, broke) = (NewId("wdr"), NewId("wdr"), NewId("wdr"));
        await simulator.SetBehaviourAsync(ChannelName, closedAccount, "payer_account_closed");
        await simulator.SetBehaviourAsync(ChannelName, broke, "insufficient_balance");
        ChannelWithdrawRequest Withdraw(string id, PayeeAccountType type = PayeeAccountType.Wallet) =>
            new(id, 5000, "CNY", type, "o-MYE42l80oelYMDE34nYD456Xoy", "张三", null, "佣金提现");

        var accepted = await Adapter().WithdrawAsync(account, Withdraw(ok), None);
        var done = await Adapter().QueryWithdrawalAsync(account, ok, None);
        var toClosed = await Adapter().WithdrawAsync(account, Withdraw(closedAccount), None);
        var closedQuery = await Adapter().QueryWithdrawalAsync(account, closedAccount, None);
        var noBalance = await Adapter().WithdrawAsync(account, Withdraw(broke), None);
        var toBank = await Adapter().WithdrawAsync(account, Withdraw(NewId("wdr"), PayeeAccountType.BankAccount), None);
        var missing = await Adapter().QueryWithdrawalAsync(account, NewId("wdr"), None);

        accepted.Result.Outcome.ShouldBe(ChannelOutcome.Pending, accepted.Result.RawMessage);
        accepted.Result.RawSubCode.ShouldBe("ACCEPTED");
        done.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        done.Amount.ShouldBe(5000);
        toClosed.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        closedQuery.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        closedQuery.Result.RawSubCode.ShouldBe("FAIL");
        closedQuery.Result.RawMessage.ShouldBe("ACCOUNT_NOT_EXIST");
        noBalance.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        noBalance.Result.RawCode.ShouldBe("NOT_ENOUGH");
        toBank.Result.RawCode.ShouldBe("UNSUPPORTED_PAYEE");
        missing.Result.RawCode.ShouldBe("NOT_FOUND");
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(_notices.Received.Select(n => Parse(account, n)).Any(p => p.Notice is { Kind: ChannelNoticeKind.Withdrawal } n && n.OrderId == ok && n.Report.Result.Outcome == ChannelOutcome.Succeeded)));
    }

    [Fact]
    public async Task Decline_delay_timeout_and_server_error_map_to_failed_normal_and_unknown()
    {
        var account = await DirectAsync();
        var (declined, slow, hung, broken) = (NewId("pay"), NewId("pay"), NewId("pay"), NewId("pay"));
        await simulator.SetBehaviourAsync(ChannelName, declined, "decline", code: "NOAUTH");
        await simulator.SetBehaviourAsync(ChannelName, slow, "delay", delayMs: 500);
        await simulator.SetBehaviourAsync(ChannelName, hung, "timeout");
        await simulator.SetBehaviourAsync(ChannelName, broken, "server_error");

        var declinedPay = await Adapter().PayAsync(account, Pay(declined), None);
        var slowPay = await Adapter().PayAsync(account, Pay(slow), None);
        var hungPay = await Adapter().PayAsync(account, Pay(hung), None);
        var brokenPay = await Adapter().PayAsync(account, Pay(broken), None);

        declinedPay.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        declinedPay.Result.RawCode.ShouldBe("NOAUTH");
        declinedPay.Result.NotTakenByChannel.ShouldBeFalse();
        slowPay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        hungPay.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        hungPay.Result.RawCode.ShouldBe("TIMEOUT");
        brokenPay.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        brokenPay.Result.RawCode.ShouldBe("HTTP_500");
    }

    [Fact]
    public async Task Answers_signed_with_another_key_or_stale_are_unknown_and_a_wrong_merchant_key_is_a_sign_error()
    {
        var merchant = await RegisterAsync(simulator);
        var other = await RegisterAsync(simulator);
        var forgedPlatform = Account(merchant, _notices.Url, change: c => c["platform_public_key"] = other.Credentials["merchant_private_key"]);
        var wrongMerchantKey = Account(merchant, _notices.Url, change: c => c["merchant_private_key"] = other.Credentials["merchant_private_key"]);
        var closedPort = Account(merchant, _notices.Url, change: c => c["base_url"] = $"http://127.0.0.1:{GatewayFixture.FreePort()}/");
        var tenMinutesAhead = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(10));

        var forged = await Adapter().PayAsync(forgedPlatform, Pay(NewId("pay")), None);
        var stale = await Adapter(tenMinutesAhead).QueryPaymentAsync(Account(merchant, _notices.Url), new ChannelOrderRef(NewId("pay"), null), None);
        var signError = await Adapter().PayAsync(wrongMerchantKey, Pay(NewId("pay")), None);
        var refused = await Adapter().PayAsync(closedPort, Pay(NewId("pay")), None);

        forged.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        forged.Result.RawCode.ShouldBe("UNVERIFIED_ANSWER");
        stale.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        stale.Result.RawCode.ShouldBe("UNVERIFIED_ANSWER");
        signError.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        signError.Result.RawCode.ShouldBe("SIGN_ERROR");
        refused.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        refused.Result.NotTakenByChannel.ShouldBeTrue();
    }

    [Fact]
    public async Task Partner_mode_pays_queries_refunds_and_closes_with_sp_mchid_and_sub_mchid()
    {
        var provider = await RegisterAsync(simulator, partner: true);
        var account = Account(provider, _notices.Url, subMchid: "1900000109");
        var otherSub = Account(provider, _notices.Url, subMchid: "1900000110");
        var (id, unpaid) = (NewId("pay"), NewId("pay"));

        var pay = await Adapter().PayAsync(account, Pay(id), None);
        var jsapi = await Adapter().PayAsync(account, Pay(unpaid, "wechat_jsapi", payerId: "oSpOpenid0000000000000000001"), None);
        await PayerPaysAsync(id);
        var paid = await Adapter().QueryPaymentAsync(account, new ChannelOrderRef(id, null), None);
        var wrongSub = await Adapter().QueryPaymentAsync(otherSub, new ChannelOrderRef(id, null), None);
        var refund = await Adapter().RefundAsync(account, new ChannelRefundRequest(NewId("rfd"), id, paid.Result.ChannelReference, 500, 2599, "CNY", null), None);
        var close = await Adapter().ClosePaymentAsync(account, new ChannelOrderRef(unpaid, null), None);

        pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        JsonSerializer.Deserialize<Dictionary<string, string>>(jsapi.Action!.Value)!["appId"].ShouldBe("wxsp0000000000sp01");
        paid.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        wrongSub.Result.RawCode.ShouldBe("ORDER_NOT_EXIST");
        refund.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        close.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(_notices.Received.Select(n => Parse(account, n)).Any(p => p.Notice?.OrderId == id && p.Verified)));
        paid.Result.AnsweredFor.ShouldBe(id);
        refund.Result.AnsweredFor.ShouldStartWith("rfd_");
        await simulator.SetBehaviourAsync(ChannelName, id, "answer_for_another_order", times: 1);
        var mixedUp = await Adapter().QueryPaymentAsync(account, new ChannelOrderRef(id, null), None);
        mixedUp.Result.AnsweredFor.ShouldBe(id + "9");
        ChannelTransport.MatchOrder(mixedUp.Result, id).RawCode.ShouldBe(ChannelTransport.AnswerForAnotherOrder);

        // The same service provider's notice about sub-merchant 1900000109, posted to the account of 1900000110: refused.
        var notice = _notices.Received.First(n => Parse(account, n).Notice?.OrderId == id);
        var misdirected = Parse(otherSub, notice);
        misdirected.Notice.ShouldBeNull();
        misdirected.RejectionReason!.ShouldContain("sub_mchid");
    }

    [Fact]
    public async Task Notices_are_retried_on_wechat_schedule_until_answered_204()
    {
        await using var notify = await WebhookReceiver.StartAsync();
        notify.FailFirst(3);
        var merchant = await RegisterAsync(simulator);
        var account = Account(merchant, notify.Url);
        var id = NewId("pay");
        await Adapter().PayAsync(account, Pay(id), None);

        await PayerPaysAsync(id);
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(simulator.Callbacks.Attempts(id).Any(a => a.Acknowledged)));

        var attempts = simulator.Callbacks.Attempts(id);
        attempts.Select(a => a.StatusCode).ShouldBe([500, 500, 500, 200]);
        attempts.Select(a => a.Attempt).ShouldBe([1, 2, 3, 4]);
        notify.Received.Select(r => r.Header(WeChatPayProtocol.NonceHeader)).Distinct().Count().ShouldBe(4, "every attempt is signed afresh");
    }

    [Fact]
    public async Task The_trade_bill_lists_the_days_payments_with_backtick_fields()
    {
        var merchant = await RegisterAsync(simulator);
        var account = Account(merchant, _notices.Url);
        var id = NewId("pay");
        await Adapter().PayAsync(account, Pay(id, amount: 2599), None);
        await PayerPaysAsync(id);
        var today = DateTimeOffset.UtcNow.ToOffset(WeChatPayProtocol.ChinaOffset).ToString("yyyy-MM-dd");

        using var answer = await SignedGetAsync(simulator, merchant, $"/v3/bill/tradebill?bill_date={today}&bill_type=ALL");
        var body = await answer.Content.ReadAsStringAsync();
        answer.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var url = new Uri(JsonDocument.Parse(body).RootElement.GetProperty("download_url").GetString()!);
        answer.Headers.GetValues(WeChatPayProtocol.SignatureHeader).Single().ShouldNotBeEmpty();
        using var file = await SignedGetAsync(simulator, merchant, url.PathAndQuery);
        var bill = await file.Content.ReadAsStringAsync();

        var lines = bill.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号");
        var row = lines.Single(l => l.Contains("`" + id + ","));
        row.Split(',').ShouldAllBe(field => field.StartsWith('`'));
        row.ShouldContain("`SUCCESS,");
        row.ShouldContain("`25.99,");
        lines[^2].ShouldStartWith("总交易单数");
        lines[^1].ShouldStartWith("`1,`25.99,");
    }
}
