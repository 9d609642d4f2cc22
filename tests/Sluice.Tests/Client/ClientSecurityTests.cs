using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Sluice.Client;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Webhooks;

namespace Sluice.Tests.Client;

/// <summary>
/// The client's request signing against an app that requires it, and <see cref="WebhookVerifier"/> on webhooks the
/// gateway really sent: a tampered body, a stale timestamp and another app's secret are refused.
/// </summary>
public abstract class ClientSecurityTests(GatewayFixture gateway)
{
    private async Task<(string ApiKey, string Secret)> SigningAppAsync()
    {
        using var admin = gateway.Admin();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new { merchant_id = gateway.Demo.MerchantId, name = "Signing client app" }))).ReadJsonAsync();
        var appId = app.GetProperty("app").Str("id");
        var key = (await (await admin.PostAsync($"/admin/api/apps/{appId}/api-keys", null)).ReadJsonAsync()).Str("secret");
        using var enabled = await admin.PostAsync($"/admin/api/apps/{appId}/request-signing", null);
        enabled.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (key, (await enabled.ReadJsonAsync()).Str("secret"));
    }

    [Fact]
    public async Task With_the_signing_secret_every_operation_is_signed_and_a_retry_gets_a_fresh_nonce()
    {
        var (apiKey, secret) = await SigningAppAsync();
        var (services, client, probe) = gateway.SluiceClientFor(apiKey, secret);
        await using var _ = services;
        probe.DropAnswer = (n, r) => n == 1 && r.Method == HttpMethod.Post;
        var request = ClientKit.Payment();

        var payment = await client.CreatePaymentAsync(request);
        (await client.GetPaymentAsync(payment.Id)).Id.ShouldBe(payment.Id);
        (await client.FindPaymentAsync(request.MerchantOrderNo)).ShouldNotBeNull().Id.ShouldBe(payment.Id);
        (await client.GetBalanceAsync()).MerchantId.ShouldBe(gateway.Demo.MerchantId);

        probe.Attempts.ShouldAllBe(a => a.Signature != null && a.Signature.StartsWith("t=", StringComparison.Ordinal));
        probe.Attempts[1].IdempotencyKey.ShouldBe(probe.Attempts[0].IdempotencyKey);
        probe.Attempts[1].Signature.ShouldNotBe(probe.Attempts[0].Signature, "the gateway accepts a nonce once: the retry signs anew");
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == request.MerchantOrderNo))).ShouldBe(1);

        // The header is the documented one: HMAC-SHA256 over method, target, timestamp, nonce and body.
        SluiceRequestSigningHandler.Sign("rss_test", "POST", "/v1/payments", 1700000000, "nonce-0123456789ab", "{}"u8)
            .ShouldBe("t=1700000000,nonce=nonce-0123456789ab,v1=3669c77175a88bee3fd678b6a183ad62a56b385579caeb4b466f676659050967");
    }

    [Fact]
    public async Task Without_the_secret_or_with_a_wrong_one_the_app_refuses_and_the_client_does_not_retry()
    {
        var (apiKey, _) = await SigningAppAsync();
        var (unsignedServices, unsigned, unsignedProbe) = gateway.SluiceClientFor(apiKey);
        await using var a = unsignedServices;
        var (wrongServices, wrong, wrongProbe) = gateway.SluiceClientFor(apiKey, "rss_wrong_secret");
        await using var b = wrongServices;
        var request = ClientKit.Payment();

        var refused = await Should.ThrowAsync<SluiceApiException>(() => unsigned.CreatePaymentAsync(request));
        refused.Status.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Code.ShouldBe("request_signature_required");
        (await Should.ThrowAsync<SluiceApiException>(() => wrong.CreatePaymentAsync(request))).Code.ShouldBe("invalid_request_signature");

        unsignedProbe.Attempts.Count.ShouldBe(1);
        wrongProbe.Attempts.Count.ShouldBe(1);
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == request.MerchantOrderNo))).ShouldBe(0);
    }

    [Fact]
    public async Task A_webhook_the_gateway_sent_verifies_and_parses_and_a_tampered_body_stale_timestamp_or_other_secret_does_not()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var app = await gateway.CreateAppAsync(receiver.Url);
        var (services, client, _) = gateway.SluiceClientFor(app.ApiKey);
        await using var _s = services;
        var payment = await gateway.PayAsync(client, await client.CreatePaymentAsync(ClientKit.Payment(amount: 4321)));
        await gateway.RunDispatcherAsync();
        await gateway.RunDispatcherAsync();
        var hook = receiver.OfType(SluiceEventTypes.PaymentSucceeded).ShouldHaveSingleItem();
        var signature = hook.Header(WebhookVerifier.SignatureHeader);
        var verifier = new WebhookVerifier(app.WebhookSecret, clock: gateway.Clock);

        verifier.IsValid(signature, hook.Body).ShouldBeTrue();
        var evt = verifier.Verify(signature, hook.Body);
        evt.Id.ShouldStartWith("evt_");
        evt.Type.ShouldBe(SluiceEventTypes.PaymentSucceeded);
        evt.AsRefund().ShouldBeNull();
        var paid = evt.AsPayment().ShouldNotBeNull();
        paid.Id.ShouldBe(payment.Id);
        paid.Amount.ShouldBe(4321);
        paid.Status.ShouldBe(PaymentStatus.Succeeded);
        paid.Version.ShouldNotBeNull();
        var pending = receiver.OfType(SluiceEventTypes.PaymentPending).ShouldHaveSingleItem();
        var pendingPayment = verifier.Verify(pending.Header(WebhookVerifier.SignatureHeader), pending.Body).AsPayment().ShouldNotBeNull();
        pendingPayment.Version!.Value.ShouldBeLessThan(paid.Version!.Value, "the later state has the higher version");

        Failure(verifier, signature, Encoding.UTF8.GetBytes(hook.BodyText.Replace("4321", "1", StringComparison.Ordinal)))
            .ShouldBe(WebhookVerificationFailure.SignatureMismatch);
        Failure(verifier, signature, [.. hook.Body, (byte)' ']).ShouldBe(WebhookVerificationFailure.SignatureMismatch);
        Failure(new WebhookVerifier(gateway.Demo.WebhookSecret, clock: gateway.Clock), signature, hook.Body)
            .ShouldBe(WebhookVerificationFailure.SignatureMismatch);
        Failure(verifier, null, hook.Body).ShouldBe(WebhookVerificationFailure.MissingSignature);
        Failure(verifier, "t=abc,v1=00", hook.Body).ShouldBe(WebhookVerificationFailure.MalformedSignature);
        Failure(verifier, signature!.Replace("t=", "t=9", StringComparison.Ordinal), hook.Body).ShouldBe(WebhookVerificationFailure.TimestampOutsideTolerance);

        // The same webhook replayed six minutes later is outside the default five-minute window; a wider one takes it.
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(gateway.Clock.GetUtcNow().AddMinutes(6));
        Failure(new WebhookVerifier(app.WebhookSecret, clock: later), signature, hook.Body).ShouldBe(WebhookVerificationFailure.TimestampOutsideTolerance);
        new WebhookVerifier(app.WebhookSecret, TimeSpan.FromMinutes(10), later).IsValid(signature, hook.Body).ShouldBeTrue();
    }

    private static WebhookVerificationFailure? Failure(WebhookVerifier verifier, string? signature, byte[] body)
    {
        verifier.IsValid(signature, body).ShouldBeFalse();
        return Should.Throw<WebhookVerificationException>(() => verifier.Verify(signature, body)).Failure;
    }
}

public sealed class SqliteClientSecurityTests(SqliteGateway gateway) : ClientSecurityTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PostgresClientSecurityTests(PostgresGateway gateway) : ClientSecurityTests(gateway), IClassFixture<PostgresGateway>;
