using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Sluice.Channels.Alipay;
using Sluice.Channels.WeChatPay;
using Sluice.Server.Requery;
using Sluice.Tests.Channels;

namespace Sluice.Tests.Requery;

/// <summary>When the gateway asks a channel again: per protocol, configurable, never later than the order's expiry.</summary>
public sealed class RequeryScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 8, 0, 0, TimeSpan.Zero);

    private static RequerySchedules FromConfiguration(Dictionary<string, string?> settings)
    {
        var options = new RequeryOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(RequeryOptions.Section).Bind(options);
        return new RequerySchedules(Options.Create(options), ShippedChannels.Registry);
    }

    [Fact]
    public void A_configured_schedule_replaces_the_protocols_default_and_its_last_interval_repeats()
    {
        var schedules = FromConfiguration(new()
        {
            ["Sluice:Requery:Schedules:alipay:0"] = "00:00:05",
            ["Sluice:Requery:Schedules:alipay:1"] = "00:02:00",
        });

        schedules.For("alipay").ShouldBe([TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2)]);
        schedules.After("alipay", 0).ShouldBe(TimeSpan.FromSeconds(5));
        schedules.After("alipay", 1).ShouldBe(TimeSpan.FromMinutes(2));
        schedules.After("alipay", 7).ShouldBe(TimeSpan.FromMinutes(2));
        schedules.For("wechatpay-v3").ShouldBe(new WeChatPayProfile().RequerySchedule);
    }

    [Fact]
    public void Each_protocol_has_a_default_and_unionpay_doubles_its_interval_as_acp_advises()
    {
        var schedules = FromConfiguration([]);

        foreach (var protocol in new[] { "alipay", "wechatpay-v3", "unionpay", "bank", "sandbox" })
        {
            schedules.For(protocol).ShouldNotBeEmpty();
        }

        schedules.For("unionpay").Take(6).ShouldBe(new[] { 1, 2, 4, 8, 16, 32 }.Select(m => TimeSpan.FromMinutes(m)));
        schedules.For("some-new-protocol").ShouldBe(RequerySchedules.Fallback);
    }

    [Fact]
    public void A_configured_schedule_with_a_zero_interval_is_ignored_rather_than_querying_in_a_loop()
    {
        var schedules = FromConfiguration(new() { ["Sluice:Requery:Schedules:alipay:0"] = "00:00:00" });

        schedules.For("alipay").ShouldBe(new AlipayProfile().RequerySchedule);
    }

    [Fact]
    public void The_next_look_is_never_later_than_the_orders_expiry_but_after_it_follows_the_schedule()
    {
        var schedules = FromConfiguration([]);

        schedules.NextAt("unionpay", 0, Now, Now.AddSeconds(20)).ShouldBe(Now.AddSeconds(20));
        schedules.NextAt("unionpay", 0, Now, Now.AddHours(1)).ShouldBe(Now.AddMinutes(1));
        schedules.NextAt("unionpay", 2, Now, Now.AddSeconds(-1)).ShouldBe(Now.AddMinutes(4));
    }
}
