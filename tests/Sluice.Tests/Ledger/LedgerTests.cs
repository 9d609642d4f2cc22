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

    private Dictionary<string, string> WalletCredentials(bool reachable = true)
    {
        var merchantNo = "SBXL" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        return new Dictionary<string, string>
        {
            ["merchant_no"] = merchantNo,
            ["api_secret"] = gateway.Services.GetRequiredService<SandboxKeys>().SecretFor(merchantNo),
            ["base_url"] = reachable ? gateway.BaseAddress.ToString() : $"http://127.0.0.1:{GatewayFixture.FreePort()}/",
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

        // The day's journal export has the entry's lines, debits and credits apart.
        using var admin = gateway.Admin();
        var csv = await admin.GetStringAsync($"/admin/api/ledger/journal.csv?date={gateway.Clock.GetUtcNow():yyyy-MM-dd}", Ct);
        csv.ShouldStartWith("entry_id,posted_at,key,kind,order_kind,order_id,merchant_id,account,debit,credit,currency\n");
        csv.ShouldContain($",payment:{payment.Str("id")}:succeeded,payment_succeeded,payment,{payment.Str("id")},{shop.MerchantId},merchant_pending:{shop.MerchantId}:CNY,0,9990,CNY\n");
    }

    [Fact]
    public async Task A_held_withdrawal_an_operator_cancels_gives_its_amount_back_to_available()
    {
        var shop = await ShopAsync();
        await gateway.WithdrawalChannelAsync(shop.MerchantId, "sandbox", "withdraw_wallet", WalletCredentials(reachable: false), feePpm: 0);
        await shop.Client.PaidPaymentAsync(2_000);
        await SettleAsync(TimeSpan.FromDays(2));
        using var created = await WithdrawAsync(shop.Client, 1_500);
        var held = await created.ReadJsonAsync();
        held.Str("status").ShouldBe("held");
        (await BalanceAsync(shop.Client)).Available.ShouldBe(500);

        using var admin = gateway.Admin();
        using var cancel = await admin.PostAsync($"/admin/api/withdrawals/{held.Str("id")}/cancel", Api.JsonBody(new { note = "payee asked to stop" }), Ct);

        cancel.StatusCode.ShouldBe(HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync(Ct));
        (await BalanceAsync(shop.Client)).Available.ShouldBe(2_000);
        var kinds = (await EntriesAsync("order_id=" + held.Str("id"))).GetProperty("data").EnumerateArray().Select(e => e.Str("kind")).ToList();
        kinds.ShouldBe(["withdrawal_requested", "withdrawal_cancelled"]);
        await BooksBalanceAsync();
    }

    [Fact]
    public async Task Partial_refunds_at_a_channel_that_returns_its_fee_get_their_share_of_it_back_and_never_more()
    {
        var shop = await ShopAsync();
        var payment = await shop.Client.PaidPaymentAsync(10_000);
        var paymentId = payment.Str("id");
        var fee = (await EntriesAsync("order_id=" + paymentId)).GetProperty("data")[0].GetProperty("postings").EnumerateArray()
            .Where(p => p.Str("account") == "channel_fee_expense:CNY").Sum(p => p.GetProperty("amount").GetInt64());
        fee.ShouldBeGreaterThan(2, "the sandbox channel charges a fee for alipay_qr");

        var returned = new List<long>();
        foreach (var amount in new long[] { 3_333, 3_333, 3_334 })
        {
            using var refund = await shop.Client.PostRefundAsync(RefundBody(paymentId, amount, stage: "pre_delivery"));
            var body = await refund.ReadJsonAsync();
            ((int)refund.StatusCode).ShouldBe(201, body.ToString());
            var succeeded = (await EntriesAsync("order_id=" + body.Str("id"))).GetProperty("data").EnumerateArray().Single(e => e.Str("kind") == "refund_succeeded");
            returned.Add(-succeeded.GetProperty("postings").EnumerateArray().Where(p => p.Str("account") == "channel_fee_expense:CNY").Sum(p => p.GetProperty("amount").GetInt64()));
        }

        // Each share is the rounding of the fee on what was refunded so far, less the shares before: all of it in the end.
        returned[0].ShouldBe(Fees.Of(fee * 3_333, 100));
        returned.Sum().ShouldBe(fee);
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
    public async Task A_refund_the_channel_refuses_gives_its_reservation_back_to_the_balance_it_came_from()
    {
        var shop = await ShopAsync();
        var payment = await shop.Client.PaidPaymentAsync(6_000);
        var paymentId = payment.Str("id");
        // The sandbox channel now believes the payment was for 1 000: it refuses a larger refund definitively.
        await gateway.WithDbAsync(db => db.SandboxTransactions.Where(t => t.Kind == "payment" && t.OutTradeNo == paymentId)
            .ExecuteUpdateAsync(x => x.SetProperty(t => t.Amount, 1_000L), Ct));

        using var response = await shop.Client.PostRefundAsync(RefundBody(paymentId, 4_000, stage: "pre_delivery"));
        var refund = await response.ReadJsonAsync();

        ((int)response.StatusCode).ShouldBe(201, refund.ToString());
        refund.Str("status").ShouldBe("failed");
        refund.Str("reserved_from").ShouldBe("merchant_pending");
        (await BalanceAsync(shop.Client)).ShouldBe((6_000L, 0L));
        (await gateway.StoredPaymentAsync(paymentId)).RefundedAmount.ShouldBe(0);
        var kinds = (await EntriesAsync("order_id=" + refund.Str("id"))).GetProperty("data").EnumerateArray().Select(e => e.Str("kind")).ToList();
        kinds.ShouldBe(["refund_requested", "refund_released"]);

        // Released to pending, so the whole payment settles.
        await SettleAsync(TimeSpan.FromDays(1));
        (await BalanceAsync(shop.Client)).ShouldBe((0L, 6_000L));
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

    /// <summary>
    /// Random sequences of payments, partial refunds (both bearers, both stages), withdrawals and settlements: after
    /// every step the merchant's balances are what the posting rules say, a refused request changes nothing, the
    /// balances never go below the merchant's limit (0 here), and the books balance.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Random_sequences_keep_the_books_balanced_and_every_balance_as_the_rules_say(int seed)
    {
        var random = new Random(seed);
        var shop = await ShopAsync();
        await gateway.WithdrawalChannelAsync(shop.MerchantId, "sandbox", "withdraw_wallet", WalletCredentials(), feePpm: 0);
        var payments = new List<(string Id, long Amount, long Refunded, bool Settled)>();
        long pending = 0, available = 0;
        for (var step = 0; step < 18; step++)
        {
            var roll = random.Next(100);
            var what = $"seed {seed} step {step}";
            if (roll < 30 || payments.Count == 0)
            {
                var amount = random.Next(100, 5_000);
                payments.Add(((await shop.Client.PaidPaymentAsync(amount)).Str("id"), amount, 0, false));
                pending += amount;
                what += $": paid {amount}";
            }
            else if (roll < 65)
            {
                var i = random.Next(payments.Count);
                var p = payments[i];
                if (p.Refunded == p.Amount)
                {
                    continue;
                }

                var amount = random.NextInt64(1, p.Amount - p.Refunded + 1);
                var platform = random.Next(4) == 0;
                var pre = random.Next(2) == 0;
                using var response = await shop.Client.PostRefundAsync(RefundBody(p.Id, amount, bearer: platform ? "platform" : "merchant", stage: pre ? "pre_delivery" : "post_delivery"));
                var body = await response.ReadJsonAsync();
                var fromPending = !platform && pre && !p.Settled;
                var covered = platform || (fromPending ? pending >= amount : available >= amount);
                what += $": refund {amount} of {p.Id} ({(platform ? "platform" : "merchant")}, {(pre ? "pre" : "post")}) -> {(int)response.StatusCode}";
                ((int)response.StatusCode).ShouldBe(covered ? 201 : 422, what + " " + body);
                if (covered)
                {
                    body.Str("reserved_from").ShouldBe(platform ? "platform_refund_expense" : fromPending ? "merchant_pending" : "merchant_available", what);
                    payments[i] = p with { Refunded = p.Refunded + amount };
                    if (fromPending)
                    {
                        pending -= amount;
                    }
                    else if (!platform)
                    {
                        available -= amount;
                    }
                }
            }
            else if (roll < 85)
            {
                var amount = random.NextInt64(1, Math.Max(available, 1) * 2);
                using var response = await WithdrawAsync(shop.Client, amount);
                var covered = available >= amount;
                what += $": withdraw {amount} -> {(int)response.StatusCode}";
                ((int)response.StatusCode).ShouldBe(covered ? 201 : 422, what);
                if (covered)
                {
                    available -= amount;
                }
            }
            else
            {
                await SettleAsync(TimeSpan.FromDays(1));
                available += pending;
                pending = 0;
                payments = [.. payments.Select(p => p with { Settled = true })];
                what += ": settled";
            }

            (await BalanceAsync(shop.Client)).ShouldBe((pending, available), what);
            pending.ShouldBeGreaterThanOrEqualTo(0, what);
            available.ShouldBeGreaterThanOrEqualTo(0, what);
            await BooksBalanceAsync();
        }
    }

    [Fact]
    public async Task The_backfill_posts_orders_from_before_the_ledger_once_however_often_it_runs()
    {
        var shop = await ShopAsync();
        var now = gateway.Clock.GetUtcNow();
        var paymentId = "pay_old" + Guid.NewGuid().ToString("N")[..20];
        var refundId = "rfd_old" + Guid.NewGuid().ToString("N")[..20];
        await gateway.WithDbAsync(async db =>
        {
            db.Payments.Add(new Sluice.Payments.PaymentOrder
            {
                Id = paymentId, AppId = shop.Sandbox.Merchant.AppId, MerchantId = shop.MerchantId, Amount = 5_000, Currency = "CNY",
                MerchantOrderNo = NewNo("OLD"), Subject = "Before the ledger", PaymentMethod = "alipay_qr", ChannelCode = "sandbox",
                ChannelAccountId = shop.Sandbox.AccountId, Status = Sluice.Payments.PaymentStatus.Succeeded, RefundedAmount = 1_000,
                PaidAt = now, ExpiresAt = now.AddHours(2), CreatedAt = now, UpdatedAt = now,
            });
            db.Refunds.Add(new Sluice.Refunds.RefundOrder
            {
                Id = refundId, PaymentId = paymentId, AppId = shop.Sandbox.Merchant.AppId, MerchantId = shop.MerchantId, Amount = 1_000,
                Currency = "CNY", MerchantRefundNo = NewNo("OLDR"), MerchantOrderNo = "old", ChannelAccountId = shop.Sandbox.AccountId,
                ChannelCode = "sandbox", Bearer = Sluice.Refunds.RefundBearer.Merchant, Stage = Sluice.Refunds.RefundStage.PreDelivery,
                Status = Sluice.Refunds.RefundStatus.Succeeded, CreatedAt = now, UpdatedAt = now,
            });
            return await db.SaveChangesAsync(Ct);
        });
        using var admin = gateway.Admin();

        var first = await (await admin.PostAsync("/admin/api/ledger/backfill", null, Ct)).ReadJsonAsync();
        var second = await (await admin.PostAsync("/admin/api/ledger/backfill", null, Ct)).ReadJsonAsync();

        first.GetProperty("payments").GetInt32().ShouldBeGreaterThanOrEqualTo(1, first.ToString());
        first.GetProperty("refunds").GetInt32().ShouldBeGreaterThanOrEqualTo(1, first.ToString());
        second.GetProperty("payments").GetInt32().ShouldBe(0, second.ToString());
        second.GetProperty("refunds").GetInt32().ShouldBe(0, second.ToString());
        second.GetProperty("done").GetBoolean().ShouldBeTrue();
        (await BalanceAsync(shop.Client)).ShouldBe((4_000L, 0L));
        var kinds = (await EntriesAsync("order_id=" + refundId)).GetProperty("data").EnumerateArray().Select(e => e.Str("kind")).ToList();
        kinds.ShouldBe(["refund_requested", "refund_succeeded"]);
        (await EntriesAsync("order_id=" + paymentId)).GetProperty("data").GetArrayLength().ShouldBe(1);
        await BooksBalanceAsync();
    }

    [Fact]
    public async Task Racing_withdrawals_and_refunds_on_two_nodes_take_exactly_the_available_balance_and_strand_nothing()
    {
        var shop = await ShopAsync();
        await gateway.WithdrawalChannelAsync(shop.MerchantId, "sandbox", "withdraw_wallet", WalletCredentials(), feePpm: 0);
        var paid = new[] { (await shop.Client.PaidPaymentAsync(5_000)).Str("id"), (await shop.Client.PaidPaymentAsync(5_000)).Str("id") };
        await SettleAsync(TimeSpan.FromDays(2));
        (await BalanceAsync(shop.Client)).Available.ShouldBe(10_000);
        await using var nodeB = gateway.StartNode("test-node-b");
        using var clientB = nodeB.Client(shop.Sandbox.ApiKey);

        // 60 withdrawals and 60 post-delivery refunds of 100 against 10 000 available: exactly 100 fit.
        var answers = await Task.WhenAll(Enumerable.Range(0, 120).Select(async i =>
        {
            var client = i % 2 == 0 ? shop.Client : clientB;
            using var response = i % 4 < 2
                ? await WithdrawAsync(client, 100)
                : await client.PostRefundAsync(RefundBody(paid[i % 8 < 4 ? 0 : 1], 100));
            return (Status: (int)response.StatusCode, Body: await response.ReadJsonAsync());
        }));

        answers.Count(a => a.Status == 201).ShouldBe(100, string.Join("\n", answers.Where(a => a.Status is not (201 or 422)).Select(a => a.Body.ToString()).Take(3)));
        answers.Where(a => a.Status != 201).ShouldAllBe(a => a.Status == 422 && a.Body.Str("code") == "insufficient_balance");
        (await BalanceAsync(shop.Client)).ShouldBe((0L, 0L));
        var (withdrawals, refunds) = await gateway.WithDbAsync(async db => (
            await db.Withdrawals.AsNoTracking().Where(w => w.MerchantId == shop.MerchantId).ToListAsync(Ct),
            await db.Refunds.AsNoTracking().Where(r => r.MerchantId == shop.MerchantId).ToListAsync(Ct)));
        (withdrawals.Count + refunds.Count).ShouldBe(100);
        // Every stored one holds its reservation: paid, or still with the channel (a busy machine may leave an answer unknown).
        withdrawals.ShouldAllBe(w => w.Status != Sluice.Withdrawals.WithdrawalStatus.Failed && w.ReservedFrom == LedgerAccountType.MerchantAvailable);
        refunds.ShouldAllBe(r => r.Status != Sluice.Refunds.RefundStatus.Failed && r.ReservedFrom == LedgerAccountType.MerchantAvailable);
        var refunded = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().Where(p => paid.Contains(p.Id)).SumAsync(p => p.RefundedAmount, Ct));
        refunded.ShouldBe(refunds.Sum(r => r.Amount));
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
