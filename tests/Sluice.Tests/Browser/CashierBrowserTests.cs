using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Sluice.Sandbox;
using Sluice.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Sluice.Tests.Browser;

/// <summary>
/// The sandbox cashier page as a payer sees it, in a real headless Chromium: what it shows, what its buttons do, and
/// that nothing a payer does in the browser (reloading, going back, submitting a stale form) moves money twice.
/// </summary>
public abstract class CashierBrowserTests(GatewayFixture gateway, ChromiumFixture chromium)
{
    private static string OrderNo() => "B-" + Guid.NewGuid().ToString("N")[..20];

    private async Task<JsonElement> CreateAsync(
        long amount = 2599, string currency = "CNY", string subject = "Coffee beans", int? expiresInSeconds = null, string? returnUrl = null)
    {
        using var merchant = gateway.Merchant();
        var request = (Dictionary<string, object>)Api.PaymentRequest(OrderNo(), amount, currency, subject: subject);
        if (expiresInSeconds is { } e)
        {
            request["expires_in_seconds"] = e;
        }

        if (returnUrl is not null)
        {
            request["return_url"] = returnUrl;
        }

        var response = await merchant.PostAsync("/v1/payments", Api.JsonBody(request));
        var body = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(201, body.ToString());
        body.Str("status").ShouldBe("pending");
        return body;
    }

    private static string CashierUrl(JsonElement payment) => payment.GetProperty("pay_action").Str("value");

    private async Task<JsonElement> PaymentAsync(JsonElement payment)
    {
        using var merchant = gateway.Merchant();
        return await merchant.GetPaymentAsync(payment.Str("id"));
    }

    private Task<JsonElement> EventuallyStatusAsync(JsonElement payment, string status) =>
        Api.EventuallyAsync(() => PaymentAsync(payment), p => p.Str("status") == status, $"payment {payment.Str("id")} to become {status}");

    private Task<SandboxTransaction> SandboxTradeAsync(JsonElement payment) =>
        gateway.WithDbAsync(db => db.SandboxTransactions.AsNoTracking().SingleAsync(t => t.Kind == "payment" && t.OutTradeNo == payment.Str("id")));

    /// <summary>Opens the cashier, failing the test on any page error or dialog (an alert would mean injected script ran).</summary>
    private async Task<(IPage Page, List<string> Problems)> OpenCashierAsync(JsonElement payment)
    {
        var page = await chromium.NewPageAsync();
        var problems = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            lock (problems)
            {
                problems.Add($"dialog {dialog.Type}: {dialog.Message}");
            }

            _ = dialog.DismissAsync();
        };
        page.PageError += (_, error) =>
        {
            lock (problems)
            {
                problems.Add("page error: " + error);
            }
        };
        var response = await page.GotoAsync(CashierUrl(payment));
        response.ShouldNotBeNull();
        response.Status.ShouldBe(200);
        var headers = await response.AllHeadersAsync();
        headers.ShouldContainKeyAndValue("cache-control", "no-store");
        headers.ShouldContainKey("content-security-policy");
        headers["content-security-policy"].ShouldContain("default-src 'none'");
        headers["content-security-policy"].ShouldContain("frame-ancestors 'none'");
        return (page, problems);
    }

    [Theory]
    [InlineData(2599L, "CNY", "25.99 CNY")]
    [InlineData(1500L, "JPY", "1,500 JPY")]
    [InlineData(123456789L, "USD", "1,234,567.89 USD")]
    [InlineData(1500L, "BHD", "1.500 BHD")]
    public async Task Payer_sees_the_amount_in_the_currencys_format_and_the_subject_pays_and_the_payment_succeeds(long amount, string currency, string shown)
    {
        var payment = await CreateAsync(amount, currency, subject: "Single-origin beans, 250 g");
        var (page, problems) = await OpenCashierAsync(payment);

        await Expect(page.GetByTestId("amount")).ToHaveTextAsync(shown);
        await Expect(page.GetByTestId("subject")).ToHaveTextAsync("Single-origin beans, 250 g");
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("WAIT_PAY");
        await Expect(page.GetByTestId("pay")).ToContainTextAsync(shown);
        await page.GetByTestId("pay").ClickAsync();

        await Expect(page.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        await Expect(page.GetByTestId("pay")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("decline")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("outcome")).ToContainTextAsync("Payment received");
        page.Url.ShouldBe(CashierUrl(payment), "the pay form redirects back to the page, so a reload does not post again");
        var paid = await EventuallyStatusAsync(payment, "succeeded");
        paid.GetProperty("amount").GetInt64().ShouldBe(amount);
        paid.Str("currency").ShouldBe(currency);

        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"cashier-paid-{gateway.Provider}-{currency}.png".ToLowerInvariant());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        var png = await File.ReadAllBytesAsync(file);
        png.Length.ShouldBeGreaterThan(1000);
        png[..4].ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Declining_shows_FAILED_and_the_payment_fails()
    {
        var payment = await CreateAsync();
        var (page, problems) = await OpenCashierAsync(payment);

        await page.GetByTestId("decline").ClickAsync();

        await Expect(page.GetByTestId("status")).ToHaveTextAsync("FAILED");
        await Expect(page.GetByTestId("pay")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("outcome")).ToContainTextAsync("declined");
        var failed = await EventuallyStatusAsync(payment, "failed");
        failed.GetProperty("failure").Str("code").ShouldBe("channel_rejected");
        (await SandboxTradeAsync(payment)).Status.ShouldBe("FAILED");
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Reloading_going_back_and_resubmitting_stale_forms_after_paying_does_not_pay_twice_or_change_the_outcome()
    {
        var payment = await CreateAsync();
        var (page, problems) = await OpenCashierAsync(payment);
        var (staleTab, _) = await OpenCashierAsync(payment);
        var (staleDeclineTab, _) = await OpenCashierAsync(payment);
        await Expect(staleTab.GetByTestId("pay")).ToBeVisibleAsync();
        await Expect(staleDeclineTab.GetByTestId("decline")).ToBeVisibleAsync();
        var (wanderer, _) = await OpenCashierAsync(payment);
        await Expect(wanderer.GetByTestId("pay")).ToBeVisibleAsync();
        await wanderer.GotoAsync(gateway.BaseAddress + "shop/cart");

        await page.GetByTestId("pay").ClickAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        var paid = await EventuallyStatusAsync(payment, "succeeded");
        var trade = await SandboxTradeAsync(payment);
        trade.Status.ShouldBe("SUCCESS");
        var paidAt = trade.CompletedAt.ShouldNotBeNull();

        // Time passes, so a second write would show in completed_at.
        gateway.Clock.Advance(TimeSpan.FromMinutes(2));

        await page.ReloadAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        await Expect(page.GetByTestId("pay")).ToHaveCountAsync(0);

        // A payer who left the cashier before paying comes back to it: the browser must not show a payable order from its cache.
        var back = await wanderer.GoBackAsync();
        back.ShouldNotBeNull();
        wanderer.Url.ShouldBe(CashierUrl(payment));
        await Expect(wanderer.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        await Expect(wanderer.GetByTestId("pay")).ToHaveCountAsync(0);

        // Tabs opened before paying still hold the forms: paying again in one and declining in another change nothing,
        // and neither do the same forms posted again straight from the browser's context.
        await staleTab.GetByTestId("pay").ClickAsync();
        await Expect(staleTab.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        await staleDeclineTab.GetByTestId("decline").ClickAsync();
        await Expect(staleDeclineTab.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        foreach (var decision in new[] { "pay", "decline", "pay" })
        {
            var post = await staleTab.Context.APIRequest.PostAsync(CashierUrl(payment) + "/" + decision, new() { MaxRedirects = 0 });
            post.Status.ShouldBe(302);
        }

        await staleTab.ReloadAsync();
        await Expect(staleTab.GetByTestId("status")).ToHaveTextAsync("SUCCESS");

        var after = await SandboxTradeAsync(payment);
        after.Status.ShouldBe("SUCCESS");
        after.CompletedAt.ShouldBe(paidAt);
        (await gateway.WithDbAsync(db => db.SandboxTransactions.CountAsync(t => t.OutTradeNo == payment.Str("id")))).ShouldBe(1);

        // The first notice's log row trails the status change; had the sandbox sent a second notice, it would arrive
        // within the settle time after that.
        await Api.EventuallyAsync(() => gateway.WithDbAsync(db => db.ChannelCallbacks.CountAsync(c => c.OrderId == payment.Str("id"))),
            n => n >= 1, "the first callback to be logged");
        await Task.Delay(TimeSpan.FromMilliseconds(750));
        var again = await PaymentAsync(payment);
        again.Str("status").ShouldBe("succeeded");
        again.Str("paid_at").ShouldBe(paid.Str("paid_at"));
        var callbacks = await gateway.WithDbAsync(db => db.ChannelCallbacks.Where(c => c.OrderId == payment.Str("id")).ToListAsync());
        callbacks.Count.ShouldBe(1);
        callbacks[0].Effect.ShouldBe("applied");
        var changes = await gateway.WithDbAsync(db => db.PaymentEvents.Where(e => e.PaymentId == payment.Str("id") && e.ToStatus == "succeeded").CountAsync());
        changes.ShouldBe(1);
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_expired_order_shows_EXPIRED_with_no_pay_button_and_a_form_opened_before_expiry_cannot_pay_it()
    {
        var payment = await CreateAsync(expiresInSeconds: 60);
        var (staleTab, _) = await OpenCashierAsync(payment);
        await Expect(staleTab.GetByTestId("pay")).ToBeVisibleAsync();

        gateway.Clock.Advance(TimeSpan.FromSeconds(61));
        var (page, problems) = await OpenCashierAsync(payment);

        await Expect(page.GetByTestId("status")).ToHaveTextAsync("EXPIRED");
        await Expect(page.GetByTestId("pay")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("decline")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("outcome")).ToContainTextAsync("expired");

        await staleTab.GetByTestId("pay").ClickAsync();
        await Expect(staleTab.GetByTestId("status")).ToHaveTextAsync("EXPIRED");
        await Expect(staleTab.GetByTestId("pay")).ToHaveCountAsync(0);
        var trade = await SandboxTradeAsync(payment);
        trade.Status.ShouldNotBe("SUCCESS");
        trade.CompletedAt.ShouldBeNull();
        (await PaymentAsync(payment)).Str("status").ShouldBe("pending");
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Html_in_the_subject_and_return_url_is_shown_as_text_and_no_script_runs()
    {
        const string subject = "<script>alert(1)</script><img src=x onerror=alert(2)><b>bold</b>";
        var returnUrl = gateway.BaseAddress + "shop/return?next=\"><script>alert(3)</script>";
        var payment = await CreateAsync(subject: subject, returnUrl: returnUrl);
        var (page, problems) = await OpenCashierAsync(payment);

        await Expect(page.GetByTestId("subject")).ToHaveTextAsync(subject);
        await Expect(page.Locator("script")).ToHaveCountAsync(0);
        await Expect(page.Locator("img")).ToHaveCountAsync(0);
        await Expect(page.Locator("b")).ToHaveCountAsync(0);
        await page.GetByTestId("pay").ClickAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        await Expect(page.GetByTestId("subject")).ToHaveTextAsync(subject);
        (await page.GetByTestId("return").GetAttributeAsync("href")).ShouldBe(returnUrl);
        await Expect(page.Locator("script")).ToHaveCountAsync(0);

        // Give an injected handler every chance to fire before looking.
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task After_paying_a_link_leads_back_to_the_merchants_return_url()
    {
        var returnUrl = gateway.BaseAddress + "shop/orders/return?from=cashier";
        var payment = await CreateAsync(returnUrl: returnUrl);
        var (page, problems) = await OpenCashierAsync(payment);

        await page.GetByTestId("pay").ClickAsync();
        await Expect(page.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        var link = page.GetByTestId("return");
        await Expect(link).ToBeVisibleAsync();
        (await link.GetAttributeAsync("href")).ShouldBe(returnUrl);
        await link.ClickAsync();
        await page.WaitForURLAsync(returnUrl);
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task Without_a_return_url_there_is_no_link_back_after_paying()
    {
        var payment = await CreateAsync();
        var (page, problems) = await OpenCashierAsync(payment);

        await page.GetByTestId("pay").ClickAsync();

        await Expect(page.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        await Expect(page.GetByTestId("return")).ToHaveCountAsync(0);
        await EventuallyStatusAsync(payment, "succeeded");
        problems.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_return_url_that_is_not_http_never_becomes_a_link()
    {
        // The gateway only sends http(s) return URLs, but the sandbox's signed API takes any string: store one directly.
        var tradeNo = "SBXJS" + Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        await gateway.WithDbAsync(async db =>
        {
            db.SandboxTransactions.Add(new SandboxTransaction
            {
                TradeNo = tradeNo, Kind = "payment", MerchantNo = "SBX_DIRECT", OutTradeNo = tradeNo, Amount = 100, Currency = "CNY",
                Subject = "Direct", ReturnUrl = "javascript:alert(4)", Status = "SUCCESS",
                CreatedAt = gateway.Clock.GetUtcNow(), ExpiresAt = gateway.Clock.GetUtcNow().AddMinutes(30), CompletedAt = gateway.Clock.GetUtcNow(),
            });
            return await db.SaveChangesAsync();
        });
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(gateway.BaseAddress + "sandbox/cashier/" + tradeNo);

        await Expect(page.GetByTestId("status")).ToHaveTextAsync("SUCCESS");
        await Expect(page.GetByTestId("return")).ToHaveCountAsync(0);
        await Expect(page.Locator("a[href^='javascript']")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_unknown_trade_shows_a_not_found_page()
    {
        var page = await chromium.NewPageAsync();

        var response = await page.GotoAsync(gateway.BaseAddress + "sandbox/cashier/SBX_NO_SUCH_TRADE");

        response.ShouldNotBeNull();
        response.Status.ShouldBe(404);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Order not found");
        await Expect(page.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
    }
}

public sealed class CashierBrowserSqliteTests(SqliteGateway gateway, ChromiumFixture chromium)
    : CashierBrowserTests(gateway, chromium), IClassFixture<SqliteGateway>, IClassFixture<ChromiumFixture>;

public sealed class CashierBrowserPostgresTests(PostgresGateway gateway, ChromiumFixture chromium)
    : CashierBrowserTests(gateway, chromium), IClassFixture<PostgresGateway>, IClassFixture<ChromiumFixture>;
