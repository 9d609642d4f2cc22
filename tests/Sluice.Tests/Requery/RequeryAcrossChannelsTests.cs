using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels.WeChatPay;
using Sluice.Payments;
using Sluice.Server.Requery;
using Sluice.Tests.Channels;
using Sluice.Tests.Channels.Alipay;
using Sluice.Tests.Channels.UnionPay;
using Sluice.Tests.Channels.WeChatPay;
using Sluice.Tests.Infrastructure;
using static Sluice.Tests.Refunds.RefundTestKit;

namespace Sluice.Tests.Requery;

/// <summary>
/// Supplementary queries speak each channel's own query protocol: a WeChat Pay and a UnionPay payment whose notice the
/// channel lost are found paid by the worker at their protocol's first scheduled query, not before.
/// </summary>
public abstract class RequeryAcrossChannelsTests(AlipayGatewayFixture gateway, SimulatorHost simulator) : IAsyncLifetime
{
    private static readonly Uri NotifyUrl = new("http://127.0.0.1:9/webhooks");

    public ValueTask InitializeAsync()
    {
        gateway.CatchUpWithRealTime();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private static async Task<string> CreateAsync(HttpClient client, string method)
    {
        using var response = await client.PostAsync("/v1/payments", Api.JsonBody(new Dictionary<string, object?>
        {
            ["merchant_order_no"] = NewNo("RQX"), ["amount"] = 1_288, ["currency"] = "CNY", ["subject"] = "Tea set",
            ["payment_method"] = method, ["client_ip"] = "203.0.113.7",
        }), Ct);
        var payment = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, payment.ToString());
        payment.Str("status").ShouldBe("pending");
        return payment.Str("id");
    }

    /// <summary>The payer pays at the channel, the channel's notice is lost; the worker settles it at the first interval.</summary>
    private async Task LostNoticeSettledByQueryAsync(string protocol, string channel, HttpClient client, string id, Func<Task> payerPays)
    {
        await simulator.SetBehaviourAsync(channel, id, "lose_callback");
        await payerPays();
        var worker = gateway.Services.GetRequiredService<ChannelRequeryWorker>();
        var first = ShippedChannels.RequerySchedule(protocol)[0];

        gateway.Clock.Advance(first - TimeSpan.FromSeconds(1));
        await worker.RunOnceAsync(Ct);
        (await client.GetPaymentAsync(id)).Str("status").ShouldBe("pending", "nothing is asked before the protocol's schedule says so");

        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        await worker.RunOnceAsync(Ct);

        (await client.GetPaymentAsync(id)).Str("status").ShouldBe("succeeded");
        var row = await gateway.WithDbAsync(db => db.ChannelQueries.AsNoTracking().SingleAsync(q => q.OrderId == id, Ct));
        (row.Status, row.AttemptCount, row.Protocol).ShouldBe((ChannelQueryStatus.Done, 1, protocol));
        simulator.Callbacks.Attempts(id).ShouldAllBe(a => !a.Acknowledged);
        (await gateway.WithDbAsync(db => db.PaymentEvents.SingleAsync(e => e.PaymentId == id && e.ToStatus == "succeeded", Ct))).Source.ShouldBe("channel_query");
    }

    [Fact]
    public async Task A_wechat_pay_payment_whose_notice_is_lost_is_found_paid_by_its_scheduled_query()
    {
        var atChannel = await WeChatPayTestKit.RegisterAsync(simulator);
        var shop = await gateway.ChannelShopAsync(WeChatPayProfile.ProtocolName, ["wechat_native"], atChannel.Credentials, NotifyUrl);
        using var client = gateway.Merchant(shop.ApiKey);
        var id = await CreateAsync(client, "wechat_native");

        await LostNoticeSettledByQueryAsync(WeChatPayProfile.ProtocolName, WeChatPayTestKit.ChannelName, client, id, async () =>
        {
            using var sim = simulator.Client();
            (await sim.PostAsync($"control/wechatpay/orders/{id}/pay", null, Ct)).StatusCode.ShouldBe(HttpStatusCode.OK);
        });
    }

    [Fact]
    public async Task A_unionpay_payment_whose_back_notice_is_lost_is_found_paid_by_its_scheduled_query()
    {
        var shop = await gateway.ChannelShopAsync("unionpay", ["unionpay_qr"], await simulator.NewMerchantCredentialsAsync(), NotifyUrl);
        using var client = gateway.Merchant(shop.ApiKey);
        var id = await CreateAsync(client, "unionpay_qr");

        await LostNoticeSettledByQueryAsync("unionpay", "unionpay", client, id, () => simulator.PayAsync(id));
    }
}

public sealed class RequeryAcrossChannelsSqliteTests(AlipaySqliteGateway gateway, SimulatorHost simulator)
    : RequeryAcrossChannelsTests(gateway, simulator), IClassFixture<AlipaySqliteGateway>, IClassFixture<SimulatorHost>;

public sealed class RequeryAcrossChannelsPostgresTests(AlipayPostgresGateway gateway, SimulatorHost simulator)
    : RequeryAcrossChannelsTests(gateway, simulator), IClassFixture<AlipayPostgresGateway>, IClassFixture<SimulatorHost>;
