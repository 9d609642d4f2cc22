using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Security;
using Sluice.Server.Webhooks;
using Sluice.Tests.Infrastructure;
using Sluice.Webhooks;

namespace Sluice.Tests.Webhooks;

public abstract class WebhookSignatureTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_paid_payment_is_posted_once_to_the_apps_notify_url_signed_over_the_exact_raw_body()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var app = await gateway.CreateAppAsync(receiver.Url);
        using var merchant = gateway.Merchant(app.ApiKey);
        var payment = await merchant.CreatePaymentAsync("WH-" + Guid.NewGuid().ToString("N")[..20], 4321);
        var paymentId = payment.Str("id");

        await merchant.PayOnCashierAsync(payment);
        await Api.EventuallyAsync(() => merchant.GetPaymentAsync(paymentId), p => p.Str("status") == "succeeded", "the payment to succeed");
        receiver.Received.ShouldBeEmpty("nothing is sent before a dispatcher runs");
        await gateway.RunDispatcherAsync();
        await gateway.RunDispatcherAsync();

        receiver.Received.Select(r => r.Header("Sluice-Event-Type")).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
        var hook = receiver.OfType("payment.succeeded").ShouldHaveSingleItem();
        hook.Method.ShouldBe("POST");
        hook.Header("Content-Type").ShouldNotBeNull().ShouldStartWith("application/json");

        // The merchant's check: HMAC-SHA256 with the secret shown once at app creation, over "{t}.{raw body}".
        var signature = hook.Header(WebhookDispatcher.SignatureHeader);
        var signedAt = WebhookTestKit.VerifySignature(app.WebhookSecret, signature, hook.Body);
        signedAt.ShouldBe(gateway.Clock.GetUtcNow().ToUnixTimeSeconds(), $"signature {signature} should verify");
        HmacSignature.Verify(app.WebhookSecret, signature, hook.Body, gateway.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)).ShouldBeTrue();

        // It is a payment.succeeded event about this payment.
        var evt = JsonDocument.Parse(hook.Body).RootElement;
        evt.Str("type").ShouldBe("payment.succeeded");
        evt.Str("id").ShouldStartWith("evt_");
        hook.Header("Sluice-Event-Id").ShouldBe(evt.Str("id"));
        hook.Header("Sluice-Event-Type").ShouldBe("payment.succeeded");
        hook.Header("Sluice-Delivery-Attempt").ShouldBe("1");
        var data = evt.GetProperty("data");
        data.Str("id").ShouldBe(paymentId);
        data.GetProperty("amount").GetInt64().ShouldBe(4321);
        data.Str("status").ShouldBe("succeeded");

        // A body changed on the way, a signature replayed on another body, or another app's secret: none verifies.
        var tampered = Encoding.UTF8.GetBytes(hook.BodyText.Replace("4321", "1", StringComparison.Ordinal));
        tampered.ShouldNotBe(hook.Body);
        WebhookTestKit.VerifySignature(app.WebhookSecret, signature, tampered).ShouldBeNull();
        HmacSignature.Verify(app.WebhookSecret, signature, tampered, gateway.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)).ShouldBeFalse();
        WebhookTestKit.VerifySignature(app.WebhookSecret, signature, [.. hook.Body, (byte)' ']).ShouldBeNull();
        WebhookTestKit.VerifySignature(gateway.Demo.WebhookSecret, signature, hook.Body).ShouldBeNull();

        // One durable row for it, delivered after one logged attempt.
        var deliveries = await gateway.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().Where(d => d.AppId == app.Id && d.EventType == "payment.succeeded").ToListAsync());
        var delivery = deliveries.ShouldHaveSingleItem();
        delivery.EventId.ShouldBe(evt.Str("id"));
        delivery.Payload.ShouldBe(hook.BodyText);
        delivery.Status.ShouldBe(WebhookDeliveryStatus.Delivered);
        delivery.DeliveredAt.ShouldBe(gateway.Clock.GetUtcNow());
        var attempt = (await gateway.AttemptsAsync(delivery.Id)).ShouldHaveSingleItem();
        attempt.AttemptNumber.ShouldBe(1);
        attempt.ResponseStatus.ShouldBe(200);
        attempt.Error.ShouldBeNull();
        attempt.NodeId.ShouldBe("test-node-a");
    }
}

public sealed class SqliteWebhookSignatureTests(SqliteGateway gateway) : WebhookSignatureTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PostgresWebhookSignatureTests(PostgresGateway gateway) : WebhookSignatureTests(gateway), IClassFixture<PostgresGateway>;
