using Sluice.Client;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Webhooks;

namespace Sluice.Tests.Client;

/// <summary>The client's lists against the real gateway: pages, cursors both ways, filters, the async enumerator across pages, events.</summary>
public abstract class ClientListTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Payments_page_newest_first_and_the_enumerator_walks_every_page_forwards_and_backwards()
    {
        // An app of its own, so the list holds exactly this test's payments.
        var app = await gateway.CreateAppAsync(new Uri("http://127.0.0.1:9/hooks-not-listened-to"));
        var (services, client, probe) = gateway.SluiceClientFor(app.ApiKey);
        await using var _ = services;
        var created = new List<Payment>();
        for (var i = 0; i < 5; i++)
        {
            created.Add(await client.CreatePaymentAsync(ClientKit.Payment(amount: 100 + i)));
            gateway.Clock.Advance(TimeSpan.FromMilliseconds(5));   // ids order by millisecond
        }

        var newestFirst = created.Select(p => p.Id).Reverse().ToList();

        var first = await client.ListPaymentsAsync(new PaymentListOptions { Limit = 2 });
        first.Data.Select(p => p.Id).ShouldBe(newestFirst.Take(2));
        first.HasMore.ShouldBeTrue();
        first.Url.ShouldBe("/v1/payments");
        var second = await client.ListPaymentsAsync(new PaymentListOptions { Limit = 2, StartingAfter = first.Data[^1].Id });
        second.Data.Select(p => p.Id).ShouldBe(newestFirst.Skip(2).Take(2));

        var before = probe.Attempts.Count;
        var all = await client.ListAllPaymentsAsync(new PaymentListOptions { Limit = 2 }).ToListAsync();
        all.Select(p => p.Id).ShouldBe(newestFirst);
        (probe.Attempts.Count - before).ShouldBe(3, "five payments in pages of two");
        probe.Attempts.Skip(before).Select(a => a.Target).ShouldBe([
            "/v1/payments?limit=2",
            $"/v1/payments?limit=2&starting_after={newestFirst[1]}",
            $"/v1/payments?limit=2&starting_after={newestFirst[3]}",
        ]);

        // From the oldest backwards: the newer ones, oldest first.
        var newer = await client.ListAllPaymentsAsync(new PaymentListOptions { Limit = 2, EndingBefore = created[0].Id }).ToListAsync();
        newer.Select(p => p.Id).ShouldBe(created.Skip(1).Select(p => p.Id));

        // Filters: status, number, creation time.
        await client.ClosePaymentAsync(created[2].Id);
        (await client.ListAllPaymentsAsync(new PaymentListOptions { Status = PaymentStatus.Closed }).ToListAsync())
            .ShouldHaveSingleItem().Id.ShouldBe(created[2].Id);
        (await client.ListPaymentsAsync(new PaymentListOptions { MerchantOrderNo = created[4].MerchantOrderNo }))
            .Data.ShouldHaveSingleItem().Id.ShouldBe(created[4].Id);
        (await client.ListPaymentsAsync(new PaymentListOptions { CreatedFrom = gateway.Clock.GetUtcNow().AddMinutes(1) })).Data.ShouldBeEmpty();
        (await client.ListPaymentsAsync(new PaymentListOptions { CreatedBefore = gateway.Clock.GetUtcNow().AddMinutes(1), Limit = 100 })).Data.Count.ShouldBe(5);

        var invalid = await Should.ThrowAsync<SluiceApiException>(() => client.ListPaymentsAsync(new PaymentListOptions { Limit = 101 }));
        invalid.Code.ShouldBe("invalid_field");
        invalid.Field.ShouldBe("limit");
    }

    [Fact]
    public async Task Refunds_withdrawals_and_events_are_listed_and_an_event_reads_as_its_webhook()
    {
        var app = await gateway.CreateAppAsync(new Uri("http://127.0.0.1:9/hooks-not-listened-to"));
        var (services, client, _) = gateway.SluiceClientFor(app.ApiKey);
        await using var _s = services;
        var payment = await gateway.PayAsync(client, await client.CreatePaymentAsync(ClientKit.Payment(amount: 3000)));
        var refunds = new List<Refund>();
        for (var i = 0; i < 3; i++)
        {
            refunds.Add(await client.CreateRefundAsync(new CreateRefundRequest
            {
                PaymentId = payment.Id, MerchantRefundNo = "LR-" + Guid.NewGuid().ToString("N")[..12], Amount = 100, Currency = "CNY",
            }));
            gateway.Clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        var listed = await client.ListAllRefundsAsync(new RefundListOptions { Limit = 2, PaymentId = payment.Id }).ToListAsync();
        listed.Select(r => r.Id).ShouldBe(refunds.Select(r => r.Id).Reverse());
        (await client.ListRefundsAsync(new RefundListOptions { MerchantRefundNo = refunds[1].MerchantRefundNo }))
            .Data.ShouldHaveSingleItem().Id.ShouldBe(refunds[1].Id);

        var withdrawal = await client.CreateWithdrawalAsync(new CreateWithdrawalRequest
        {
            MerchantWithdrawalNo = "LW-" + Guid.NewGuid().ToString("N")[..12], Amount = 100, Currency = "CNY",
            PayeeType = "bank_account", PayeeAccountNo = "6222020200112233445", PayeeName = "Zhang San", BankCode = "ICBC",
        });
        (await client.ListAllWithdrawalsAsync().ToListAsync()).ShouldHaveSingleItem().Id.ShouldBe(withdrawal.Id);
        (await client.ListWithdrawalsAsync(new WithdrawalListOptions { Status = "held" })).Data.ShouldBeEmpty();
        (await client.ListWithdrawalsAsync(new WithdrawalListOptions { Status = withdrawal.Status })).Data.ShouldHaveSingleItem().Id.ShouldBe(withdrawal.Id);

        var paymentEvents = await client.ListAllEventsAsync(new EventListOptions { OrderId = payment.Id, Limit = 1 }).ToListAsync();
        // Both fired within one millisecond of the test's clock, where ids have no order: compare as a set.
        paymentEvents.Select(e => e.Type).ShouldBe([SluiceEventTypes.PaymentSucceeded, SluiceEventTypes.PaymentPending], ignoreOrder: true);
        var succeeded = await client.GetEventAsync(paymentEvents.Single(e => e.Type == SluiceEventTypes.PaymentSucceeded).Id);
        succeeded.Type.ShouldBe(SluiceEventTypes.PaymentSucceeded);
        succeeded.AsPayment().ShouldNotBeNull().Id.ShouldBe(payment.Id);
        var refundEvents = await client.ListAllEventsAsync(new EventListOptions { Type = refunds[0].Status == "succeeded" ? SluiceEventTypes.RefundSucceeded : SluiceEventTypes.RefundPending }).ToListAsync();
        refundEvents.Select(e => e.AsRefund().ShouldNotBeNull().Id).ShouldBe(refunds.Select(r => r.Id).Reverse(), ignoreOrder: true);
        (await Should.ThrowAsync<SluiceApiException>(() => client.GetEventAsync("evt_does_not_exist"))).Code.ShouldBe("not_found");
    }
}

public sealed class SqliteClientListTests(SqliteGateway gateway) : ClientListTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PostgresClientListTests(PostgresGateway gateway) : ClientListTests(gateway), IClassFixture<PostgresGateway>;
