using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Refunds;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Refunds;
using Sluice.Tests.Requery;
using Sluice.Tests.Withdrawals;
using static Sluice.Tests.Channels.TestChannel.TestPayProtocol;

namespace Sluice.Tests.Channels.TestChannel;

/// <summary>A gateway with one more channel than Sluice ships, added the way a newcomer adds one: one registration line.</summary>
public abstract class TestChannelGateway : GatewayFixture
{
    protected override void ConfigureServices(IServiceCollection services) => services.AddChannel<TestPayChannelAdapter, TestPayProfile>();

    public TestPayUpstream Upstream => Services.GetRequiredService<TestPayChannelAdapter>().Upstream;
}

public sealed class SqliteTestChannelGateway : TestChannelGateway
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;
}

public sealed class PostgresTestChannelGateway : TestChannelGateway
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;
}

/// <summary>
/// The test-only channel <c>testpay</c> works end to end with no edit outside its folder and its registration line: the
/// admin API takes its protocol, routing picks it, its signed notice settles a payment, its profile's re-query schedule
/// and refund timeout are the ones in force, and a flow it does not offer is refused.
/// </summary>
public abstract class TestChannelTests(TestChannelGateway gateway)
{
    private const string Method = "testpay_qr";
    private const string SigningKey = "testpay-signing-key-of-this-suite";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TestPayProfile Profile = new();

    private sealed record Shop(string MerchantId, HttpClient Client, string ChannelCode, string AccountId);

    /// <summary>A payment method of its own, a testpay payment channel and a merchant's account there, all through the admin API.</summary>
    private async Task<Shop> ShopAsync()
    {
        using (var admin = gateway.Admin())
        {
            var method = await admin.PostAsync("/admin/api/payment-methods", Api.JsonBody(new { code = Method, name = "testpay QR", kind = "payment" }), Ct);
            method.StatusCode.ShouldBeOneOf(HttpStatusCode.Created, HttpStatusCode.Conflict);
        }

        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(new Uri("http://127.0.0.1:9/webhooks"));
        var (channelCode, accountId) = await gateway.ChannelWithAccountAsync(merchantId, "payment", TestPayProfile.ProtocolName, [Method], Credentials(merchantId));
        return new Shop(merchantId, gateway.Merchant(apiKey), channelCode, accountId);
    }

    private static Dictionary<string, string> Credentials(string merchantId) => new() { [MerchantIdField] = "TP" + merchantId, [SigningKeyField] = SigningKey };

    private static async Task<JsonElement> PayAsync(HttpClient client)
    {
        var response = await client.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("TP-" + Guid.NewGuid().ToString("N")[..12], method: Method)), Ct);
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        return body;
    }

    /// <summary>What testpay sends to the gateway: its notice about an order, signed with <paramref name="key"/>.</summary>
    private async Task<(HttpStatusCode Status, string Body)> NotifyAsync(string accountId, Notice notice, string key = SigningKey)
    {
        var (body, signature) = Signed(key, notice, gateway.Clock.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/notify/{accountId}") { Content = new ByteArrayContent(body) };
        request.Headers.Add(SignatureHeader, signature);
        using var http = gateway.Anonymous();
        using var response = await http.SendAsync(request, Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private Task<PaymentOrder> StoredAsync(string id) => gateway.WithDbAsync(db => db.Payments.AsNoTracking().SingleAsync(p => p.Id == id, Ct));

    [Fact]
    public async Task The_admin_api_takes_its_protocol_routing_picks_it_and_its_signed_notice_settles_the_payment()
    {
        var shop = await ShopAsync();
        using var _ = shop.Client;

        var payment = await PayAsync(shop.Client);
        var id = payment.Str("id");
        var stored = await StoredAsync(id);
        var forged = await NotifyAsync(shop.AccountId, gateway.Upstream.Complete(Kinds.Payment, id, Paid, gateway.Clock.GetUtcNow()), key: "not-the-key");
        var stillPending = (await shop.Client.GetPaymentAsync(id)).Str("status");
        var genuine = await NotifyAsync(shop.AccountId, gateway.Upstream.Complete(Kinds.Payment, id, Paid, gateway.Clock.GetUtcNow()));

        payment.Str("status").ShouldBe("pending");
        payment.GetProperty("pay_action").Str("type").ShouldBe("qr_code");
        payment.GetProperty("pay_action").Str("value").ShouldBe($"testpay://TP{shop.MerchantId}/{id}");
        (stored.ChannelCode, stored.ChannelAccountId).ShouldBe((shop.ChannelCode, shop.AccountId));
        forged.ShouldBe((HttpStatusCode.BadRequest, TestPayProfile.Refused));
        stillPending.ShouldBe("pending");
        genuine.ShouldBe((HttpStatusCode.OK, TestPayProfile.Accepted));
        (await shop.Client.GetPaymentAsync(id)).Str("status").ShouldBe("succeeded");
        (await StoredAsync(id)).ChannelTradeNo.ShouldBe("TP-" + id);
    }

    [Fact]
    public async Task A_payment_whose_notice_is_lost_is_queried_on_its_profiles_schedule()
    {
        var shop = await ShopAsync();
        using var _ = shop.Client;
        var id = (await PayAsync(shop.Client)).Str("id");
        var worker = gateway.RequeryWorker();

        var scheduled = await gateway.QueryRowAsync(ChannelQueryKind.Payment, id);
        gateway.Clock.Advance(Profile.RequerySchedule[0]);
        var firstAt = gateway.Clock.GetUtcNow();
        await worker.DrainAsync();
        var afterFirst = await gateway.QueryRowAsync(ChannelQueryKind.Payment, id);
        var statusAfterFirst = (await StoredAsync(id)).Status;
        gateway.Upstream.Complete(Kinds.Payment, id, Paid, gateway.Clock.GetUtcNow());
        gateway.Clock.Advance(Profile.RequerySchedule[1] - TimeSpan.FromSeconds(1));
        await worker.DrainAsync();
        var statusBeforeSecond = (await StoredAsync(id)).Status;
        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        await worker.DrainAsync();

        scheduled.NextQueryAt.ShouldBe(scheduled.CreatedAt + Profile.RequerySchedule[0], TimeSpan.FromMilliseconds(1));
        statusAfterFirst.ShouldBe(PaymentStatus.Pending, "testpay still waits for the payer");
        afterFirst.AttemptCount.ShouldBe(1);
        afterFirst.NextQueryAt.ShouldBe(firstAt + Profile.RequerySchedule[1], TimeSpan.FromMilliseconds(1));
        statusBeforeSecond.ShouldBe(PaymentStatus.Pending, "nothing is asked before the profile's second interval");
        (await StoredAsync(id)).Status.ShouldBe(PaymentStatus.Succeeded);
    }

    [Fact]
    public async Task A_refund_is_flagged_overdue_after_its_profiles_timeout_not_the_gateways_default()
    {
        var shop = await ShopAsync();
        using var _ = shop.Client;
        var paymentId = (await PayAsync(shop.Client)).Str("id");
        (await NotifyAsync(shop.AccountId, gateway.Upstream.Complete(Kinds.Payment, paymentId, Paid, gateway.Clock.GetUtcNow()))).Status.ShouldBe(HttpStatusCode.OK);
        var refund = await shop.Client.RefundAsync(paymentId, 1_000);
        var scanner = gateway.Services.GetRequiredService<RefundOverdueScanner>();
        async Task<bool> OverdueAsync() => (await gateway.StoredRefundsAsync(paymentId)).Single().OverdueAt is not null;

        gateway.Clock.Advance(Profile.RefundOverdueTimeout!.Value - TimeSpan.FromMinutes(1));
        await scanner.RunOnceAsync(Ct);
        var overdueEarly = await OverdueAsync();
        gateway.Clock.Advance(TimeSpan.FromMinutes(2));
        await scanner.RunOnceAsync(Ct);

        refund.Str("status").ShouldBe("pending");
        Profile.RefundOverdueTimeout.Value.ShouldBeLessThan(gateway.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RefundOptions>>().Value.DefaultTimeout);
        overdueEarly.ShouldBeFalse();
        (await OverdueAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task A_payout_it_does_not_offer_is_refused_with_flow_not_supported()
    {
        var registry = gateway.Services.GetRequiredService<ChannelAdapterRegistry>();
        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(new Uri("http://127.0.0.1:9/webhooks"));
        var (channelCode, _) = await gateway.WithdrawalChannelAsync(merchantId, TestPayProfile.ProtocolName, "withdraw_bank_account", Credentials(merchantId));
        using var merchant = gateway.Merchant(apiKey);

        var refused = Should.Throw<ChannelFlowNotSupportedException>(() => registry.Payouts(TestPayProfile.ProtocolName));
        var id = (await merchant.CreateWithdrawalAsync()).Str("id");
        await merchant.StatusBecomesAsync(id, "failed");
        var withdrawal = await merchant.GetWithdrawalAsync(id);

        registry.Protocols.ShouldContain(TestPayProfile.ProtocolName);
        registry.Supports(TestPayProfile.ProtocolName, ChannelFlow.Pay).ShouldBeTrue();
        registry.Supports(TestPayProfile.ProtocolName, ChannelFlow.Withdraw).ShouldBeFalse();
        refused.Message.ShouldBe("Protocol 'testpay' does not support the withdraw flow.");
        withdrawal.Str("channel").ShouldBe(channelCode);
        withdrawal.GetProperty("failure").Str("code").ShouldBe("flow_not_supported");
    }
}

public sealed class TestChannelSqliteTests(SqliteTestChannelGateway gateway) : TestChannelTests(gateway), IClassFixture<SqliteTestChannelGateway>;

public sealed class TestChannelPostgresTests(PostgresTestChannelGateway gateway) : TestChannelTests(gateway), IClassFixture<PostgresTestChannelGateway>;
