using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels.Sandbox;
using Sluice.Demo.Sandbox;
using Sluice.Payments;
using Sluice.Security;
using Sluice.Server.ChannelAccounts;
using Sluice.Tests.Infrastructure;
using Sluice.Webhooks;

namespace Sluice.Tests.Callbacks;

/// <summary>Auto-notify: forged, duplicated, late and inconsistent callbacks change nothing they should not.</summary>
public abstract class CallbackTests(GatewayFixture gateway)
{
    private static string OrderNo() => "C-" + Guid.NewGuid().ToString("N")[..20];

    private Uri NotifyUrl => new(gateway.BaseAddress, "notify/" + gateway.Demo.ChannelAccountId);

    private async Task<string> MerchantNoAsync()
    {
        var account = await gateway.WithDbAsync(db => db.ChannelAccounts.AsNoTracking().FirstAsync(a => a.Id == gateway.Demo.ChannelAccountId));
        return gateway.Services.GetRequiredService<ChannelAccountContexts>().For(account).Credential("merchant_no");
    }

    private static SandboxAnswer Notice(string paymentId, string status, long amount, string currency = "CNY") => new(
        "SUCCESS", TradeNo: "SBX-T-" + paymentId, OutTradeNo: paymentId, Status: status, Amount: amount, Currency: currency,
        CompletedAt: 1795500000, Kind: "payment", NotifyId: "ntf_" + Guid.NewGuid().ToString("N"));

    /// <summary>Sends a notice signed exactly as the sandbox channel signs it.</summary>
    private async Task<bool> SendSignedAsync(SandboxAnswer notice) =>
        await gateway.Services.GetRequiredService<SandboxNotifier>().PostAsync(await MerchantNoAsync(), NotifyUrl.ToString(), notice, CancellationToken.None);

    [Fact]
    public async Task A_forged_callback_is_refused_and_changes_nothing()
    {
        using var merchant = gateway.Merchant();
        var payment = await merchant.CreatePaymentAsync(OrderNo());
        var id = payment.Str("id");
        var body = JsonSerializer.SerializeToUtf8Bytes(Notice(id, "SUCCESS", 2599), SandboxProtocol.Json);
        using var http = gateway.Anonymous();

        var unsigned = await http.PostAsync(NotifyUrl, new ByteArrayContent(body));
        var wrongKey = new HttpRequestMessage(HttpMethod.Post, NotifyUrl) { Content = new ByteArrayContent(body) };
        wrongKey.Headers.Add(SandboxProtocol.SignatureHeader, HmacSignature.Sign("attacker-secret", gateway.Clock.GetUtcNow().ToUnixTimeSeconds(), body));
        var forged = await http.SendAsync(wrongKey);
        var stale = new HttpRequestMessage(HttpMethod.Post, NotifyUrl) { Content = new ByteArrayContent(body) };
        stale.Headers.Add(SandboxProtocol.SignatureHeader, HmacSignature.Sign(
            gateway.Services.GetRequiredService<SandboxKeys>().SecretFor(await MerchantNoAsync()), gateway.Clock.GetUtcNow().AddMinutes(-10).ToUnixTimeSeconds(), body));
        var replayedLate = await http.SendAsync(stale);

        foreach (var response in new[] { unsigned, forged, replayedLate })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await response.Content.ReadAsStringAsync()).ShouldBe("FAIL");
        }

        (await merchant.GetPaymentAsync(id)).Str("status").ShouldBe("pending");
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending"]);
        var logged = await gateway.WithDbAsync(db => db.ChannelCallbacks.Where(c => c.ChannelAccountId == gateway.Demo.ChannelAccountId && !c.Verified).CountAsync());
        logged.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task A_duplicated_success_callback_is_acknowledged_but_applied_once()
    {
        using var merchant = gateway.Merchant();
        var id = (await merchant.CreatePaymentAsync(OrderNo())).Str("id");
        var notice = Notice(id, "SUCCESS", 2599);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendSignedAsync(notice)));

        results.ShouldAllBe(acknowledged => acknowledged);
        (await merchant.GetPaymentAsync(id)).Str("status").ShouldBe("succeeded");
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
        var effects = await gateway.WithDbAsync(db => db.ChannelCallbacks.Where(c => c.OrderId == id).Select(c => c.Effect).ToListAsync());
        effects.Count(e => e == "applied").ShouldBe(1);
        effects.Count(e => e == "duplicate").ShouldBe(7);
        var transitions = await gateway.WithDbAsync(db => db.PaymentEvents.CountAsync(e => e.PaymentId == id && e.ToStatus == "succeeded"));
        transitions.ShouldBe(1);
    }

    [Fact]
    public async Task A_late_failure_after_success_is_ignored()
    {
        using var merchant = gateway.Merchant();
        var id = (await merchant.CreatePaymentAsync(OrderNo())).Str("id");

        (await SendSignedAsync(Notice(id, "SUCCESS", 2599))).ShouldBeTrue();
        (await SendSignedAsync(Notice(id, "FAILED", 2599))).ShouldBeTrue();

        (await merchant.GetPaymentAsync(id)).Str("status").ShouldBe("succeeded");
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending", "payment.succeeded"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_success_callback_with_another_amount_or_currency_does_not_pay_the_order()
    {
        using var merchant = gateway.Merchant();
        var id = (await merchant.CreatePaymentAsync(OrderNo())).Str("id");

        await SendSignedAsync(Notice(id, "SUCCESS", 1));
        await SendSignedAsync(Notice(id, "SUCCESS", 2599, "USD"));

        (await merchant.GetPaymentAsync(id)).Str("status").ShouldBe("pending");
        var effects = await gateway.WithDbAsync(db => db.ChannelCallbacks.Where(c => c.OrderId == id).Select(c => c.Effect).ToListAsync());
        effects.ShouldBe(["amount_mismatch", "amount_mismatch"]);
    }

    [Fact]
    public async Task A_signed_success_without_an_amount_never_settles_the_order_and_is_shown_to_operators()
    {
        using var merchant = gateway.Merchant();
        var id = (await merchant.CreatePaymentAsync(OrderNo())).Str("id");
        var withoutAmount = Notice(id, "SUCCESS", 2599) with { Amount = null, Currency = null };

        (await SendSignedAsync(withoutAmount)).ShouldBeTrue();

        (await merchant.GetPaymentAsync(id)).Str("status").ShouldBe("pending");
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["payment.pending"]);
        (await gateway.WithDbAsync(db => db.ChannelCallbacks.Where(c => c.OrderId == id).Select(c => c.Effect).ToListAsync())).ShouldBe(["amount_mismatch"]);
        (await gateway.WithDbAsync(db => db.ChannelQueries.CountAsync(q => q.OrderId == id && q.Status == ChannelQueryStatus.Pending))).ShouldBe(1);
        using var admin = gateway.Admin();
        var view = await (await admin.GetAsync($"/admin/api/payments/{id}")).ReadJsonAsync();
        view.Str("attention").ShouldContain("without a readable amount");
        view.GetProperty("events").EnumerateArray().Count(e => e.Str("kind") == "amount_mismatch").ShouldBe(1);

        // The channel's word with the order's amount settles it, and the operator's attention is gone.
        (await SendSignedAsync(Notice(id, "SUCCESS", 2599))).ShouldBeTrue();
        (await merchant.GetPaymentAsync(id)).Str("status").ShouldBe("succeeded");
        var settled = await (await admin.GetAsync($"/admin/api/payments/{id}")).ReadJsonAsync();
        settled.GetProperty("attention").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task A_callback_for_an_unknown_order_is_logged_and_changes_nothing()
    {
        using var merchant = gateway.Merchant();
        var id = (await merchant.CreatePaymentAsync(OrderNo())).Str("id");

        await SendSignedAsync(Notice("pay_doesnotexist", "SUCCESS", 2599));

        (await merchant.GetPaymentAsync(id)).Str("status").ShouldBe("pending");
        (await gateway.WithDbAsync(db => db.ChannelCallbacks.CountAsync(c => c.OrderId == "pay_doesnotexist" && c.Effect == "unknown_order"))).ShouldBe(1);
    }

    [Fact]
    public async Task Callbacks_to_an_unknown_channel_account_get_404()
    {
        using var http = gateway.Anonymous();
        var response = await http.PostAsync("/notify/cha_nope", new StringContent("{}", Encoding.UTF8, "application/json"));
        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await gateway.WithDbAsync(db => db.WebhookDeliveries.CountAsync(d => d.Status == WebhookDeliveryStatus.Pending && d.Payload.Contains("cha_nope")))).ShouldBe(0);
    }
}

public sealed class CallbackSqliteTests(SqliteGateway gateway) : CallbackTests(gateway), IClassFixture<SqliteGateway>;

public sealed class CallbackPostgresTests(PostgresGateway gateway) : CallbackTests(gateway), IClassFixture<PostgresGateway>;
