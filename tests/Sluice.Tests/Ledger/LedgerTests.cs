using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Data;
using Sluice.Demo.Sandbox;
using Sluice.Ledger;
using Sluice.Server.Ledger;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Refunds;
using Sluice.Tests.Withdrawals;
using static Sluice.Tests.Refunds.RefundTestKit;

namespace Sluice.Tests.Ledger;

/// <summary>A gateway whose merchants may never go below zero: every balance the ledger tests use is earned by real postings.</summary>
public abstract class LedgerGateway : GatewayFixture
{
    protected override IReadOnlyDictionary<string, string?> NodeSettings =>
        new Dictionary<string, string?>(base.NodeSettings) { ["Sluice:Ledger:DefaultNegativeBalanceLimit"] = "0" };
}

public sealed class SqliteLedgerGateway : LedgerGateway
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresLedgerGateway : LedgerGateway
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>
/// The double-entry ledger end to end on the sandbox channel: a paid payment's postings and fee split, refunds reserved
/// from the balance their bearer and stage name, withdrawals from available only, T+N settlement exactly once, and the
/// books balancing (trial balance zero, every stored balance equal to the sum of its postings) after every flow.
/// </summary>
public abstract class LedgerTests(LedgerGateway gateway)
{
    private sealed record Shop(SandboxShop Sandbox, HttpClient Client)
    {
        public string MerchantId => Sandbox.Merchant.MerchantId;
    }

    private async Task<Shop> ShopAsync(int? feeRatePpm = null)
    {
        var sandbox = await gateway.SandboxShopAsync();
        if (feeRatePpm is { } rate)
        {
            using var admin = gateway.Admin();
            using var put = await admin.PutAsync($"/admin/api/ledger/merchants/{sandbox.Merchant.MerchantId}/fee-rates/alipay_qr", Api.JsonBody(new { rate_ppm = rate }), Ct);
            put.StatusCode.ShouldBe(HttpStatusCode.OK, await put.Content.ReadAsStringAsync(Ct));
        }

        return new Shop(sandbox, gateway.Merchant(sandbox.ApiKey));
    }

    private static async Task<(long Pending, long Available)> BalanceAsync(HttpClient merchant)
    {
        using var response = await merchant.GetAsync("/v1/balance", Ct);
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        var cny = body.GetProperty("balances").EnumerateArray().Where(b => b.Str("currency") == "CNY").ToList();
        return cny.Count == 0 ? (0, 0) : (cny[0].GetProperty("pending").GetInt64(), cny[0].GetProperty("available").GetInt64());
    }

    /// <summary>The books balance: the trial balance sums to zero per currency and no stored balance differs from its postings.</summary>
    private async Task BooksBalanceAsync()
    {
        using var admin = gateway.Admin();
        var trial = await (await admin.GetAsync("/admin/api/ledger/trial-balance", Ct)).ReadJsonAsync();
        trial.GetProperty("balanced").GetBoolean().ShouldBeTrue(trial.ToString());
        trial.GetProperty("currencies").EnumerateArray().ShouldAllBe(c => c.GetProperty("total").GetInt64() == 0);
        var check = await (await admin.GetAsync("/admin/api/ledger/check", Ct)).ReadJsonAsync();
        check.GetProperty("consistent").GetBoolean().ShouldBeTrue(check.ToString());
    }

    private async Task<JsonElement> EntriesAsync(string query)
    {
        using var admin = gateway.Admin();
        using var response = await admin.GetAsync("/admin/api/ledger/entries?" + query, Ct);
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    private async Task<int> SettleAsync(TimeSpan later)
    {
        gateway.Clock.Advance(later);
        return await gateway.Services.GetRequiredService<SettlementWorker>().RunOnceAsync(Ct);
    }

    private Dictionary<string, string> WalletCredentials()
    {
        var merchantNo = "SBXL" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        return new Dictionary<string, string>
        {
            ["merchant_no"] = merchantNo,
            ["api_secret"] = gateway.Services.GetRequiredService<SandboxKeys>().SecretFor(merchantNo),
            ["base_url"] = gateway.BaseAddress.ToString(),
        };
    }

    private static Task<HttpResponseMessage> WithdrawAsync(HttpClient merchant, long amount) =>
        merchant.PostAsync("/v1/withdrawals", Api.JsonBody(WithdrawalTestKit.WithdrawalRequest(amount: amount, accountNo: "wallet-user@example.com", payeeType: "wallet")), Ct);

    [Fact]
    public async Task A_paid_payment_credits_the_merchant_pending_balance_less_its_fee_in_one_balanced_entry()
    {
        var shop = await ShopAsync(feeRatePpm: 6000);
        var payment = await shop.Client.PaidPaymentAsync(10_050);
        var channelRate = await gateway.WithDbAsync(db => db.ChannelMethodFees.AsNoTracking()
            .Where(f => f.ChannelCode == "sandbox" && f.PaymentMethod == "alipay_qr").Select(f => f.RatePpm).FirstOrDefaultAsync(Ct));

        var balance = await BalanceAsync(shop.Client);
        var entries = await EntriesAsync("order_id=" + payment.Str("id"));

        // 10 050 × 0.6 % = 60.3 → 60 (half up): the merchant is owed 9 990 once settled.
        balance.ShouldBe((9_990L, 0L));
        var entry = entries.GetProperty("data").EnumerateArray().ShouldHaveSingleItem();
        entry.Str("kind").ShouldBe("payment_succeeded");
        entry.Str("key").ShouldBe($"payment:{payment.Str("id")}:succeeded");
        var postings = entry.GetProperty("postings").EnumerateArray().ToDictionary(p => p.Str("account"), p => p.GetProperty("amount").GetInt64());
        postings.Values.Sum().ShouldBe(0);
        postings[$"merchant_pending:{shop.MerchantId}:CNY"].ShouldBe(-9_990);
        postings["fee_income:CNY"].ShouldBe(-60);
        postings[$"channel_receivable:{shop.Sandbox.AccountId}:CNY"].ShouldBe(10_050 - Fees.Of(10_050, channelRate));
        await BooksBalanceAsync();
    }

    [Fact]
    public async Task A_pre_delivery_refund_comes_out_of_pending_a_post_delivery_one_needs_available_and_a_platform_one_costs_the_platform()
    {
        var shop = await ShopAsync();
        var payment = await shop.Client.PaidPaymentAsync(10_000);
        var paymentId = payment.Str("id");

        using var postDelivery = await shop.Client.PostRefundAsync(RefundBody(paymentId, 1_000, stage: "post_delivery"));
        var refused = await postDelivery.ReadJsonAsync();
        using var preDelivery = await shop.Client.PostRefundAsync(RefundBody(paymentId, 3_000, stage: "pre_delivery"));
        var pre = await preDelivery.ReadJsonAsync();
        using var platform = await shop.Client.PostRefundAsync(RefundBody(paymentId, 2_000, bearer: "platform", stage: "post_delivery"));
        var byPlatform = await platform.ReadJsonAsync();

        // Nothing is available before settlement: the post-delivery refund is refused and leaves nothing behind.
        postDelivery.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, refused.ToString());
        refused.Str("code").ShouldBe("insufficient_balance");
        refused.Str("balance").ShouldBe("merchant_available");
        (await gateway.StoredRefundsAsync(paymentId)).Count.ShouldBe(2);
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(5_000);

        ((int)preDelivery.StatusCode).ShouldBe(201, pre.ToString());
        pre.Str("reserved_from").ShouldBe("merchant_pending");
        pre.Str("status").ShouldBe("succeeded");
        ((int)platform.StatusCode).ShouldBe(201, byPlatform.ToString());
        byPlatform.Str("reserved_from").ShouldBe("platform_refund_expense");
        (await BalanceAsync(shop.Client)).ShouldBe((7_000L, 0L));
        var kinds = (await EntriesAsync("order_id=" + pre.Str("id"))).GetProperty("data").EnumerateArray().Select(e => e.Str("kind")).ToList();
        kinds.ShouldBe(["refund_requested", "refund_succeeded"]);
        await BooksBalanceAsync();
    }

    [Fact]
    public async Task Settlement_moves_pending_to_available_on_the_next_day_once_and_only_available_can_be_withdrawn()
    {
        var shop = await ShopAsync();
        await gateway.WithdrawalChannelAsync(shop.MerchantId, "sandbox", "withdraw_wallet", WalletCredentials(), feePpm: 0);
        var payment = await shop.Client.PaidPaymentAsync(8_000);
        using (var early = await WithdrawAsync(shop.Client, 1_000))
        {
            var body = await early.ReadJsonAsync();
            early.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity, body.ToString());
            body.Str("code").ShouldBe("insufficient_balance");
        }

        // Refunded before delivery while still unsettled: settlement moves only what is left of the payment.
        (await shop.Client.PostRefundAsync(RefundBody(payment.Str("id"), 500, stage: "pre_delivery"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await SettleAsync(TimeSpan.FromHours(1))).ShouldBe(0);
        (await SettleAsync(TimeSpan.FromDays(1))).ShouldBeGreaterThanOrEqualTo(1);
        (await SettleAsync(TimeSpan.FromDays(1))).ShouldBe(0);
        (await BalanceAsync(shop.Client)).ShouldBe((0L, 7_500L));

        using var withdrawal = await WithdrawAsync(shop.Client, 7_000);
        var paid = await withdrawal.ReadJsonAsync();
        using var tooMuch = await WithdrawAsync(shop.Client, 501);

        ((int)withdrawal.StatusCode).ShouldBe(201, paid.ToString());
        paid.Str("status").ShouldBe("succeeded");
        paid.Str("reserved_from").ShouldBe("merchant_available");
        tooMuch.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await BalanceAsync(shop.Client)).ShouldBe((0L, 500L));
        var settlements = (await EntriesAsync("order_id=" + payment.Str("id"))).GetProperty("data").EnumerateArray().Where(e => e.Str("kind") == "settlement").ToList();
        settlements.ShouldHaveSingleItem().GetProperty("postings").EnumerateArray().Select(p => p.GetProperty("amount").GetInt64()).ShouldBe([7_500L, -7_500L], ignoreOrder: true);
        await BooksBalanceAsync();
    }

    [Fact]
    public async Task Concurrent_withdrawals_never_take_the_available_balance_below_zero()
    {
        var shop = await ShopAsync();
        await gateway.WithdrawalChannelAsync(shop.MerchantId, "sandbox", "withdraw_wallet", WalletCredentials(), feePpm: 0);
        await shop.Client.PaidPaymentAsync(1_000);
        await SettleAsync(TimeSpan.FromDays(2));
        (await BalanceAsync(shop.Client)).Available.ShouldBe(1_000);

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var response = await WithdrawAsync(shop.Client, 100);
            return response.StatusCode;
        }));

        answers.Count(s => s == HttpStatusCode.Created).ShouldBe(10, string.Join("\n", gateway.Logs.Lines.Where(l => l.Contains("Exception", StringComparison.Ordinal)).TakeLast(2)));
        answers.Count(s => s == HttpStatusCode.UnprocessableEntity).ShouldBe(20);
        (await BalanceAsync(shop.Client)).Available.ShouldBe(0);
        await BooksBalanceAsync();
    }

    [Fact]
    public async Task Entries_are_cursor_paginated_and_bad_filters_are_refused()
    {
        var shop = await ShopAsync();
        for (var i = 0; i < 3; i++)
        {
            await shop.Client.PaidPaymentAsync(100 + i);
        }

        var account = $"merchant_pending:{shop.MerchantId}:CNY";
        var first = await EntriesAsync($"account={account}&limit=2");
        var second = await EntriesAsync($"account={account}&limit=2&cursor={first.GetProperty("next_cursor").GetInt64()}");
        using var admin = gateway.Admin();
        using var bad = await admin.GetAsync("/admin/api/ledger/entries?from=yesterday", Ct);

        first.GetProperty("data").GetArrayLength().ShouldBe(2);
        second.GetProperty("data").GetArrayLength().ShouldBe(1);
        second.GetProperty("next_cursor").ValueKind.ShouldBe(JsonValueKind.Null);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.ReadJsonAsync()).Str("code").ShouldBe("invalid_field");
    }
}

public sealed class LedgerSqliteTests(SqliteLedgerGateway gateway) : LedgerTests(gateway), IClassFixture<SqliteLedgerGateway>;

public sealed class LedgerPostgresTests(PostgresLedgerGateway gateway) : LedgerTests(gateway), IClassFixture<PostgresLedgerGateway>;

/// <summary>The rounding rule and the settlement day, at their boundaries.</summary>
public sealed class LedgerRuleTests
{
    [Theory]
    [InlineData(10_000, 6000, 60)]
    [InlineData(83, 6000, 0)]      // 0.498 → 0
    [InlineData(84, 6000, 1)]      // 0.504 → 1
    [InlineData(250, 2000, 1)]     // exactly 0.5 → 1 (half up)
    [InlineData(249, 2000, 0)]     // 0.498 → 0
    [InlineData(1, 1_000_000, 1)]
    [InlineData(0, 6000, 0)]
    [InlineData(9_000_000_000_000_000, 1_000_000, 9_000_000_000_000_000)]
    public void A_fee_is_rounded_half_up_to_the_minor_unit(long amount, int ratePpm, long fee) =>
        Fees.Of(amount, ratePpm).ShouldBe(fee);

    [Theory]
    [InlineData("2026-11-24T15:59:00Z", "Asia/Shanghai", 1, "2026-11-24T16:00:00Z")] // 23:59 local on the 24th → the 25th
    [InlineData("2026-11-24T16:00:00Z", "Asia/Shanghai", 1, "2026-11-25T16:00:00Z")] // 00:00 local on the 25th → the 26th
    [InlineData("2026-11-24T08:00:00Z", "UTC", 1, "2026-11-25T00:00:00Z")]
    [InlineData("2026-11-24T08:00:00Z", "UTC", 0, "2026-11-24T00:00:00Z")]
    [InlineData("2026-11-24T08:00:00Z", "UTC", 3, "2026-11-27T00:00:00Z")]
    public void A_payment_settles_at_the_start_of_the_merchant_local_day_N_days_after_it_was_paid(string paidAt, string zone, int days, string due) =>
        LedgerPostings.SettlementDue(DateTimeOffset.Parse(paidAt, System.Globalization.CultureInfo.InvariantCulture), days, zone)
            .ShouldBe(DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture));
}
