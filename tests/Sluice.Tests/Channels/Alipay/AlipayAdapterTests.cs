using System.Net;
using System.Net.Http.Json;
using Sluice.Channels;
using Sluice.Channels.Alipay;
using Sluice.Tests.Infrastructure;
using static Sluice.Tests.Channels.Alipay.AlipayTestKit;

namespace Sluice.Tests.Channels.Alipay;

/// <summary>The Alipay adapter against the simulated Alipay over HTTP, flow by flow, with the simulator's failure behaviours.</summary>
public sealed class AlipayAdapterTests(SimulatorHost simulator) : IClassFixture<SimulatorHost>
{
    private readonly AlipayChannelAdapter _adapter = new(new ShortTimeoutClients(), TimeProvider.System);

    private static ChannelPayRequest Pay(string id, long amount = 2599, string method = "alipay_qr", string currency = "CNY") =>
        new(id, amount, currency, "咖啡豆 Coffee beans", method, DateTimeOffset.UtcNow.AddMinutes(30), "127.0.0.1", "https://shop.example/return");

    private static ChannelOrderRef Ref(string id) => new(id, null);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_qr_payment_is_precreated_queried_paid_and_then_cannot_be_closed()
    {
        var account = Account(await simulator.RegisterAppAsync());
        var id = NewId("pay");

        var pay = await _adapter.PayAsync(account, Pay(id), Ct);
        var waiting = await _adapter.QueryPaymentAsync(account, Ref(id), Ct);
        await simulator.PayerPaysAsync(id);
        var paid = await _adapter.QueryPaymentAsync(account, Ref(id), Ct);
        var close = await _adapter.ClosePaymentAsync(account, Ref(id), Ct);

        pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending, pay.Result.RawMessage);
        pay.Action!.Type.ShouldBe("qr_code");
        pay.Action.Value.ShouldStartWith("https://qr.alipay.com/");
        waiting.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        waiting.Result.RawSubCode.ShouldBe("WAIT_BUYER_PAY");
        paid.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        paid.Result.RawSubCode.ShouldBe("TRADE_SUCCESS");
        paid.Amount.ShouldBe(2599);
        paid.Result.ChannelReference.ShouldNotBeNullOrEmpty();
        paid.CompletedAt.ShouldNotBeNull();
        close.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        close.Result.RawSubCode.ShouldBe("ACQ.TRADE_STATUS_ERROR");
    }

    [Fact]
    public async Task With_the_approve_behaviour_the_payer_pays_at_once()
    {
        var account = Account(await simulator.RegisterAppAsync());
        var id = NewId("pay");
        await simulator.SetBehaviourAsync("alipay", id, "approve");

        var pay = await _adapter.PayAsync(account, Pay(id), Ct);
        var query = await _adapter.QueryPaymentAsync(account, Ref(id), Ct);

        pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        query.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        query.Result.RawSubCode.ShouldBe("TRADE_SUCCESS");
    }

    [Fact]
    public async Task After_time_expire_the_payer_can_no_longer_pay_and_the_trade_is_closed()
    {
        var account = Account(await simulator.RegisterAppAsync());
        var id = NewId("pay");
        await _adapter.PayAsync(account, Pay(id) with { ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(1) }, Ct);
        await Task.Delay(TimeSpan.FromSeconds(2), Ct);

        using var sim = simulator.Client();
        var late = await sim.PostAsync($"control/alipay/orders/{id}/pay", null, Ct);
        var query = await _adapter.QueryPaymentAsync(account, Ref(id), Ct);

        late.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        query.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        query.Result.RawSubCode.ShouldBe("TRADE_CLOSED");
    }

    [Fact]
    public async Task An_unpaid_trade_closes_and_a_trade_alipay_never_saw_is_still_pending()
    {
        var account = Account(await simulator.RegisterAppAsync());
        var id = NewId("pay");
        await _adapter.PayAsync(account, Pay(id), Ct);

        var close = await _adapter.ClosePaymentAsync(account, Ref(id), Ct);
        var closed = await _adapter.QueryPaymentAsync(account, Ref(id), Ct);
        var never = await _adapter.QueryPaymentAsync(account, Ref(NewId("pay")), Ct);

        close.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        closed.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        closed.Result.RawSubCode.ShouldBe("TRADE_CLOSED");
        never.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        never.Result.RawCode.ShouldBe("40004");
        never.Result.RawSubCode.ShouldBe("ACQ.TRADE_NOT_EXIST");
    }

    [Fact]
    public async Task Page_and_wap_payments_are_signed_gateway_urls_the_simulated_alipay_accepts_and_app_payments_an_order_string()
    {
        var account = Account(await simulator.RegisterAppAsync());
        using var browser = new HttpClient();
        foreach (var method in new[] { "alipay_page", "alipay_wap" })
        {
            var id = NewId("pay");
            var pay = await _adapter.PayAsync(account, Pay(id, 1234, method), Ct);

            pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
            pay.Action!.Type.ShouldBe("redirect");
            pay.Action.Value.ShouldStartWith(account.Credential("gateway_url") + "?");
            var cashier = await browser.GetAsync(pay.Action.Value, Ct);
            cashier.StatusCode.ShouldBe(HttpStatusCode.OK, await cashier.Content.ReadAsStringAsync(Ct));
            (await cashier.Content.ReadAsStringAsync(Ct)).ShouldContain("12.34");
            var tampered = await browser.GetAsync(pay.Action.Value.Replace("12.34", "0.01", StringComparison.Ordinal), Ct);
            tampered.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await tampered.Content.ReadAsStringAsync(Ct)).ShouldContain("isv.invalid-signature");
            await simulator.PayerPaysAsync(id);
            (await _adapter.QueryPaymentAsync(account, Ref(id), Ct)).Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        }

        var appId = NewId("pay");
        var app = await _adapter.PayAsync(account, Pay(appId, 500, "alipay_app"), Ct);
        app.Action!.Type.ShouldBe("sdk_params");
        app.Action.Value.ShouldContain("method=alipay.trade.app.pay");
        using var sim = simulator.Client();
        var received = await sim.PostAsJsonAsync("control/alipay/sdk", new { order_string = app.Action.Value }, Ct);
        received.StatusCode.ShouldBe(HttpStatusCode.OK, await received.Content.ReadAsStringAsync(Ct));
        (await simulator.TradeAsync(appId)).Str("total_amount").ShouldBe("5.00");
    }

    [Fact]
    public async Task Partial_refunds_are_capped_at_the_paid_amount_repeat_safely_and_can_be_queried()
    {
        var account = Account(await simulator.RegisterAppAsync());
        var id = NewId("pay");
        await _adapter.PayAsync(account, Pay(id, 3000), Ct);
        await simulator.PayerPaysAsync(id);
        var first = NewId("rfd");

        var one = await _adapter.RefundAsync(account, new ChannelRefundRequest(first, id, null, 1000, 3000, "CNY", "damaged"), Ct);
        var tooMuch = await _adapter.RefundAsync(account, new ChannelRefundRequest(NewId("rfd"), id, null, 2001, 3000, "CNY", null), Ct);
        var repeated = await _adapter.RefundAsync(account, new ChannelRefundRequest(first, id, null, 1000, 3000, "CNY", "damaged"), Ct);
        var two = await _adapter.RefundAsync(account, new ChannelRefundRequest(NewId("rfd"), id, null, 2000, 3000, "CNY", null), Ct);
        var queried = await _adapter.QueryRefundAsync(account, first, id, Ct);
        var unknownRefund = await _adapter.QueryRefundAsync(account, NewId("rfd"), id, Ct);
        var afterAll = await _adapter.QueryPaymentAsync(account, Ref(id), Ct);

        one.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        one.Amount.ShouldBe(1000);
        tooMuch.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        tooMuch.Result.RawSubCode.ShouldBe("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL");
        repeated.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        two.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        queried.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        queried.Result.RawSubCode.ShouldBe("REFUND_SUCCESS");
        queried.Amount.ShouldBe(1000);
        unknownRefund.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        afterAll.Result.RawSubCode.ShouldBe("TRADE_CLOSED");
    }

    [Fact]
    public async Task A_refund_after_the_refund_window_is_refused_with_alipays_code()
    {
        var account = Account(await simulator.RegisterAppAsync());
        var id = NewId("pay");
        await _adapter.PayAsync(account, Pay(id), Ct);
        await simulator.PayerPaysAsync(id);
        await simulator.SetBehaviourAsync("alipay", id, "refund_window_passed");

        var refund = await _adapter.RefundAsync(account, new ChannelRefundRequest(NewId("rfd"), id, null, 100, 2599, "CNY", null), Ct);

        refund.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        refund.Result.RawCode.ShouldBe("40004");
        refund.Result.RawSubCode.ShouldBe("ACQ.TRADE_NOT_ALLOW_REFUND");
    }

    [Fact]
    public async Task Withdrawals_transfer_to_alipay_accounts_and_fail_with_alipays_codes_for_balance_and_closed_accounts()
    {
        var account = Account(await simulator.RegisterAppAsync());
        ChannelWithdrawRequest Withdraw(string id, string payee = "2088102146225135") =>
            new(id, 5000, "CNY", PayeeAccountType.Wallet, payee, "Zhang San", null, "commission");
        var ok = NewId("wdr");
        var poor = NewId("wdr");
        var closedPayee = NewId("wdr");
        await simulator.SetBehaviourAsync("alipay", poor, "insufficient_balance");
        await simulator.SetBehaviourAsync("alipay", closedPayee, "payer_account_closed");

        var done = await _adapter.WithdrawAsync(account, Withdraw(ok, "zhangsan@example.com"), Ct);
        var queried = await _adapter.QueryWithdrawalAsync(account, ok, Ct);
        var insufficient = await _adapter.WithdrawAsync(account, Withdraw(poor), Ct);
        var closed = await _adapter.WithdrawAsync(account, Withdraw(closedPayee), Ct);
        var missing = await _adapter.QueryWithdrawalAsync(account, NewId("wdr"), Ct);
        var bank = await _adapter.WithdrawAsync(account, Withdraw(NewId("wdr")) with { PayeeType = PayeeAccountType.BankAccount }, Ct);

        done.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded, done.Result.RawMessage);
        done.Result.RawSubCode.ShouldBe("SUCCESS");
        queried.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        queried.Amount.ShouldBe(5000);
        insufficient.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        insufficient.Result.RawSubCode.ShouldBe("PAYER_BALANCE_NOT_ENOUGH");
        closed.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        closed.Result.RawSubCode.ShouldBe("PAYEE_ACCOUNT_STATUS_ERROR");
        missing.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        missing.Result.RawSubCode.ShouldBe("ORDER_NOT_EXIST");
        bank.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        bank.Result.NotTakenByChannel.ShouldBeTrue();
    }

    [Fact]
    public async Task A_decline_fails_with_the_raw_codes_a_delay_within_the_timeout_is_normal_and_timeouts_and_5xx_are_unknown()
    {
        var account = Account(await simulator.RegisterAppAsync());
        var declined = NewId("pay");
        var slow = NewId("pay");
        var hung = NewId("pay");
        var broken = NewId("pay");
        await simulator.SetBehaviourAsync("alipay", declined, "decline", "40004", "ACQ.SELLER_BEEN_BLOCKED");
        await simulator.SetBehaviourAsync("alipay", slow, "delay", delayMs: 300);
        await simulator.SetBehaviourAsync("alipay", hung, "timeout");
        await simulator.SetBehaviourAsync("alipay", broken, "server_error");

        var decline = await _adapter.PayAsync(account, Pay(declined), Ct);
        var delay = await _adapter.PayAsync(account, Pay(slow), Ct);
        var timeout = await _adapter.PayAsync(account, Pay(hung), Ct);
        var serverError = await _adapter.PayAsync(account, Pay(broken), Ct);

        decline.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        decline.Result.RawCode.ShouldBe("40004");
        decline.Result.RawSubCode.ShouldBe("ACQ.SELLER_BEEN_BLOCKED");
        decline.Result.NotTakenByChannel.ShouldBeFalse();
        delay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        timeout.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        timeout.Result.RawCode.ShouldBe(ChannelTransport.Timeout);
        serverError.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        serverError.Result.RawCode.ShouldBe("HTTP_500");
    }

    [Fact]
    public async Task Answers_that_do_not_verify_are_unknown_and_requests_alipay_cannot_verify_are_refused_with_its_code()
    {
        var app = await simulator.RegisterAppAsync();
        var other = await simulator.RegisterAppAsync();
        var forgedAnswers = Account(app with { Credentials = new(app.Credentials) { ["alipay_public_key"] = AlipayProtocolTests.PublicKeyPem } });
        var wrongKey = Account(app with { Credentials = new(app.Credentials) { ["merchant_private_key"] = other.Credentials["merchant_private_key"] } });
        var unknownApp = Account(app with { Credentials = new(app.Credentials) { ["app_id"] = "2021000000000001" } });
        var closedPort = Account(app with { Credentials = new(app.Credentials) { ["gateway_url"] = $"http://127.0.0.1:{GatewayFixture.FreePort()}/gateway.do" } });

        var unverified = await _adapter.PayAsync(forgedAnswers, Pay(NewId("pay")), Ct);
        var badSignature = await _adapter.PayAsync(wrongKey, Pay(NewId("pay")), Ct);
        var badApp = await _adapter.PayAsync(unknownApp, Pay(NewId("pay")), Ct);
        var refused = await _adapter.PayAsync(closedPort, Pay(NewId("pay")), Ct);
        var dollars = await _adapter.PayAsync(Account(app), Pay(NewId("pay"), currency: "USD"), Ct);

        unverified.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        unverified.Result.RawCode.ShouldBe(ChannelTransport.UnverifiedAnswer);
        badSignature.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        badSignature.Result.RawCode.ShouldBe("40002");
        badSignature.Result.RawSubCode.ShouldBe("isv.invalid-signature");
        badApp.Result.RawSubCode.ShouldBe("isv.invalid-app-id");
        refused.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        refused.Result.NotTakenByChannel.ShouldBeTrue();
        dollars.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        dollars.Result.NotTakenByChannel.ShouldBeTrue();
        dollars.Result.RawCode.ShouldBe(AlipayProtocol.Codes.CurrencyNotSupported);
    }

    [Fact]
    public async Task In_partner_mode_the_app_auth_token_goes_with_every_request()
    {
        var viaCredential = Account(await simulator.RegisterAppAsync(appAuthToken: "202611BBd3f1a2c4e5f60718293a4b5c6d7e8f90"));
        var viaSubMerchant = Account(await simulator.RegisterAppAsync(), subMerchantId: "202611BB0000000000000000000000000000sub1");
        var first = NewId("pay");
        var second = NewId("pay");

        (await _adapter.PayAsync(viaCredential, Pay(first), Ct)).Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        (await _adapter.PayAsync(viaSubMerchant, Pay(second), Ct)).Result.Outcome.ShouldBe(ChannelOutcome.Pending);

        (await simulator.TradeAsync(first)).Str("app_auth_token").ShouldBe("202611BBd3f1a2c4e5f60718293a4b5c6d7e8f90");
        (await simulator.TradeAsync(second)).Str("app_auth_token").ShouldBe("202611BB0000000000000000000000000000sub1");
    }

    [Fact]
    public async Task The_daily_statement_lists_the_days_payments_and_refunds_in_alipays_columns()
    {
        var app = await simulator.RegisterAppAsync();
        var account = Account(app);
        var id = NewId("pay");
        await _adapter.PayAsync(account, Pay(id, 4321), Ct);
        await simulator.PayerPaysAsync(id);
        await _adapter.RefundAsync(account, new ChannelRefundRequest("rfd_stmt_1", id, null, 321, 4321, "CNY", null), Ct);
        var today = AlipayProtocol.BeijingTime(DateTimeOffset.UtcNow)[..10];

        var url = await BillUrlAsync(app, today);
        using var http = new HttpClient();
        var csv = await http.GetStringAsync(url, Ct);

        csv.ShouldStartWith("#支付宝业务明细查询");
        csv.ShouldContain("支付宝交易号,商户订单号,业务类型");
        csv.Split('\n').ShouldContain(l => l.Contains(id) && l.Contains("交易") && l.Contains("43.21"));
        csv.Split('\n').ShouldContain(l => l.Contains(id) && l.Contains("退款") && l.Contains("-3.21") && l.Contains("rfd_stmt_1"));
        csv.ShouldContain("#交易合计：1笔，退款合计：1笔");
    }

    /// <summary>alipay.data.dataservice.bill.downloadurl.query, signed as the adapter signs, read back verified.</summary>
    private static async Task<string> BillUrlAsync(AlipayApp app, string date)
    {
        var parameters = new Dictionary<string, string>
        {
            ["app_id"] = app.AppId, ["method"] = AlipayProtocol.Methods.BillDownloadUrl, ["format"] = "JSON", ["charset"] = "utf-8",
            ["sign_type"] = "RSA2", ["timestamp"] = AlipayProtocol.BeijingTime(DateTimeOffset.UtcNow), ["version"] = "1.0",
            ["biz_content"] = $$"""{"bill_type":"trade","bill_date":"{{date}}"}""",
        };
        parameters["sign"] = AlipaySignature.Sign(AlipaySignature.RequestSignContent(parameters), app.Credentials["merchant_private_key"]);
        using var http = new HttpClient();
        var response = await http.PostAsync(app.Credentials["gateway_url"], new FormUrlEncodedContent(parameters), Ct);
        var body = await response.Content.ReadAsByteArrayAsync(Ct);
        AlipaySignature.VerifyAnswer(body, AlipayProtocol.Methods.BillDownloadUrl, app.Credentials["alipay_public_key"]).ShouldNotBeNull();
        var node = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("alipay_data_dataservice_bill_downloadurl_query_response");
        node.Str("code").ShouldBe("10000", node.ToString());
        return node.Str("bill_download_url");
    }

    /// <summary>Clients that give up after 2 s, so a "timeout" behaviour is seen quickly.</summary>
    [Fact]
    public async Task A_signed_answer_naming_another_order_is_unknown_and_answers_name_the_order_asked_about()
    {
        var account = Account(await simulator.RegisterAppAsync());
        var (id, mixedUp) = (NewId("pay"), NewId("pay"));
        await _adapter.PayAsync(account, Pay(id), Ct);
        await _adapter.PayAsync(account, Pay(mixedUp), Ct);
        await simulator.PayerPaysAsync(mixedUp);
        await simulator.SetBehaviourAsync("alipay", mixedUp, "answer_for_another_order", times: 1);

        var own = await _adapter.QueryPaymentAsync(account, Ref(id), Ct);
        var other = await _adapter.QueryPaymentAsync(account, Ref(mixedUp), Ct);
        var refundId = NewId("rfd");
        var refund = await _adapter.QueryRefundAsync(account, refundId, id, Ct);

        own.Result.AnsweredFor.ShouldBe(id);
        ChannelTransport.MatchOrder(own.Result, id).ShouldBeSameAs(own.Result);
        other.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded, "the adapter reads the signed answer as it is");
        other.Result.AnsweredFor.ShouldBe(mixedUp + "9");
        var matched = ChannelTransport.MatchOrder(other.Result, mixedUp);
        matched.Outcome.ShouldBe(ChannelOutcome.Unknown);
        matched.RawCode.ShouldBe(ChannelTransport.AnswerForAnotherOrder);
        matched.RawMessage!.ShouldContain(mixedUp + "9");
        ChannelTransport.MatchOrder(refund.Result, refundId, id).ShouldBeSameAs(refund.Result);
    }

    [Fact]
    public async Task An_answer_with_a_duplicated_response_node_is_refused_even_when_one_of_them_is_signed()
    {
        using var platform = System.Security.Cryptography.RSA.Create(2048);
        var app = await simulator.RegisterAppAsync();
        var account = Account(app with { Credentials = new(app.Credentials) { ["alipay_public_key"] = platform.ExportSubjectPublicKeyInfoPem() } });
        var id = NewId("pay");
        var waiting = $$"""{"code":"10000","msg":"Success","out_trade_no":"{{id}}","trade_status":"WAIT_BUYER_PAY","total_amount":"25.99"}""";
        var paid = $$"""{"code":"10000","msg":"Success","out_trade_no":"{{id}}","trade_no":"2026","trade_status":"TRADE_SUCCESS","total_amount":"25.99"}""";
        var sign = AlipaySignature.Sign(waiting, platform.ExportPkcs8PrivateKeyPem());
        var single = $$"""{"alipay_trade_query_response":{{waiting}},"sign":"{{sign}}"}""";
        var doubled = $$"""{"alipay_trade_query_response":{{paid}},"alipay_trade_query_response":{{waiting}},"sign":"{{sign}}"}""";

        var genuine = await new AlipayChannelAdapter(new AnsweringClients(single), TimeProvider.System).QueryPaymentAsync(account, Ref(id), Ct);
        var smuggled = await new AlipayChannelAdapter(new AnsweringClients(doubled), TimeProvider.System).QueryPaymentAsync(account, Ref(id), Ct);

        genuine.Result.Outcome.ShouldBe(ChannelOutcome.Pending, genuine.Result.RawMessage);
        smuggled.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        smuggled.Result.RawCode.ShouldBe(ChannelTransport.UnreadableAnswer);
        smuggled.Amount.ShouldBeNull();
    }

    /// <summary>Every request is answered with <paramref name="body"/> (HTTP 200, JSON), as a channel or a man in the middle would.</summary>
    private sealed class AnsweringClients(string body) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(new Answering(body));

        private sealed class Answering(string body) : HttpMessageHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
                Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });
        }
    }

    private sealed class ShortTimeoutClients : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new() { Timeout = TimeSpan.FromSeconds(2) };
    }
}
