using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sluice.Server.Hosting;
using Sluice.Server.Webhooks;
using Sluice.Tests.Infrastructure;
using Sluice.Webhooks;

namespace Sluice.Tests.Webhooks;

/// <summary>An app created through the admin API, with the secrets it is shown once.</summary>
public sealed record TestApp(string Id, string WebhookSecret, string ApiKey);

/// <summary>What the webhook tests share: apps with their own notify URL, staged deliveries, dispatchers as nodes.</summary>
public static class WebhookTestKit
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Creates an app of the demo merchant (which has a sandbox channel account) notifying <paramref name="notifyUrl"/>.</summary>
    public static async Task<TestApp> CreateAppAsync(this GatewayFixture gateway, Uri notifyUrl)
    {
        using var admin = gateway.Admin();
        var created = await admin.PostAsync("/admin/api/apps", Api.JsonBody(new Dictionary<string, object>
        {
            ["merchant_id"] = gateway.Demo.MerchantId,
            ["name"] = "Webhook test shop",
            ["notify_url"] = notifyUrl.ToString(),
        }));
        var app = await created.ReadJsonAsync();
        ((int)created.StatusCode).ShouldBe(201, app.ToString());
        var appId = app.GetProperty("app").Str("id");

        var keyResponse = await admin.PostAsync($"/admin/api/apps/{appId}/api-keys", null);
        var key = await keyResponse.ReadJsonAsync();
        ((int)keyResponse.StatusCode).ShouldBe(201, key.ToString());
        return new TestApp(appId, app.Str("webhook_secret"), key.Str("secret"));
    }

    /// <summary>Stages deliveries the way a payment state change does (the outbox), committed together.</summary>
    public static async Task<IReadOnlyList<string>> StageDeliveriesAsync(this GatewayFixture gateway, TestApp app, int count)
    {
        await using var scope = gateway.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Sluice.Data.SluiceDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<WebhookOutbox>();
        for (var i = 0; i < count; i++)
        {
            await outbox.StageAsync(app.Id, $"pay_test_{i}", null, "payment.succeeded", new { id = $"pay_test_{i}", amount = 100 + i }, Ct);
        }

        var ids = db.ChangeTracker.Entries<WebhookDelivery>().Select(e => e.Entity.Id).ToList();
        await db.SaveChangesAsync(Ct);
        ids.Count.ShouldBe(count);
        return ids;
    }

    /// <summary>The gateway's own dispatcher (node <c>test-node-a</c>).</summary>
    public static WebhookDispatcher Dispatcher(this GatewayFixture gateway) => gateway.Services.GetRequiredService<WebhookDispatcher>();

    /// <summary>A dispatcher of another node sharing the same database, as a second gateway process would run.</summary>
    public static WebhookDispatcher DispatcherOfNode(this GatewayFixture gateway, string nodeId) =>
        ActivatorUtilities.CreateInstance<WebhookDispatcher>(gateway.Services, new NodeIdentity(nodeId));

    public static TimeSpan LeaseDuration(this GatewayFixture gateway) =>
        gateway.Services.GetRequiredService<IOptions<SluiceOptions>>().Value.Workers.LeaseDuration;

    public static Task<int> RunDispatcherAsync(this GatewayFixture gateway) => gateway.Dispatcher().RunOnceAsync(Ct);

    public static Task<WebhookDelivery> DeliveryAsync(this GatewayFixture gateway, string id) =>
        gateway.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == id));

    public static Task<List<WebhookAttempt>> AttemptsAsync(this GatewayFixture gateway, string deliveryId) =>
        gateway.WithDbAsync(db => db.WebhookAttempts.AsNoTracking().Where(a => a.DeliveryId == deliveryId).OrderBy(a => a.Id).ToListAsync());

    /// <summary>
    /// Checks a <c>Sluice-Signature</c> header the way a merchant's own code would, without the gateway's helper:
    /// <c>t=..,v1=hex(HMAC-SHA256(secret, "{t}.{raw body}"))</c>. Returns the signed timestamp when it verifies.
    /// </summary>
    public static long? VerifySignature(string secret, string? header, byte[] rawBody)
    {
        var parts = (header ?? "").Split(',').Select(p => p.Split('=', 2)).Where(kv => kv.Length == 2).ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim());
        if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v1", out var v1) || !long.TryParse(t, out var timestamp))
        {
            return null;
        }

        var signed = Encoding.UTF8.GetBytes(t + ".").Concat(rawBody).ToArray();
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v1)) ? timestamp : null;
    }
}
