using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Channels.Sandbox;
using Sluice.Demo.Sandbox;
using Sluice.Server.ChannelAccounts;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Channels;

/// <summary>The channel adapter contract, exercised flow by flow against the sandbox channel over HTTP.</summary>
public abstract class SandboxAdapterTests(GatewayFixture gateway)
{
    private SandboxChannelAdapter Adapter => gateway.Services.GetRequiredService<SandboxChannelAdapter>();

    private async Task<ChannelAccountContext> DemoAccountAsync()
    {
        var account = await gateway.WithDbAsync(db => db.ChannelAccounts.AsNoTracking().FirstAsync(a => a.Id == gateway.Demo.ChannelAccountId));
        return gateway.Services.GetRequiredService<ChannelAccountContexts>().For(account);
    }

    private ChannelPayRequest Pay(string id, long amount = 2599) =>
        new(id, amount, "CNY", "Adapter test", "alipay_qr", gateway.Clock.GetUtcNow().AddMinutes(30), "127.0.0.1", null);

    private static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..20];

    [Fact]
    public async Task Pay_query_close_report_the_channel_state_with_raw_codes()
    {
        var account = await DemoAccountAsync();
        var id = NewId("pay");

        var pay = await Adapter.PayAsync(account, Pay(id), CancellationToken.None);
        var pending = await Adapter.QueryPaymentAsync(account, new ChannelOrderRef(id, null), CancellationToken.None);
        var close = await Adapter.ClosePaymentAsync(account, new ChannelOrderRef(id, null), CancellationToken.None);
        var closed = await Adapter.QueryPaymentAsync(account, new ChannelOrderRef(id, null), CancellationToken.None);
        var missing = await Adapter.QueryPaymentAsync(account, new ChannelOrderRef(NewId("pay"), null), CancellationToken.None);

        pay.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        pay.Action!.Type.ShouldBe("redirect");
        pay.Result.ChannelReference.ShouldStartWith("SBX");
        pay.Result.AnsweredFor.ShouldBe(id);
        pending.Result.AnsweredFor.ShouldBe(id);
        pending.Result.Outcome.ShouldBe(ChannelOutcome.Pending);
        pending.Amount.ShouldBe(2599);
        close.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        closed.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        closed.Result.RawSubCode.ShouldBe("CLOSED");
        missing.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        missing.Result.RawCode.ShouldBe("ORDER_NOT_EXIST");
    }

    [Fact]
    public async Task Partial_refunds_never_exceed_the_paid_amount_and_withdrawals_complete()
    {
        var account = await DemoAccountAsync();
        var id = NewId("pay");
        var pay = await Adapter.PayAsync(account, Pay(id, 3000), CancellationToken.None);
        using var http = gateway.Anonymous();
        (await http.PostAsync(pay.Action!.Value + "/pay", new FormUrlEncodedContent([]))).IsSuccessStatusCode.ShouldBeTrue();
        var paid = await Adapter.QueryPaymentAsync(account, new ChannelOrderRef(id, null), CancellationToken.None);
        paid.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);

        var refundA = NewId("rfd");
        var first = await Adapter.RefundAsync(account, new ChannelRefundRequest(refundA, id, null, 1000, 3000, "CNY", "damaged"), CancellationToken.None);
        var second = await Adapter.RefundAsync(account, new ChannelRefundRequest(NewId("rfd"), id, null, 2000, 3000, "CNY", null), CancellationToken.None);
        var tooMuch = await Adapter.RefundAsync(account, new ChannelRefundRequest(NewId("rfd"), id, null, 1, 3000, "CNY", null), CancellationToken.None);
        var repeated = await Adapter.RefundAsync(account, new ChannelRefundRequest(refundA, id, null, 1000, 3000, "CNY", "damaged"), CancellationToken.None);
        var queried = await Adapter.QueryRefundAsync(account, refundA, id, CancellationToken.None);

        first.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        second.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        tooMuch.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        tooMuch.Result.RawCode.ShouldBe("REFUND_AMOUNT_EXCEEDS");
        repeated.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        repeated.Result.ChannelReference.ShouldBe(first.Result.ChannelReference);
        queried.Amount.ShouldBe(1000);

        var withdrawal = NewId("wdr");
        var payout = await Adapter.WithdrawAsync(account, new ChannelWithdrawRequest(withdrawal, 5000, "CNY", PayeeAccountType.BankAccount, "6222020200112233445", "Zhang San", "ICBC", null), CancellationToken.None);
        var payoutQuery = await Adapter.QueryWithdrawalAsync(account, withdrawal, CancellationToken.None);
        payout.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        payoutQuery.Result.Outcome.ShouldBe(ChannelOutcome.Succeeded);
        payoutQuery.Amount.ShouldBe(5000);
    }

    [Fact]
    public async Task Unverifiable_answers_are_unknown_and_a_refused_connection_is_a_definite_failure()
    {
        var real = await DemoAccountAsync();
        var wrongSecret = real with { Credentials = new Dictionary<string, string>(real.Credentials) { ["api_secret"] = "not-the-secret" } };
        var notAChannel = real with { Credentials = new Dictionary<string, string>(real.Credentials) { ["base_url"] = gateway.BaseAddress + "no-such-channel/" } };
        var closedPort = real with { Credentials = new Dictionary<string, string>(real.Credentials) { ["base_url"] = $"http://127.0.0.1:{GatewayFixture.FreePort()}/" } };

        var signError = await Adapter.PayAsync(wrongSecret, Pay(NewId("pay")), CancellationToken.None);
        var notFound = await Adapter.PayAsync(notAChannel, Pay(NewId("pay")), CancellationToken.None);
        var refused = await Adapter.PayAsync(closedPort, Pay(NewId("pay")), CancellationToken.None);

        signError.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        notFound.Result.Outcome.ShouldBe(ChannelOutcome.Unknown);
        notFound.Result.RawCode.ShouldBe("UNVERIFIED_ANSWER");
        refused.Result.Outcome.ShouldBe(ChannelOutcome.Failed);
        refused.Result.NotTakenByChannel.ShouldBeTrue();
    }

    [Fact]
    public async Task Through_the_api_an_unreachable_channel_fails_cleanly_and_an_unverifiable_one_leaves_the_order_open()
    {
        var keys = gateway.Services.GetRequiredService<SandboxKeys>();
        var down = await gateway.NewMerchantWithAccountAsync(new()
        {
            ["merchant_no"] = "SBXDOWN", ["api_secret"] = keys.SecretFor("SBXDOWN"), ["base_url"] = $"http://127.0.0.1:{GatewayFixture.FreePort()}/",
        });
        var garbled = await gateway.NewMerchantWithAccountAsync(new()
        {
            ["merchant_no"] = "SBXGARBLED", ["api_secret"] = "wrong", ["base_url"] = gateway.BaseAddress.ToString(),
        });

        using var downClient = gateway.Merchant(down.ApiKey);
        using var garbledClient = gateway.Merchant(garbled.ApiKey);
        var failed = await downClient.CreatePaymentAsync("D-" + Guid.NewGuid().ToString("N")[..10]);
        var open = await garbledClient.CreatePaymentAsync("G-" + Guid.NewGuid().ToString("N")[..10]);

        failed.Str("status").ShouldBe("failed");
        failed.GetProperty("failure").Str("code").ShouldBe("channel_unavailable");
        open.Str("status").ShouldBe("created");
        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == open.Str("id")));
        stored.LastChannelOutcome.ShouldBe("unknown");
        stored.RawCode.ShouldBe("UNVERIFIED_ANSWER");
    }
}

public sealed class SandboxAdapterSqliteTests(SqliteGateway gateway) : SandboxAdapterTests(gateway), IClassFixture<SqliteGateway>;

public sealed class SandboxAdapterPostgresTests(PostgresGateway gateway) : SandboxAdapterTests(gateway), IClassFixture<PostgresGateway>;

public abstract class FailoverTests(GatewayFixture gateway)
{
    /// <summary>
    /// A merchant with a working account at the sandbox channel and a broken one at a cheaper channel, which routing
    /// therefore tries first. Returns the merchant and the broken account's id.
    /// </summary>
    private async Task<(TestMerchant Merchant, string BrokenAccountId)> MerchantWithBrokenCheapChannelAsync(string brokenBaseUrl, bool rightSecret)
    {
        var keys = gateway.Services.GetRequiredService<SandboxKeys>();
        var merchantNo = "SBXF" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var merchant = await gateway.NewMerchantWithAccountAsync(new()
        {
            ["merchant_no"] = merchantNo, ["api_secret"] = keys.SecretFor(merchantNo), ["base_url"] = gateway.BaseAddress.ToString(),
        });
        using var admin = gateway.Admin();
        var cheap = "sbx-cheap-" + Guid.NewGuid().ToString("N")[..6];
        var channel = await admin.PostAsync("/admin/api/channels", Api.JsonBody(new
        {
            code = cheap, institution_name = "Cheap sandbox", business_type = "payment", protocol = "sandbox",
            payment_methods = new[] { "alipay_qr" }, currencies = new[] { "CNY" }, fee_rate_ppm = new Dictionary<string, int> { ["alipay_qr"] = 1000 },
            weight = 100, single_min = 1, single_max = 1_000_000, status = "online",
        }));
        channel.StatusCode.ShouldBe(HttpStatusCode.Created, await channel.Content.ReadAsStringAsync());
        var broken = await (await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = cheap, protocol = "sandbox", merchant_id = merchant.MerchantId, payment_methods = new[] { "alipay_qr" },
            credentials = new Dictionary<string, string>
            {
                ["merchant_no"] = merchantNo + "C", ["api_secret"] = rightSecret ? keys.SecretFor(merchantNo + "C") : "wrong", ["base_url"] = brokenBaseUrl,
            },
        }))).ReadJsonAsync();
        return (merchant, broken.Str("id"));
    }

    [Fact]
    public async Task A_channel_that_refuses_the_connection_falls_over_to_the_next_channel()
    {
        var (merchant, broken) = await MerchantWithBrokenCheapChannelAsync($"http://127.0.0.1:{GatewayFixture.FreePort()}/", rightSecret: true);
        using var client = gateway.Merchant(merchant.ApiKey);

        var payment = await client.CreatePaymentAsync("F-" + Guid.NewGuid().ToString("N")[..10]);

        payment.Str("status").ShouldBe("pending");
        payment.Str("channel").ShouldBe("sandbox");
        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == payment.Str("id")));
        stored.ChannelAccountId.ShouldBe(merchant.ChannelAccountId);
        var events = await gateway.WithDbAsync(db => db.PaymentEvents.Where(e => e.PaymentId == stored.Id).Select(e => e.Detail).ToListAsync());
        events.ShouldContain(d => d != null && d.StartsWith(broken) && d.Contains("CONNECTION_REFUSED"));
        (await gateway.WithDbAsync(db => db.PaymentRouting.AsNoTracking().FirstAsync(r => r.PaymentId == stored.Id))).ChosenChannel.ShouldStartWith("sbx-cheap-");
    }

    [Fact]
    public async Task An_unknown_outcome_never_falls_over_so_the_order_cannot_be_paid_twice()
    {
        var (merchant, broken) = await MerchantWithBrokenCheapChannelAsync(gateway.BaseAddress.ToString(), rightSecret: false);
        using var client = gateway.Merchant(merchant.ApiKey);

        var payment = await client.CreatePaymentAsync("U-" + Guid.NewGuid().ToString("N")[..10]);

        payment.Str("status").ShouldBe("created");
        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == payment.Str("id")));
        stored.ChannelAccountId.ShouldBe(broken);
        stored.LastChannelOutcome.ShouldBe("unknown");
        (await gateway.WithDbAsync(db => db.PaymentEvents.CountAsync(e => e.PaymentId == stored.Id && e.Kind == "failover"))).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.PaymentRouting.CountAsync(r => r.PaymentId == stored.Id))).ShouldBe(1, "an unknown outcome still stores the decision");
    }
}

public sealed class FailoverSqliteTests(SqliteGateway gateway) : FailoverTests(gateway), IClassFixture<SqliteGateway>;

public sealed class FailoverPostgresTests(PostgresGateway gateway) : FailoverTests(gateway), IClassFixture<PostgresGateway>;
