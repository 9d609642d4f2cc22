using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Channels.BankPayout;
using Sluice.Channels.UnionPay;
using Sluice.Tests.Channels.TestChannel;

namespace Sluice.Tests.Channels;

/// <summary>The channel registry: profiles and adapters must agree, and a flow a channel does not offer is refused, never stubbed.</summary>
public sealed class ChannelRegistryTests
{
    private static readonly ChannelAdapterRegistry Shipped = ShippedChannels.Registry;

    [Fact]
    public void The_shipped_channels_offer_their_flows_and_the_bank_only_pays_out_and_unionpay_never_does()
    {
        Shipped.Protocols.ShouldBe(["sandbox", "alipay", "wechatpay-v3", "unionpay", "bank"]);
        foreach (var protocol in new[] { "sandbox", "alipay", "wechatpay-v3" })
        {
            Enum.GetValues<ChannelFlow>().ShouldAllBe(flow => Shipped.Supports(protocol, flow));
        }

        Shipped.Profile(BankPayoutProfile.ProtocolName).Flows.Order().ShouldBe([ChannelFlow.Withdraw, ChannelFlow.WithdrawQuery, ChannelFlow.Notify]);
        Shipped.Supports(UnionPayProfile.ProtocolName, ChannelFlow.Withdraw).ShouldBeFalse();
        Shipped.Supports(UnionPayProfile.ProtocolName, ChannelFlow.Refund).ShouldBeTrue();
        Shipped.Supports("no-such-protocol", ChannelFlow.Pay).ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => Shipped.Payments("no-such-protocol")).ShouldNotBeOfType<ChannelFlowNotSupportedException>();
        Shipped.Payouts(BankPayoutProfile.ProtocolName).ShouldBeOfType<BankPayoutChannelAdapter>();
    }

    [Fact]
    public void A_refused_flow_is_a_definite_failure_the_channel_never_took_and_its_code_has_a_rule_in_every_protocol()
    {
        var refused = Should.Throw<ChannelFlowNotSupportedException>(() => Shipped.Refunds(BankPayoutProfile.ProtocolName));
        var registry = Registry(new RegisteredChannel(new TestPayProfile(), new TestPayChannelAdapter(TimeProvider.System)));

        (refused.Protocol, refused.Flow).ShouldBe(("bank", ChannelFlow.Refund));
        (refused.Result.Outcome, refused.Result.RawCode, refused.Result.NotTakenByChannel).ShouldBe((ChannelOutcome.Failed, "UNSUPPORTED_FLOW", true));
        foreach (var protocol in Shipped.Protocols)
        {
            var rules = new ResultCodeTable(Shipped.ResultCodes(protocol));
            foreach (var flow in Enum.GetValues<ChannelFlow>().Where(f => f != ChannelFlow.Notify && !Shipped.Supports(protocol, f)))
            {
                rules.Lookup(flow, ChannelFlowNotSupportedException.RawCode, null).ShouldNotBeNull($"{protocol} {flow}").UnifiedCode.ShouldBe("flow_not_supported");
            }
        }

        Shipped.ResultCodes(BankPayoutProfile.ProtocolName).Count.ShouldBe(new BankPayoutProfile().ResultCodes.Count, "the bank's own rules name its refusals");
        var added = registry.ResultCodes(TestPayProfile.ProtocolName).Except(new TestPayProfile().ResultCodes).ToList();
        added.Select(r => (r.Flow, r.RawCode, r.UnifiedCode, r.Effect))
            .ShouldBe([(ChannelFlow.Withdraw, "UNSUPPORTED_FLOW", "flow_not_supported", ChannelOutcome.Failed), (ChannelFlow.WithdrawQuery, "UNSUPPORTED_FLOW", "flow_not_supported", ChannelOutcome.Failed)]);
    }

    [Fact]
    public void A_profile_and_an_adapter_that_disagree_and_a_protocol_registered_twice_are_refused_at_start()
    {
        var adapter = new TestPayChannelAdapter(TimeProvider.System);
        var claimsPayouts = new Claiming(new TestPayProfile(), ChannelFlowGroups.Of(ChannelFlowGroups.Payments, ChannelFlowGroups.Refunds, ChannelFlowGroups.Payouts, ChannelFlowGroups.Callbacks));
        var claimsNoRefunds = new Claiming(new TestPayProfile(), ChannelFlowGroups.Of(ChannelFlowGroups.Payments, ChannelFlowGroups.Callbacks));

        Should.Throw<InvalidOperationException>(() => Registry(new RegisteredChannel(claimsPayouts, adapter)))
            .Message.ShouldBe("Channel 'testpay': its profile lists the flows [pay, query, close, refund, refund_query, withdraw, withdraw_query, notify] "
                + "but TestPayChannelAdapter serves [pay, query, close, refund, refund_query, notify].");
        Should.Throw<InvalidOperationException>(() => Registry(new RegisteredChannel(claimsNoRefunds, adapter))).Message.ShouldContain("serves [pay, query, close, refund, refund_query, notify]");
        Should.Throw<InvalidOperationException>(() => Registry(new RegisteredChannel(new TestPayProfile(), adapter), new RegisteredChannel(new TestPayProfile(), adapter)))
            .Message.ShouldBe("Protocol 'testpay' is registered twice.");
    }

    [Fact]
    public void One_registration_line_adds_a_channel_beside_the_shipped_ones()
    {
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddChannelAdapters().AddChannel<TestPayChannelAdapter, TestPayProfile>();
        var registry = services.BuildServiceProvider().GetRequiredService<ChannelAdapterRegistry>();

        registry.Protocols.ShouldBe(["sandbox", "alipay", "wechatpay-v3", "unionpay", "bank", "testpay"]);
        registry.Callbacks(TestPayProfile.ProtocolName).ShouldBeOfType<TestPayChannelAdapter>();
        registry.Profile(TestPayProfile.ProtocolName).RequerySchedule.ShouldBe([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(11)]);
    }

    [Fact]
    public void Every_profile_names_its_credentials_once_keeps_keys_secret_and_answers_notices()
    {
        foreach (var profile in Shipped.Channels.Select(c => c.Profile).Append(new TestPayProfile()))
        {
            profile.Credentials.Select(c => c.Name).ShouldBeUnique(profile.Protocol);
            profile.Credentials.ShouldContain(c => c.Required, profile.Protocol);
            profile.Credentials.Where(c => c.Name.Contains("private_key") || c.Name.Contains("secret") || c.Name.Contains("signing_key") || c.Name == "api_v3_key")
                .ShouldAllBe(c => c.Secret);
            profile.Credentials.Where(c => c.Name.EndsWith("_url") || c.Name.EndsWith("_id") || c.Name.Contains("public_key")).ShouldAllBe(c => !c.Secret);
            profile.Acknowledgement.ShouldNotBeNull(profile.Protocol).Accepted.StatusCode.ShouldBeLessThan(300);
            profile.Acknowledgement.Refused.StatusCode.ShouldBeInRange(400, 499, "a refused notice is the sender's 4xx (the channel sends it again); a 5xx means the gateway is broken");
        }
    }

    private static ChannelAdapterRegistry Registry(params RegisteredChannel[] channels) => new(channels);

    /// <summary>A profile that claims other flows than its channel's adapter serves.</summary>
    private sealed class Claiming(IChannelProfile inner, IReadOnlySet<ChannelFlow> flows) : IChannelProfile
    {
        public string Protocol => inner.Protocol;

        public IReadOnlySet<ChannelFlow> Flows => flows;

        public IReadOnlySet<ChannelBusinessType> BusinessTypes => inner.BusinessTypes;

        public IReadOnlyList<ChannelCredentialField> Credentials => inner.Credentials;

        public IReadOnlyList<ResultCodeRule> ResultCodes => inner.ResultCodes;

        public IReadOnlyList<TimeSpan> RequerySchedule => inner.RequerySchedule;

        public TimeSpan? RefundOverdueTimeout => inner.RefundOverdueTimeout;

        public NotifyAcknowledgement? Acknowledgement => inner.Acknowledgement;
    }
}
