using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Server.Webhooks;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Security;

/// <summary>API keys stored only as hashes, channel credentials and webhook secrets encrypted at rest, nothing secret in logs.</summary>
public abstract class SecretsTests(GatewayFixture gateway)
{
    [Fact]
    public async Task No_secret_is_stored_in_plaintext_or_written_to_any_log()
    {
        using var admin = gateway.Admin();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new
        {
            merchant_id = gateway.Demo.MerchantId, name = "Secrets app", notify_url = new Uri(gateway.BaseAddress, "demo/webhooks").ToString(),
        }))).ReadJsonAsync();
        var appId = app.GetProperty("app").Str("id");
        var webhookSecret = app.Str("webhook_secret");
        var apiKey = (await (await admin.PostAsync($"/admin/api/apps/{appId}/api-keys", null)).ReadJsonAsync()).Str("secret");
        const string channelSecret = "chan-secret-7f3a9d1c5b2e4f60";
        using var channel = await admin.PostAsync("/admin/api/channels", Api.JsonBody(new
        {
            code = "sandbox-2", institution_name = "Second sandbox", business_type = "payment", protocol = "sandbox",
            payment_methods = new[] { "wechat_native" }, currencies = new[] { "CNY" }, single_min = 1, single_max = 1_000_000, status = "online",
        }));
        channel.StatusCode.ShouldBe(HttpStatusCode.Created, await channel.Content.ReadAsStringAsync());
        var account = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = "sandbox-2", protocol = "sandbox", merchant_id = gateway.Demo.MerchantId,
            payment_methods = new[] { "wechat_native" },
            credentials = new Dictionary<string, string> { ["merchant_no"] = "SBXSECRETS", ["api_secret"] = channelSecret, ["base_url"] = gateway.BaseAddress.ToString() },
        }));
        account.StatusCode.ShouldBe(HttpStatusCode.Created);
        var accountText = await account.Content.ReadAsStringAsync();
        accountText.ShouldNotContain(channelSecret);
        accountText.ShouldContain("api_secret");

        using var merchant = gateway.Merchant(apiKey);
        var payment = await merchant.CreatePaymentAsync("S-" + Guid.NewGuid().ToString("N")[..12]);
        await merchant.PayOnCashierAsync(payment);
        await Api.EventuallyAsync(() => merchant.GetPaymentAsync(payment.Str("id")), p => p.Str("status") == "succeeded", "payment success");
        await gateway.Services.GetRequiredService<WebhookDispatcher>().RunOnceAsync(CancellationToken.None);
        var listed = await (await admin.GetAsync("/admin/api/channel-accounts")).Content.ReadAsStringAsync();
        listed.ShouldNotContain(channelSecret);

        var dump = await DumpDatabaseAsync();
        foreach (var secret in new[] { webhookSecret, apiKey, channelSecret, gateway.Demo.ApiKey, gateway.Demo.WebhookSecret })
        {
            dump.ShouldNotContain(secret);
            gateway.Logs.Lines.ShouldNotContain(line => line.Contains(secret), $"a log line contains a secret starting {secret[..8]}");
        }

        gateway.Logs.Lines.ShouldContain(l => l.Contains("Webhook") && l.Contains("attempt"));
    }

    [Fact]
    public async Task A_revoked_key_stops_working_and_the_admin_api_refuses_merchant_keys()
    {
        using var admin = gateway.Admin();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new { merchant_id = gateway.Demo.MerchantId, name = "Revoke app" }))).ReadJsonAsync();
        var appId = app.GetProperty("app").Str("id");
        var key = await (await admin.PostAsync($"/admin/api/apps/{appId}/api-keys", null)).ReadJsonAsync();
        using var merchant = gateway.Merchant(key.Str("secret"));
        (await merchant.GetAsync("/v1/payments?merchant_order_no=none")).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        await using var other = gateway.StartNode("revoke-other-node");
        using var elsewhere = other.Client(key.Str("secret"));
        (await elsewhere.GetAsync("/v1/payments?merchant_order_no=none")).StatusCode.ShouldBe(HttpStatusCode.NotFound);   // cached there too

        (await admin.DeleteAsync($"/admin/api/apps/{appId}/api-keys/{key.GetProperty("key").Str("id")}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // At once on the node that revoked it, and within a second (real time, the gateway's clock standing still) on every other node.
        (await merchant.GetAsync("/v1/payments?merchant_order_no=none")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("REVOKED-1")))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        (await elsewhere.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("REVOKED-2")))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo.StartsWith("REVOKED-")))).ShouldBe(0);
        (await merchant.GetAsync("/admin/api/merchants")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using var anonymous = gateway.Anonymous();
        (await anonymous.GetAsync("/admin/api/merchants")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var audit = await (await admin.GetAsync($"/admin/api/audit?entityType=api_key")).ReadJsonAsync();
        audit.EnumerateArray().ShouldContain(a => a.Str("action") == "revoke" && a.Str("actor") == "bootstrap-admin");
    }

    private Task<string> DumpDatabaseAsync() => gateway.WithDbAsync(async db =>
    {
        var text = new StringBuilder();
        foreach (var k in await db.ApiKeys.AsNoTracking().ToListAsync())
        {
            text.Append(k.Prefix).Append(Convert.ToBase64String(k.SecretHash)).Append(Encoding.UTF8.GetString(k.SecretHash));
        }

        foreach (var a in await db.Apps.AsNoTracking().ToListAsync())
        {
            text.Append(a.WebhookSecretCiphertext).Append(a.NotifyUrl);
        }

        foreach (var c in await db.ChannelAccounts.AsNoTracking().ToListAsync())
        {
            text.Append(c.CredentialsCiphertext);
        }

        foreach (var d in await db.WebhookDeliveries.AsNoTracking().ToListAsync())
        {
            text.Append(d.Payload);
        }

        foreach (var cb in await db.ChannelCallbacks.AsNoTracking().ToListAsync())
        {
            text.Append(cb.Body);
        }

        foreach (var e in await db.AuditEntries.AsNoTracking().ToListAsync())
        {
            text.Append(e.OldValue).Append(e.NewValue);
        }

        return text.ToString();
    });
}

public sealed class SecretsSqliteTests(SqliteGateway gateway) : SecretsTests(gateway), IClassFixture<SqliteGateway>;

public sealed class SecretsPostgresTests(PostgresGateway gateway) : SecretsTests(gateway), IClassFixture<PostgresGateway>;
