using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Sluice.Security;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Security;

/// <summary>
/// Merchant request signing: optional per app, mandatory once enabled; HMAC-SHA256 over method, path with query,
/// timestamp, nonce and body; a 5-minute window; a nonce used twice refused on every node.
/// </summary>
public abstract class RequestSigningTests(GatewayFixture gateway)
{
    private sealed record SigningApp(string AppId, string ApiKey, string Secret);

    private async Task<SigningApp> SigningAppAsync()
    {
        using var admin = gateway.Admin();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new { merchant_id = gateway.Demo.MerchantId, name = "Signing app" }))).ReadJsonAsync();
        var appId = app.GetProperty("app").Str("id");
        var key = (await (await admin.PostAsync($"/admin/api/apps/{appId}/api-keys", null)).ReadJsonAsync()).Str("secret");
        using var enabled = await admin.PostAsync($"/admin/api/apps/{appId}/request-signing", null);
        enabled.StatusCode.ShouldBe(HttpStatusCode.OK);
        var view = await enabled.ReadJsonAsync();
        view.Str("header").ShouldBe("Sluice-Request-Signature");
        return new SigningApp(appId, key, view.Str("secret"));
    }

    private HttpRequestMessage Signed(SigningApp app, HttpMethod method, string target, string? body, long? t = null, string? nonce = null, string? secret = null)
    {
        var bytes = Encoding.UTF8.GetBytes(body ?? "");
        var message = new HttpRequestMessage(method, target);
        if (body is not null)
        {
            message.Content = new ByteArrayContent(bytes) { Headers = { { "Content-Type", "application/json" } } };
        }

        message.Headers.TryAddWithoutValidation(RequestSignature.Header, RequestSignature.Sign(
            secret ?? app.Secret, method.Method, target, t ?? gateway.Clock.GetUtcNow().ToUnixTimeSeconds(), nonce ?? Guid.NewGuid().ToString("N"), bytes));
        return message;
    }

    private static string PaymentBody(string orderNo) =>
        $$"""{"merchant_order_no":"{{orderNo}}","amount":100,"currency":"CNY","subject":"Signed","payment_method":"alipay_qr"}""";

    private static async Task ShouldBeRefusedAsync(HttpResponseMessage response, string code)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.ReadJsonAsync()).Str("code").ShouldBe(code);
    }

    [Fact]
    public async Task Once_enabled_every_request_must_be_signed_and_a_signed_one_goes_through()
    {
        var app = await SigningAppAsync();
        using var merchant = gateway.Merchant(app.ApiKey);
        var orderNo = "SIG-" + Guid.NewGuid().ToString("N")[..12];

        await ShouldBeRefusedAsync(await merchant.PostAsync("/v1/payments", Api.JsonBody(PaymentBody(orderNo))), "request_signature_required");
        await ShouldBeRefusedAsync(await merchant.GetAsync("/v1/payments?merchant_order_no=" + orderNo), "request_signature_required");
        using var created = await merchant.SendAsync(Signed(app, HttpMethod.Post, "/v1/payments", PaymentBody(orderNo)));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        using var read = await merchant.SendAsync(Signed(app, HttpMethod.Get, "/v1/payments?merchant_order_no=" + orderNo, null));
        read.StatusCode.ShouldBe(HttpStatusCode.OK, await read.Content.ReadAsStringAsync());
        (await read.ReadJsonAsync()).Str("merchant_order_no").ShouldBe(orderNo);
    }

    [Fact]
    public async Task A_tampered_stale_malformed_or_wrongly_keyed_signature_is_refused_and_creates_nothing()
    {
        var app = await SigningAppAsync();
        using var merchant = gateway.Merchant(app.ApiKey);
        var orderNo = "SIG-" + Guid.NewGuid().ToString("N")[..12];
        var now = gateway.Clock.GetUtcNow().ToUnixTimeSeconds();

        var tampered = Signed(app, HttpMethod.Post, "/v1/payments", PaymentBody(orderNo));
        tampered.Content = Api.JsonBody(PaymentBody(orderNo).Replace("100", "1", StringComparison.Ordinal));
        var otherPath = Signed(app, HttpMethod.Post, "/v1/refunds", PaymentBody(orderNo));
        otherPath.RequestUri = new Uri("/v1/payments", UriKind.Relative);
        var malformed = new HttpRequestMessage(HttpMethod.Post, "/v1/payments") { Content = Api.JsonBody(PaymentBody(orderNo)) };
        malformed.Headers.TryAddWithoutValidation(RequestSignature.Header, "t=abc,v1=00");
        foreach (var request in new[]
                 {
                     tampered, otherPath, malformed,
                     Signed(app, HttpMethod.Post, "/v1/payments", PaymentBody(orderNo), t: now - 301),
                     Signed(app, HttpMethod.Post, "/v1/payments", PaymentBody(orderNo), t: now + 301),
                     Signed(app, HttpMethod.Post, "/v1/payments", PaymentBody(orderNo), t: 99999999999999),
                     Signed(app, HttpMethod.Post, "/v1/payments", PaymentBody(orderNo), secret: "rss_wrong"),
                     Signed(app, HttpMethod.Post, "/v1/payments", PaymentBody(orderNo), nonce: "short"),
                 })
        {
            await ShouldBeRefusedAsync(await merchant.SendAsync(request), "invalid_request_signature");
        }

        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == orderNo))).ShouldBe(0);
    }

    [Fact]
    public async Task A_nonce_used_twice_within_the_window_is_refused_on_every_node_even_when_raced()
    {
        var app = await SigningAppAsync();
        await using var other = gateway.StartNode("signing-other-node");
        var nonce = Guid.NewGuid().ToString("N");
        var t = gateway.Clock.GetUtcNow().ToUnixTimeSeconds();
        var target = "/v1/payments?merchant_order_no=none";
        using var here = gateway.Merchant(app.ApiKey);
        using var there = other.Client(app.ApiKey);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            (i % 2 == 0 ? here : there).SendAsync(Signed(app, HttpMethod.Get, target, null, t: t, nonce: nonce))));

        answers.Count(a => a.StatusCode == HttpStatusCode.NotFound).ShouldBe(1);   // the one request that used the nonce
        foreach (var replay in answers.Where(a => a.StatusCode != HttpStatusCode.NotFound))
        {
            await ShouldBeRefusedAsync(replay, "request_replayed");
        }
    }

    [Fact]
    public async Task Disabling_signing_accepts_unsigned_requests_again_and_changes_are_audited()
    {
        var app = await SigningAppAsync();
        using var merchant = gateway.Merchant(app.ApiKey);
        using var admin = gateway.Admin();
        await ShouldBeRefusedAsync(await merchant.GetAsync("/v1/payments?merchant_order_no=none"), "request_signature_required");

        (await admin.DeleteAsync($"/admin/api/apps/{app.AppId}/request-signing")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await merchant.GetAsync("/v1/payments?merchant_order_no=none")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var apps = await (await admin.GetAsync("/admin/api/apps")).ReadJsonAsync();
        apps.EnumerateArray().Single(a => a.Str("id") == app.AppId).GetProperty("request_signing").GetBoolean().ShouldBeFalse();
        var audit = await (await admin.GetAsync("/admin/api/audit?entityType=app")).ReadJsonAsync();
        audit.EnumerateArray().Select(a => a.Str("action")).ShouldContain("enable_request_signing");
        audit.EnumerateArray().Select(a => a.Str("action")).ShouldContain("disable_request_signing");
        (await gateway.WithDbAsync(db => db.Apps.AsNoTracking().Where(a => a.Id == app.AppId).Select(a => a.RequestSigningSecretCiphertext).SingleAsync())).ShouldBeNull();
    }

    [Fact]
    public void The_signature_is_hmac_sha256_over_method_target_timestamp_nonce_and_body()
    {
        // Computed independently: printf 'POST\n/v1/payments\n1700000000\nnonce-0123456789ab\n{}' | openssl dgst -sha256 -hmac rss_test
        var header = RequestSignature.Sign("rss_test", "POST", "/v1/payments", 1700000000, "nonce-0123456789ab", "{}"u8);
        header.ShouldBe("t=1700000000,nonce=nonce-0123456789ab,v1=3669c77175a88bee3fd678b6a183ad62a56b385579caeb4b466f676659050967");
    }
}

public sealed class RequestSigningSqliteTests(SqliteGateway gateway) : RequestSigningTests(gateway), IClassFixture<SqliteGateway>;

public sealed class RequestSigningPostgresTests(PostgresGateway gateway) : RequestSigningTests(gateway), IClassFixture<PostgresGateway>;
