using Microsoft.EntityFrameworkCore;
using System.Net;
using Sluice.Channels.WeChatPay;
using Sluice.Refunds;
using Sluice.Tests.Channels.Alipay;
using Sluice.Tests.Channels.WeChatPay;
using Sluice.Tests.Infrastructure;
using static Sluice.Tests.Refunds.RefundTestKit;

namespace Sluice.Tests.Refunds;

/// <summary>
/// Refunds through real channel protocols against the channel simulator: partial refunds at Alipay and WeChat Pay,
/// Alipay's refund window passed and WeChat Pay's closed payer account going to the exception queue, a declined refund
/// giving its amount back, and WeChat Pay's refund notices (success, duplicated, abnormal) applied once.
/// </summary>
public abstract class RefundSimulatorTests(AlipayGatewayFixture gateway, SimulatorHost simulator) : IAsyncLifetime
{
    private static readonly Uri NotifyUrl = new("http://127.0.0.1:9/webhooks");

    public ValueTask InitializeAsync()
    {
        gateway.CatchUpWithRealTime();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private Task<(HttpClient Client, string PaymentId)> AlipayPaidAsync(long amount) => gateway.AlipayPaidAsync(simulator, amount, NotifyUrl);

    private Task<(HttpClient Client, string PaymentId)> WeChatPaidAsync(long amount) => gateway.WeChatPaidAsync(simulator, amount, NotifyUrl);

    [Fact]
    public async Task Partial_refunds_at_alipay_succeed_up_to_the_paid_amount_and_alipays_notice_after_the_full_refund_changes_nothing_more()
    {
        var (client, paymentId) = await AlipayPaidAsync(2_599);
        using var _ = client;

        var first = await client.RefundAsync(paymentId, 1_000);
        var rest = await client.RefundAsync(paymentId, 1_599);
        using var more = await client.PostRefundAsync(RefundBody(paymentId, 1));

        first.Str("status").ShouldBe("succeeded");
        rest.Str("status").ShouldBe("succeeded");
        more.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await simulator.TradeAsync(paymentId)).Str("trade_status").ShouldBe("TRADE_CLOSED");

        // After the full refund Alipay notifies about it (out_biz_no = the last refund). Whichever of the answer and the
        // notice comes first applies it; the other changes nothing.
        await SimulatorHost.EventuallyAsync(async () => (await gateway.CallbacksForAsync(rest.Str("id"))).Count == 1);
        var notice = (await gateway.CallbacksForAsync(rest.Str("id"))).ShouldHaveSingleItem();
        (notice.Verified, notice.Effect).ShouldBeOneOf((true, "duplicate"), (true, "applied"));
        (await gateway.RefundWebhooksAsync(rest.Str("id"))).ShouldBe(["refund.succeeded"]);
        (await client.GetPaymentAsync(paymentId)).Str("status").ShouldBe("succeeded");
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(2_599);
    }

    [Fact]
    public async Task A_refund_past_alipays_refund_window_enters_the_exception_queue_where_it_cannot_be_resent_but_can_be_closed_offline()
    {
        var (client, paymentId) = await AlipayPaidAsync(5_000);
        using var _ = client;
        await simulator.SetBehaviourAsync("alipay", paymentId, "refund_window_passed", times: 1);

        var refund = await client.RefundAsync(paymentId, 2_000);
        var id = refund.Str("id");

        refund.Str("status").ShouldBe("exception");
        var stored = (await gateway.StoredRefundsAsync(paymentId)).ShouldHaveSingleItem();
        (stored.RawCode, stored.RawSubCode, stored.ResultCode).ShouldBe(("40004", "ACQ.TRADE_NOT_ALLOW_REFUND", "refund_window_passed"));
        stored.ExceptionReason.ShouldStartWith("refund_window_passed");
        var queued = (await gateway.AdminGetAsync("/admin/api/refunds/exceptions")).EnumerateArray().Single(r => r.GetProperty("refund").Str("id") == id);
        queued.GetProperty("resend_allowed").GetBoolean().ShouldBeFalse();
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(2_000);

        using var admin = gateway.Admin();
        using var resend = await admin.PostAsync($"/admin/api/refunds/{id}/resend", null, Ct);
        resend.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using var closed = await admin.PostAsync($"/admin/api/refunds/{id}/close-offline", Api.JsonBody(new { note = "Bank transfer to the buyer, ref 2026-11-24-7" }), Ct);
        closed.StatusCode.ShouldBe(HttpStatusCode.OK);

        (await client.GetRefundAsync(id)).Str("status").ShouldBe("closed_offline");
        (await gateway.RefundWebhooksAsync(id)).ShouldBe(["refund.exception", "refund.closed_offline"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_refund_alipay_declines_fails_with_the_unified_code_and_gives_its_amount_back()
    {
        var (client, paymentId) = await AlipayPaidAsync(3_000);
        using var _ = client;
        await simulator.SetBehaviourAsync("alipay", paymentId, "insufficient_balance", times: 1);

        var declined = await client.RefundAsync(paymentId, 3_000);
        var full = await client.RefundAsync(paymentId, 3_000);

        declined.Str("status").ShouldBe("failed");
        declined.GetProperty("failure").Str("code").ShouldBe("insufficient_balance");
        (await gateway.RefundWebhooksAsync(declined.Str("id"))).ShouldBe(["refund.failed"]);
        full.Str("status").ShouldBe("succeeded");
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(3_000);
    }

    [Fact]
    public async Task A_wechat_refund_accepted_as_processing_is_completed_by_its_notice_applied_once_though_sent_twice()
    {
        var (client, paymentId) = await WeChatPaidAsync(2_599);
        using var _ = client;
        await simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, null, "duplicate_callback", times: 1);

        var refund = await client.RefundAsync(paymentId, 1_000);
        var id = refund.Str("id");

        refund.Str("status").ShouldBeOneOf("pending", "succeeded"); // the notice may overtake the answer
        await Api.EventuallyAsync(() => client.GetRefundAsync(id), r => r.Str("status") == "succeeded", "the refund notice");
        await SimulatorHost.EventuallyAsync(async () => (await gateway.CallbacksForAsync(id)).Count == 2);
        (await gateway.CallbacksForAsync(id)).Select(c => c.Effect).ShouldBe(["applied", "duplicate"]);
        (await gateway.RefundWebhooksAsync(id)).Count(t => t == "refund.succeeded").ShouldBe(1);
        var second = await client.RefundAsync(paymentId, 1_599);
        await Api.EventuallyAsync(() => client.GetRefundAsync(second.Str("id")), r => r.Str("status") == "succeeded", "the second refund");
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(2_599);
    }

    [Fact]
    public async Task A_wechat_refund_to_a_closed_payer_account_or_ending_abnormal_enters_the_exception_queue()
    {
        var (client, paymentId) = await WeChatPaidAsync(5_000);
        using var _ = client;

        await simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, null, "payer_account_closed", times: 1);
        var closedAccount = await client.RefundAsync(paymentId, 1_000);
        await simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, null, "decline", code: "ABNORMAL", times: 1);
        var abnormal = await client.RefundAsync(paymentId, 1_500);

        closedAccount.Str("status").ShouldBe("exception");
        var atOnce = (await gateway.StoredRefundsAsync(paymentId)).Single(r => r.Id == closedAccount.Str("id"));
        (atOnce.RawCode, atOnce.ResultCode).ShouldBe(("USER_ACCOUNT_ABNORMAL", "payee_account_abnormal"));
        var byNotice = await Api.EventuallyAsync(() => client.GetRefundAsync(abnormal.Str("id")), r => r.Str("status") == "exception", "the abnormal refund notice");
        byNotice.Str("status").ShouldBe("exception");
        (await gateway.StoredRefundsAsync(paymentId)).Single(r => r.Id == abnormal.Str("id")).ResultCode.ShouldBe("refund_abnormal");
        var queue = (await gateway.AdminGetAsync("/admin/api/refunds/exceptions")).EnumerateArray().Select(r => r.GetProperty("refund").Str("id")).ToList();
        queue.ShouldContain(closedAccount.Str("id"));
        queue.ShouldContain(abnormal.Str("id"));
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(2_500);
        (await gateway.StoredRefundsAsync(paymentId)).ShouldAllBe(r => r.Status == RefundStatus.Exception);
    }

    [Fact]
    public async Task A_forged_wechat_refund_notice_is_refused_logged_and_changes_nothing()
    {
        var (client, paymentId) = await WeChatPaidAsync(2_000);
        using var _ = client;
        await simulator.SetBehaviourAsync(WeChatPayTestKit.ChannelName, null, "forged_callback", times: 1);

        var refund = await client.RefundAsync(paymentId, 800);
        var id = refund.Str("id");

        // WeChat Pay retries an unacknowledged notice; every attempt carries the forged signature and is refused.
        await SimulatorHost.EventuallyAsync(() => Task.FromResult(simulator.Callbacks.Attempts(id).Count >= 2));
        simulator.Callbacks.Attempts(id).ShouldAllBe(a => a.Forged && !a.Acknowledged);
        (await client.GetRefundAsync(id)).Str("status").ShouldBe("pending");
        var stored = (await gateway.StoredRefundsAsync(paymentId)).ShouldHaveSingleItem();
        stored.Status.ShouldBe(RefundStatus.Pending);
        (await gateway.RefundWebhooksAsync(id)).ShouldNotContain("refund.succeeded");
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(800, "the amount stays reserved while the refund is open");
        var rejected = await gateway.WithDbAsync(db => db.ChannelCallbacks.CountAsync(c => c.ChannelAccountId == stored.ChannelAccountId && !c.Verified && c.Effect == "rejected", Ct));
        rejected.ShouldBeGreaterThanOrEqualTo(1);
    }
}

public sealed class RefundSimulatorSqliteTests(AlipaySqliteGateway gateway, SimulatorHost simulator)
    : RefundSimulatorTests(gateway, simulator), IClassFixture<AlipaySqliteGateway>, IClassFixture<SimulatorHost>;

public sealed class RefundSimulatorPostgresTests(AlipayPostgresGateway gateway, SimulatorHost simulator)
    : RefundSimulatorTests(gateway, simulator), IClassFixture<AlipayPostgresGateway>, IClassFixture<SimulatorHost>;
