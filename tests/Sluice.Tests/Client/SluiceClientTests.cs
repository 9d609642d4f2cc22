using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Sluice.Client;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Client;

/// <summary>
/// The .NET client against the real gateway on Kestrel: every merchant operation, its errors as typed exceptions,
/// idempotent creates retried after a lost answer (one order), retries only where they are safe.
/// </summary>
public abstract class SluiceClientTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_payment_is_created_read_paid_refunded_and_shows_in_the_balance()
    {
        var (services, client, _) = gateway.SluiceClientFor();
        await using var _ = services;
        var before = await client.GetBalanceAsync();
        var request = ClientKit.Payment(amount: 4200);

        var created = await client.CreatePaymentAsync(request);

        created.Id.ShouldStartWith("pay_");
        created.MerchantOrderNo.ShouldBe(request.MerchantOrderNo);
        created.Amount.ShouldBe(4200);
        created.Currency.ShouldBe("CNY");
        created.Status.ShouldBe(PaymentStatus.Pending);
        created.PayAction.ShouldNotBeNull().Value.ShouldStartWith("http");
        created.Metadata.ShouldNotBeNull()["cart"].ShouldBe("42");
        created.IsTerminal.ShouldBeFalse();
        (await client.GetPaymentAsync(created.Id)).Status.ShouldBe(PaymentStatus.Pending);
        (await client.GetPaymentAsync(created.Id, refresh: true)).Id.ShouldBe(created.Id);
        (await client.FindPaymentAsync(request.MerchantOrderNo)).ShouldNotBeNull().Id.ShouldBe(created.Id);
        (await client.FindPaymentAsync("NO-SUCH-ORDER-" + Guid.NewGuid().ToString("N")[..8])).ShouldBeNull();

        var paid = await gateway.PayAsync(client, created);
        paid.PaidAt.ShouldNotBeNull();
        paid.PayAction.ShouldBeNull();
        paid.IsTerminal.ShouldBeTrue();

        var refundNo = "RFD-" + Guid.NewGuid().ToString("N")[..12];
        var refund = await client.CreateRefundAsync(new CreateRefundRequest
        {
            PaymentId = paid.Id, MerchantRefundNo = refundNo, Amount = 1200, Currency = "CNY", Reason = "One cup short",
        });
        refund.Id.ShouldStartWith("rfd_");
        refund.PaymentId.ShouldBe(paid.Id);
        refund.Amount.ShouldBe(1200);
        refund.Bearer.ShouldBe(RefundBearer.Merchant);
        refund.Stage.ShouldBe(RefundStage.PreDelivery);
        (await client.GetRefundAsync(refund.Id)).MerchantRefundNo.ShouldBe(refundNo);
        (await client.GetRefundAsync(refund.Id, refresh: true)).Id.ShouldBe(refund.Id);
        (await client.FindRefundAsync(refundNo)).ShouldNotBeNull().Id.ShouldBe(refund.Id);
        (await client.FindRefundAsync("NO-SUCH-REFUND")).ShouldBeNull();

        var after = await client.GetBalanceAsync();
        after.MerchantId.ShouldBe(gateway.Demo.MerchantId);
        var pendingBefore = before.Balances.SingleOrDefault(b => b.Currency == "CNY")?.Pending ?? 0;
        var cny = after.Balances.Single(b => b.Currency == "CNY");
        // The payment's amount less its fee came in as pending, and the merchant-borne refund was reserved from it.
        (cny.Pending - pendingBefore).ShouldBeInRange(1, 4200 - 1200);
    }

    [Fact]
    public async Task An_unpaid_payment_is_closed_and_a_withdrawal_is_paid_out_through_the_demo_sandbox_payouts()
    {
        var (services, client, _) = gateway.SluiceClientFor();
        await using var _ = services;
        var payment = await client.CreatePaymentAsync(ClientKit.Payment());

        var closed = await client.ClosePaymentAsync(payment.Id);

        closed.Status.ShouldBe(PaymentStatus.Closed);
        closed.ClosedAt.ShouldNotBeNull();

        var number = "WD-" + Guid.NewGuid().ToString("N")[..12];
        var withdrawal = await client.CreateWithdrawalAsync(new CreateWithdrawalRequest
        {
            MerchantWithdrawalNo = number, Amount = 100, Currency = "CNY", PayeeType = "bank_account",
            PayeeAccountNo = "6222020200112233445", PayeeName = "Zhang San", BankCode = "ICBC", Remark = "salary",
        });
        withdrawal.Id.ShouldStartWith("wdr_");
        withdrawal.PayeeAccount.ShouldNotContain("6222020200112233445");
        withdrawal.Status.ShouldBe("succeeded");
        withdrawal.Channel.ShouldBe("sandbox_payout");
        withdrawal.HoldReason.ShouldBeNull();
        (await client.GetWithdrawalAsync(withdrawal.Id)).MerchantWithdrawalNo.ShouldBe(number);
        (await client.FindWithdrawalAsync(number)).ShouldNotBeNull().Id.ShouldBe(withdrawal.Id);
        (await client.FindWithdrawalAsync("NO-SUCH-WITHDRAWAL")).ShouldBeNull();
    }

    [Fact]
    public async Task A_declined_payment_carries_its_unified_code_and_the_message_in_the_language_the_client_asks_for()
    {
        var (zhServices, zh, _) = gateway.SluiceClientFor(acceptLanguage: "zh-CN");
        await using var a = zhServices;
        var (enServices, en, _) = gateway.SluiceClientFor();
        await using var b = enServices;

        var declined = await zh.CreatePaymentAsync(ClientKit.Payment() with { Subject = "Tea [sandbox-answer:PAYMENT_DECLINED]" });

        declined.Status.ShouldBe(PaymentStatus.Failed);
        var failure = declined.Failure.ShouldNotBeNull();
        failure.Code.ShouldNotBeNullOrEmpty();
        failure.Message.ShouldContain(c => c >= '\u4e00' && c <= '\u9fff', customMessage: "a message in Chinese under Accept-Language: zh-CN");
        var english = (await en.GetPaymentAsync(declined.Id)).Failure.ShouldNotBeNull();
        english.Code.ShouldBe(failure.Code);
        english.Message.ShouldNotContain(c => c >= '\u4e00' && c <= '\u9fff');
    }

    [Fact]
    public async Task A_refusal_is_a_typed_exception_with_status_code_detail_and_field_and_is_not_retried()
    {
        var (services, client, probe) = gateway.SluiceClientFor(acceptLanguage: "en");
        await using var _ = services;

        var invalid = await Should.ThrowAsync<SluiceApiException>(() => client.CreatePaymentAsync(ClientKit.Payment(amount: 0)));
        invalid.Status.ShouldBe(HttpStatusCode.BadRequest);
        invalid.Code.ShouldBe("invalid_amount");
        invalid.Field.ShouldBe("amount");
        invalid.Detail.ShouldNotBeNullOrEmpty();
        probe.Attempts.Count.ShouldBe(1, "a 400 is never retried");

        var missing = await Should.ThrowAsync<SluiceApiException>(() => client.GetPaymentAsync("pay_does_not_exist"));
        missing.Status.ShouldBe(HttpStatusCode.NotFound);
        missing.Code.ShouldBe("not_found");

        var first = ClientKit.Payment();
        await client.CreatePaymentAsync(first);
        var attemptsBefore = probe.Attempts.Count;
        var duplicate = await Should.ThrowAsync<SluiceApiException>(() => client.CreatePaymentAsync(first with { Amount = first.Amount + 1 }));
        duplicate.Status.ShouldBe(HttpStatusCode.Conflict);
        duplicate.Code.ShouldBe("duplicate_order_no");
        probe.Attempts.Count.ShouldBe(attemptsBefore + 1, "a 409 other than idempotency_request_in_progress is never retried");

        var (badServices, badKey, badProbe) = gateway.SluiceClientFor(apiKey: "sk_test_not_a_real_key");
        await using var __ = badServices;
        (await Should.ThrowAsync<SluiceApiException>(() => badKey.GetBalanceAsync())).Status.ShouldBe(HttpStatusCode.Unauthorized);
        badProbe.Attempts.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Over_the_rate_limit_the_429_surfaces_with_its_retry_after_and_is_not_retried()
    {
        await using var node = gateway.StartNode("rate-limited-node", new Dictionary<string, string?>
        {
            ["Sluice:RateLimits:Merchant:Burst"] = "1", ["Sluice:RateLimits:Merchant:PerSecond"] = "1",
        });
        var (services, client, probe) = gateway.SluiceClientFor(node: node.BaseAddress);
        await using var _ = services;

        await client.GetBalanceAsync();
        var limited = await Should.ThrowAsync<SluiceApiException>(() => client.GetBalanceAsync());

        limited.Status.ShouldBe(HttpStatusCode.TooManyRequests);
        limited.Code.ShouldBe("rate_limited");
        limited.RetryAfter.ShouldNotBeNull().ShouldBeGreaterThan(TimeSpan.Zero);
        probe.Attempts.Count.ShouldBe(2, "a 429 is a 4xx: the caller decides when to come back");
    }

    [Fact]
    public async Task A_create_whose_answer_is_lost_is_retried_with_the_same_key_and_makes_exactly_one_order()
    {
        var (services, client, probe) = gateway.SluiceClientFor();
        await using var _ = services;
        probe.DropAnswer = (n, r) => n == 1 && r.Method == HttpMethod.Post;
        var request = ClientKit.Payment();

        var payment = await client.CreatePaymentAsync(request);

        probe.Attempts.Count.ShouldBe(2);
        probe.Attempts[0].IdempotencyKey.ShouldNotBeNullOrEmpty();
        probe.Attempts[1].IdempotencyKey.ShouldBe(probe.Attempts[0].IdempotencyKey);
        payment.MerchantOrderNo.ShouldBe(request.MerchantOrderNo);
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == request.MerchantOrderNo))).ShouldBe(1);
        (await gateway.WithDbAsync(db => db.Payments.Where(p => p.MerchantOrderNo == request.MerchantOrderNo).Select(p => p.Id).SingleAsync()))
            .ShouldBe(payment.Id, "the retry got the first attempt's order, replayed");

        // Each create gets its own key; a caller's own key is sent as given and replays the first answer.
        var again = await client.CreatePaymentAsync(ClientKit.Payment());
        probe.Attempts[^1].IdempotencyKey.ShouldNotBe(probe.Attempts[0].IdempotencyKey);
        var key = SluiceClient.NewIdempotencyKey();
        var second = ClientKit.Payment();
        var one = await client.CreatePaymentAsync(second, key);
        (await client.CreatePaymentAsync(second, key)).Id.ShouldBe(one.Id);
        again.Id.ShouldNotBe(payment.Id);
    }

    [Fact]
    public async Task A_5xx_and_an_idempotency_request_in_progress_are_retried_with_backoff_until_the_server_answers()
    {
        var (services, client, probe) = gateway.SluiceClientFor();
        await using var _ = services;
        probe.AnswerInstead = (n, _) => n switch
        {
            1 => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable),
            2 => new HttpResponseMessage(HttpStatusCode.Conflict)
            {
                Content = new StringContent("""{"status":409,"code":"idempotency_request_in_progress","detail":"still running"}""", Encoding.UTF8, "application/problem+json"),
            },
            _ => null,
        };
        var request = ClientKit.Payment();

        var payment = await client.CreatePaymentAsync(request);

        payment.Status.ShouldBe(PaymentStatus.Pending);
        probe.Attempts.Count.ShouldBe(3);
        probe.Attempts.Select(a => a.IdempotencyKey).Distinct().ShouldHaveSingleItem();
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == request.MerchantOrderNo))).ShouldBe(1);

        // Past the retry budget the last answer surfaces as the exception.
        probe.AnswerInstead = (_, _) => new HttpResponseMessage(HttpStatusCode.BadGateway);
        var before = probe.Attempts.Count;
        (await Should.ThrowAsync<SluiceApiException>(() => client.GetBalanceAsync())).Status.ShouldBe(HttpStatusCode.BadGateway);
        (probe.Attempts.Count - before).ShouldBe(4, "one attempt and three retries");
    }
}

public sealed class SqliteSluiceClientTests(SqliteGateway gateway) : SluiceClientTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PostgresSluiceClientTests(PostgresGateway gateway) : SluiceClientTests(gateway), IClassFixture<PostgresGateway>;
