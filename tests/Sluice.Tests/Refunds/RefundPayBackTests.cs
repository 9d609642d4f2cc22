using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Refunds;
using Sluice.Server.Refunds;
using Sluice.Server.ResultCodes;
using Sluice.Tests.Channels.Alipay;
using Sluice.Tests.Channels.UnionPay;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Withdrawals;
using static Sluice.Tests.Refunds.RefundTestKit;

namespace Sluice.Tests.Refunds;

/// <summary>
/// The exception queue's pay-back: a refund Alipay can no longer take (refund window passed) is paid back by an
/// operator through the merchant's bank payout channel to an account the buyer gave, against the simulated Alipay
/// and bank. The refund follows the withdrawal: succeeded when the bank pays (notice or query), back in the queue when
/// the bank declines, the hold time runs out or the payee's bank returns it.
/// </summary>
public abstract class RefundPayBackTests(SimulatedChannelsGateway gateway) : IAsyncLifetime
{
    private const string BuyerAccount = "6214830212345678";
    private const string BuyerAccountMasked = "************5678";
    private static readonly Uri NotifyUrl = new("http://127.0.0.1:9/webhooks");

    private SimulatorHost Simulator => gateway.Simulator;

    public ValueTask InitializeAsync()
    {
        gateway.CatchUpWithRealTime();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        using var client = Simulator.Client();
        await client.DeleteAsync("control/behaviours?channel=bankpayout");
    }

    private sealed record ExceptionRefund(HttpClient Merchant, string PaymentId, string RefundId, string RefundChannel, string PayoutChannel);

    /// <summary>A merchant with an Alipay channel and a bank payout channel, a paid payment, and a refund Alipay refused: refund window passed.</summary>
    private async Task<ExceptionRefund> ExceptionRefundAsync()
    {
        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(NotifyUrl);
        var app = await Simulator.RegisterAppAsync();
        var (refundChannel, _) = await gateway.ChannelWithAccountAsync(merchantId, "payment", "alipay", ["alipay_qr"], app.Credentials, feePpm: 6000);
        var (payoutChannel, _) = await gateway.BankPayoutChannelAsync(merchantId);
        var merchant = gateway.Merchant(apiKey);
        var paymentId = await merchant.PaidAtSimulatorAsync("alipay_qr", 5_000, id => Simulator.PayerPaysAsync(id));
        await Simulator.SetBehaviourAsync("alipay", paymentId, "refund_window_passed", times: 1);
        var refund = await merchant.RefundAsync(paymentId, 2_000);
        refund.Str("status").ShouldBe("exception");
        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        return new ExceptionRefund(merchant, paymentId, refund.Str("id"), refundChannel, payoutChannel);
    }

    private async Task<HttpResponseMessage> PayBackAsync(string refundId, string accountNo = BuyerAccount, string? payeeType = "bank_account", string? note = "Buyer gave a CMB account on the phone, ticket 4411")
    {
        using var admin = gateway.Admin();
        return await admin.PostAsync($"/admin/api/refunds/{refundId}/pay-back", Api.JsonBody(new Dictionary<string, object?>
        {
            ["payee_type"] = payeeType, ["payee_account_no"] = accountNo, ["payee_name"] = "Li Si", ["bank_code"] = "CMB", ["note"] = note,
        }), Ct);
    }

    private async Task<JsonElement> PayBackOkAsync(string refundId, string accountNo = BuyerAccount)
    {
        using var response = await PayBackAsync(refundId, accountNo);
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        return body;
    }

    /// <summary>
    /// The refund.* webhooks staged for a refund, in the order of the timeline lines they announce (a pay-back answered
    /// at once stages two at the same instant of the test clock); each timeline change has exactly one webhook.
    /// </summary>
    private async Task<List<string>> RefundEventsAsync(string refundId)
    {
        var timeline = await gateway.WithDbAsync(db => db.RefundEvents.AsNoTracking()
            .Where(e => e.RefundId == refundId && (e.Kind == "status_changed" || e.Kind == "overdue")).OrderBy(e => e.Id)
            .Select(e => "refund." + (e.Kind == "overdue" ? "overdue" : e.ToStatus)).ToListAsync(Ct));
        var webhooks = await gateway.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Payload.Contains(refundId) && d.EventType.StartsWith("refund.")).Select(d => d.EventType).ToListAsync(Ct));
        webhooks.ShouldBe(timeline, ignoreOrder: true);
        return timeline;
    }

    private Task<RefundOrder> StoredRefundAsync(string id) => gateway.WithDbAsync(db => db.Refunds.AsNoTracking().FirstAsync(r => r.Id == id, Ct));

    private Task<List<Sluice.Withdrawals.WithdrawalOrder>> PayBackWithdrawalsAsync(string refundId) =>
        gateway.WithDbAsync(db => db.Withdrawals.AsNoTracking().Where(w => w.RefundId == refundId).ToListAsync(Ct));

    /// <summary>The original channel (Alipay) reports the refund done late, as its notice would: applied by the refund flow.</summary>
    private async Task<string> OriginalChannelReportsRefundedAsync(string refundId)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
        var refund = await db.Refunds.FirstAsync(r => r.Id == refundId, Ct);
        var result = new ChannelResult(ChannelOutcome.Succeeded, "10000", "REFUND_SUCCESS", "Success");
        var resolution = await scope.ServiceProvider.GetRequiredService<ResultCodeResolver>().ResolveAsync("alipay", ChannelFlow.Notify, result, Ct);
        resolution.Effect.ShouldBe(ChannelOutcome.Succeeded);
        return (await scope.ServiceProvider.GetRequiredService<RefundService>().ApplyReportAsync(refund, new ChannelReport(result), resolution, "channel_notify", Ct)).WireName;
    }

    [Fact]
    public async Task A_refund_past_the_refund_window_is_paid_back_through_the_bank_and_succeeds_by_the_banks_notice()
    {
        var x = await ExceptionRefundAsync();
        using var _ = x.Merchant;

        using var response = await PayBackAsync(x.RefundId);
        var responseText = await response.Content.ReadAsStringAsync(Ct);
        var payingBack = JsonDocument.Parse(responseText).RootElement;
        var withdrawalId = payingBack.GetProperty("pay_back").Str("withdrawal_id");
        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        var withdrawal = await x.Merchant.GetWithdrawalAsync(withdrawalId);
        var reservedMeanwhile = (await gateway.StoredPaymentAsync(x.PaymentId)).RefundedAmount;
        await Simulator.CompletePayoutAsync(withdrawalId, "SUCCEEDED");
        var succeeded = await Api.EventuallyAsync(() => x.Merchant.GetRefundAsync(x.RefundId), r => r.Str("status") == "succeeded", "the pay-back to succeed");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, responseText);
        payingBack.Str("status").ShouldBe("paying_back");
        (payingBack.GetProperty("pay_back").Str("payee_type"), payingBack.GetProperty("pay_back").Str("payee_account")).ShouldBe(("bank_account", BuyerAccountMasked));
        (withdrawal.Str("status"), withdrawal.Str("refund_id"), withdrawal.Str("channel")).ShouldBe(("pending", x.RefundId, x.PayoutChannel));
        (withdrawal.GetProperty("amount").GetInt64(), withdrawal.Str("payee_account")).ShouldBe((2_000, BuyerAccountMasked));
        reservedMeanwhile.ShouldBe(2_000, "the amount stays reserved while it is paid back");
        succeeded.GetProperty("refunded_at").ValueKind.ShouldBe(JsonValueKind.String);
        succeeded.GetProperty("pay_back").Str("withdrawal_id").ShouldBe(withdrawalId);
        (await gateway.StoredPaymentAsync(x.PaymentId)).RefundedAmount.ShouldBe(2_000);
        (await x.Merchant.GetWithdrawalAsync(withdrawalId)).Str("status").ShouldBe("succeeded");

        var operatorView = await gateway.AdminGetAsync($"/admin/api/refunds/{x.RefundId}");
        operatorView.GetProperty("refund").GetProperty("pay_back").Str("payee_account").ShouldBe(BuyerAccountMasked);
        var last = operatorView.GetProperty("events").EnumerateArray().Last();
        (last.Str("source"), last.Str("from_status"), last.Str("to_status")).ShouldBe(("pay_back_withdrawal", "paying_back", "succeeded"));
        last.Str("detail").ShouldBe($"paid back through withdrawal channel {x.PayoutChannel}, withdrawal {withdrawalId}");
        (await RefundEventsAsync(x.RefundId)).ShouldBe(["refund.exception", "refund.paying_back", "refund.succeeded"]);
        var withdrawalEvents = await gateway.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Payload.Contains(withdrawalId) && d.EventType.StartsWith("withdrawal.")).Select(d => d.EventType).ToListAsync(Ct));
        withdrawalEvents.ShouldBe(["withdrawal.pending", "withdrawal.succeeded"], ignoreOrder: true);

        var audit = (await gateway.AdminGetAsync($"/admin/api/audit?entityType=refund&entityId={x.RefundId}")).EnumerateArray().ShouldHaveSingleItem();
        audit.Str("action").ShouldBe("refund.pay_back");
        audit.Str("new_value").ShouldContain(withdrawalId);
        audit.Str("new_value").ShouldContain(BuyerAccountMasked);

        responseText.ShouldNotContain(BuyerAccount);
        operatorView.ToString().ShouldNotContain(BuyerAccount);
        (await gateway.DatabaseTextAsync()).ShouldNotContain(BuyerAccount);
        gateway.Logs.Lines.ShouldNotContain(l => l.Contains(BuyerAccount));
    }

    [Fact]
    public async Task A_pay_back_the_bank_declines_returns_the_refund_to_the_exception_queue_where_it_can_be_closed_offline()
    {
        var x = await ExceptionRefundAsync();
        using var _ = x.Merchant;
        await Simulator.SetBehaviourAsync("bankpayout", null, "insufficient_balance", times: 1);

        var answer = await PayBackOkAsync(x.RefundId);
        var withdrawalId = answer.GetProperty("pay_back").Str("withdrawal_id");
        var stored = await StoredRefundAsync(x.RefundId);
        var queue = (await gateway.AdminGetAsync("/admin/api/refunds/exceptions")).EnumerateArray().Select(r => r.GetProperty("refund").Str("id")).ToList();
        using var admin = gateway.Admin();
        using var closed = await admin.PostAsync($"/admin/api/refunds/{x.RefundId}/close-offline", Api.JsonBody(new { note = "Paid in cash at the shop" }), Ct);

        answer.Str("status").ShouldBe("exception");
        (await x.Merchant.GetWithdrawalAsync(withdrawalId)).GetProperty("failure").Str("code").ShouldBe("insufficient_balance");
        stored.Status.ShouldBe(RefundStatus.Exception);
        stored.ExceptionReason.ShouldStartWith($"pay-back withdrawal {withdrawalId} failed: insufficient_balance");
        stored.ResultCode.ShouldBe("refund_window_passed", "the original route stays impossible: resend is still not allowed");
        queue.ShouldContain(x.RefundId);
        (await gateway.StoredPaymentAsync(x.PaymentId)).RefundedAmount.ShouldBe(2_000);
        closed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await x.Merchant.GetRefundAsync(x.RefundId)).Str("status").ShouldBe("closed_offline");
        (await RefundEventsAsync(x.RefundId)).ShouldBe(["refund.exception", "refund.paying_back", "refund.exception", "refund.closed_offline"]);
    }

    [Fact]
    public async Task A_pay_back_whose_payout_timed_out_is_queried_never_sent_again_stays_overdue_meanwhile_and_the_refund_follows_the_query()
    {
        var x = await ExceptionRefundAsync();
        using var _ = x.Merchant;
        var refundOptions = gateway.Services.GetRequiredService<IOptions<RefundOptions>>().Value;
        refundOptions.ChannelTimeouts[x.RefundChannel] = TimeSpan.FromSeconds(1);
        try
        {
            await Simulator.SetBehaviourAsync("bankpayout", null, "timeout", times: 1);
            var answer = await PayBackOkAsync(x.RefundId);
            var withdrawalId = answer.GetProperty("pay_back").Str("withdrawal_id");
            await Simulator.SetBehaviourAsync("bankpayout", withdrawalId, "lose_callback");
            await Simulator.CompletePayoutAsync(withdrawalId, "SUCCEEDED");
            gateway.Clock.Advance(TimeSpan.FromSeconds(2));
            await gateway.Services.GetRequiredService<RefundOverdueScanner>().RunOnceAsync(Ct);
            var overdue = (await gateway.AdminGetAsync($"/admin/api/refunds/overdue?status=paying_back&channel={x.RefundChannel}")).EnumerateArray()
                .Select(r => r.GetProperty("refund").Str("id")).ToList();
            var lateOriginalWord = await OriginalChannelReportsRefundedAsync(x.RefundId);
            gateway.Clock.Advance(TimeSpan.FromSeconds(31));
            await gateway.Services.Worker().RunOnceAsync(Ct);

            answer.Str("status").ShouldBe("paying_back");
            overdue.ShouldBe([x.RefundId]);
            lateOriginalWord.ShouldBe("ignored_paying_back", "only the pay-back withdrawal settles a refund being paid back");
            var refund = await x.Merchant.GetRefundAsync(x.RefundId);
            refund.Str("status").ShouldBe("succeeded");
            (await Simulator.PayoutRequestsAsync(withdrawalId)).ShouldBe((1, 1), "a payout whose answer was lost is queried, never sent again");
            (await StoredRefundAsync(x.RefundId)).OverdueAt.ShouldNotBeNull();
            (await gateway.AdminGetAsync($"/admin/api/refunds/overdue?channel={x.RefundChannel}")).EnumerateArray().ShouldBeEmpty();
            (await RefundEventsAsync(x.RefundId)).ShouldBe(["refund.exception", "refund.paying_back", "refund.overdue", "refund.succeeded"]);
        }
        finally
        {
            refundOptions.ChannelTimeouts.Remove(x.RefundChannel);
        }
    }

    [Fact]
    public async Task A_pay_back_held_past_the_hold_time_or_returned_by_the_payees_bank_sends_the_refund_back_to_the_queue_for_another_try()
    {
        var x = await ExceptionRefundAsync();
        using var _ = x.Merchant;
        var options = gateway.WithdrawalOptions();
        var maxHold = options.MaxHold;
        options.MaxHold = TimeSpan.FromSeconds(40);
        try
        {
            await gateway.SetChannelStatusAsync(x.PayoutChannel, "offline");
            var held = await PayBackOkAsync(x.RefundId);
            var heldWithdrawal = await x.Merchant.GetWithdrawalAsync(held.GetProperty("pay_back").Str("withdrawal_id"));
            gateway.Clock.Advance(TimeSpan.FromSeconds(41));
            await gateway.Services.Worker().RunOnceAsync(Ct);
            var afterHold = await StoredRefundAsync(x.RefundId);
            await gateway.SetChannelStatusAsync(x.PayoutChannel, "online");

            await Simulator.SetBehaviourAsync("bankpayout", null, "approve", times: 1);
            var paid = await PayBackOkAsync(x.RefundId, "6214830299990000");
            var secondId = paid.GetProperty("pay_back").Str("withdrawal_id");
            await Simulator.CompletePayoutAsync(secondId, "RETURNED");
            var returned = await Api.EventuallyAsync(() => x.Merchant.GetRefundAsync(x.RefundId), r => r.Str("status") == "exception", "the returned pay-back");

            (held.Str("status"), heldWithdrawal.Str("status")).ShouldBe(("paying_back", "held"));
            afterHold.Status.ShouldBe(RefundStatus.Exception);
            afterHold.ExceptionReason!.ShouldContain("no_channel_available");
            paid.Str("status").ShouldBe("succeeded");
            secondId.ShouldNotBe(heldWithdrawal.Str("id"));
            returned.GetProperty("pay_back").Str("payee_account").ShouldBe("************0000");
            returned.GetProperty("refunded_at").ValueKind.ShouldBe(JsonValueKind.Null);
            (await StoredRefundAsync(x.RefundId)).ExceptionReason!.ShouldContain("returned by the payee's bank");
            (await PayBackWithdrawalsAsync(x.RefundId)).Select(w => w.Status.ToString()).ShouldBe(["Failed", "Failed"]);
            (await gateway.StoredPaymentAsync(x.PaymentId)).RefundedAmount.ShouldBe(2_000);
            (await RefundEventsAsync(x.RefundId)).ShouldBe(
                ["refund.exception", "refund.paying_back", "refund.exception", "refund.paying_back", "refund.succeeded", "refund.exception"]);
        }
        finally
        {
            options.MaxHold = maxHold;
            await gateway.SetChannelStatusAsync(x.PayoutChannel, "online");
        }
    }

    [Fact]
    public async Task An_operator_cancelling_a_held_pay_back_puts_the_refund_back_in_the_exception_queue()
    {
        var x = await ExceptionRefundAsync();
        using var _ = x.Merchant;
        try
        {
            await gateway.SetChannelStatusAsync(x.PayoutChannel, "offline");
            var held = await PayBackOkAsync(x.RefundId);
            var withdrawalId = held.GetProperty("pay_back").Str("withdrawal_id");
            using var admin = gateway.Admin();

            using var cancelled = await admin.PostAsync($"/admin/api/withdrawals/{withdrawalId}/cancel", Api.JsonBody(new { note = "buyer gave a wrong account" }), Ct);

            cancelled.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
            (await x.Merchant.GetWithdrawalAsync(withdrawalId)).GetProperty("failure").Str("code").ShouldBe("withdrawal_cancelled");
            var refund = await StoredRefundAsync(x.RefundId);
            refund.Status.ShouldBe(RefundStatus.Exception);
            refund.ExceptionReason!.ShouldContain("withdrawal_cancelled");
            (await gateway.StoredPaymentAsync(x.PaymentId)).RefundedAmount.ShouldBe(2_000, "the amount stays reserved for the next try");
            (await RefundEventsAsync(x.RefundId)).ShouldBe(["refund.exception", "refund.paying_back", "refund.exception"]);
        }
        finally
        {
            await gateway.SetChannelStatusAsync(x.PayoutChannel, "online");
        }
    }

    [Fact]
    public async Task Pay_back_is_refused_for_a_refund_outside_the_exception_queue_and_for_an_invalid_payee_changing_nothing()
    {
        var x = await ExceptionRefundAsync();
        using var _ = x.Merchant;
        var refunded = await x.Merchant.RefundAsync(x.PaymentId, 1_000);

        using var notInQueue = await PayBackAsync(refunded.Str("id"));
        using var badType = await PayBackAsync(x.RefundId, payeeType: "cash");
        using var badAccount = await PayBackAsync(x.RefundId, accountNo: "12");
        using var noNote = await PayBackAsync(x.RefundId, note: null);
        using var unknown = await PayBackAsync("rfd_missing");

        refunded.Str("status").ShouldBe("succeeded");
        notInQueue.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var problem = await notInQueue.ReadJsonAsync();
        (problem.Str("code"), problem.Str("refund_status"), problem.GetProperty("status").GetInt32()).ShouldBe(("refund_action_not_allowed", "succeeded", 409));
        foreach (var (response, code, field) in new[] { (badType, "invalid_field", "payee_type"), (badAccount, "invalid_field", "payee_account_no"), (noNote, "missing_field", "note") })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            var invalid = await response.ReadJsonAsync();
            (invalid.Str("code"), invalid.Str("field")).ShouldBe((code, field));
        }

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PayBackWithdrawalsAsync(x.RefundId)).ShouldBeEmpty();
        (await PayBackWithdrawalsAsync(refunded.Str("id"))).ShouldBeEmpty();
        (await StoredRefundAsync(x.RefundId)).Status.ShouldBe(RefundStatus.Exception);
        (await gateway.AdminGetAsync($"/admin/api/audit?entityType=refund&entityId={x.RefundId}")).EnumerateArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Ten_operators_paying_back_one_refund_at_once_open_one_withdrawal()
    {
        var x = await ExceptionRefundAsync();
        using var _ = x.Merchant;

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var response = await PayBackAsync(x.RefundId, note: "operator " + i);
            return response.StatusCode;
        }));

        answers.Count(s => s == HttpStatusCode.OK).ShouldBe(1);
        answers.Count(s => s == HttpStatusCode.Conflict).ShouldBe(9);
        var withdrawal = (await PayBackWithdrawalsAsync(x.RefundId)).ShouldHaveSingleItem();
        (await StoredRefundAsync(x.RefundId)).PayBackWithdrawalId.ShouldBe(withdrawal.Id);
        (await Simulator.PayoutRequestsAsync(withdrawal.Id)).Creates.ShouldBe(1);
        (await RefundEventsAsync(x.RefundId)).Count(e => e == "refund.paying_back").ShouldBe(1);
        (await gateway.AdminGetAsync($"/admin/api/audit?entityType=refund&entityId={x.RefundId}")).EnumerateArray()
            .Count(a => a.Str("action") == "refund.pay_back").ShouldBe(1);
    }
}

public sealed class RefundPayBackSqliteTests(SqliteSimulatedChannelsGateway gateway) : RefundPayBackTests(gateway), IClassFixture<SqliteSimulatedChannelsGateway>;

public sealed class RefundPayBackPostgresTests(PostgresSimulatedChannelsGateway gateway) : RefundPayBackTests(gateway), IClassFixture<PostgresSimulatedChannelsGateway>;
