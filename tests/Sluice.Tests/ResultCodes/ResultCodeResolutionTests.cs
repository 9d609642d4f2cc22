using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Server.ResultCodes;
using Sluice.Tests.Channels;

namespace Sluice.Tests.ResultCodes;

/// <summary>The lookup order of the result-code map, and an override's precedence over a default at each step.</summary>
public sealed class ResultCodeResolutionTests
{
    private static ResultCodeRule Rule(ChannelFlow? flow, string code, string? sub, string unified, ChannelOutcome effect = ChannelOutcome.Failed) =>
        new(flow, code, sub, unified, effect, false, unified + " (en)", unified + " (zh)");

    private static readonly ResultCodeTable Defaults = new(
    [
        Rule(ChannelFlow.Pay, "DECLINED", "CARD_LOST", "pay_code_sub"),
        Rule(ChannelFlow.Pay, "DECLINED", null, "pay_code"),
        Rule(null, "DECLINED", "CARD_LOST", "any_code_sub"),
        Rule(null, "DECLINED", null, "any_code"),
        Rule(null, "SUCCESS", "PAID", "succeeded", ChannelOutcome.Succeeded),
    ]);

    private static string Resolve(ChannelFlow flow, string? code, string? sub, ResultCodeTable? overrides = null) =>
        ResultCodeMap.Resolve(overrides ?? ResultCodeTable.Empty, Defaults, flow, code, sub).UnifiedCode;

    [Fact]
    public void The_most_specific_rule_wins_flow_and_sub_code_first_then_flow_then_sub_code_then_code_alone()
    {
        Resolve(ChannelFlow.Pay, "DECLINED", "CARD_LOST").ShouldBe("pay_code_sub");
        Resolve(ChannelFlow.Pay, "DECLINED", "OTHER").ShouldBe("pay_code");
        Resolve(ChannelFlow.Pay, "DECLINED", null).ShouldBe("pay_code");
        Resolve(ChannelFlow.Query, "DECLINED", "CARD_LOST").ShouldBe("any_code_sub");
        Resolve(ChannelFlow.Query, "DECLINED", "OTHER").ShouldBe("any_code");
        Resolve(ChannelFlow.Notify, "DECLINED", null).ShouldBe("any_code");
    }

    [Fact]
    public void An_override_beats_the_default_of_its_own_step_but_not_a_more_specific_default()
    {
        var overrides = new ResultCodeTable([Rule(ChannelFlow.Pay, "DECLINED", null, "operator_pay"), Rule(null, "DECLINED", null, "operator_any")]);

        var sameStep = ResultCodeMap.Resolve(overrides, Defaults, ChannelFlow.Pay, "DECLINED", "OTHER");
        sameStep.UnifiedCode.ShouldBe("operator_pay");
        sameStep.Source.ShouldBe(ResultCodeSource.Override);
        sameStep.MessageZh.ShouldBe("operator_pay (zh)");

        // (pay, DECLINED, CARD_LOST) is a more specific step than the override (pay, DECLINED, any): the default holds.
        var specific = ResultCodeMap.Resolve(overrides, Defaults, ChannelFlow.Pay, "DECLINED", "CARD_LOST");
        specific.UnifiedCode.ShouldBe("pay_code_sub");
        specific.Source.ShouldBe(ResultCodeSource.Default);

        Resolve(ChannelFlow.Query, "DECLINED", "OTHER", overrides).ShouldBe("operator_any");
        Resolve(ChannelFlow.Query, "DECLINED", "CARD_LOST", overrides).ShouldBe("any_code_sub");
    }

    [Fact]
    public void A_code_no_rule_maps_is_unknown_and_marked_unmapped_never_failed()
    {
        foreach (var (code, sub) in new (string?, string?)[] { ("NEVER_SEEN", null), ("SUCCESS", "STRANGE_STATE"), (null, null), ("", "PAID") })
        {
            var resolution = ResultCodeMap.Resolve(ResultCodeTable.Empty, Defaults, ChannelFlow.Pay, code, sub);
            resolution.Mapped.ShouldBeFalse();
            resolution.Effect.ShouldBe(ChannelOutcome.Unknown);
            resolution.UnifiedCode.ShouldBe("channel_result_unknown");
            resolution.Source.ShouldBeNull();
        }

        ResultCodeMap.Resolve(ResultCodeTable.Empty, Defaults, ChannelFlow.Notify, "SUCCESS", "PAID").Effect.ShouldBe(ChannelOutcome.Succeeded);
    }

    [Fact]
    public void The_sandbox_defaults_map_every_answer_the_adapter_produces_to_the_outcome_it_reports()
    {
        var defaults = new ResultCodeTable([.. Sluice.Channels.Sandbox.SandboxResultCodes.Rules, .. ChannelTransport.Rules]);
        (ChannelFlow Flow, string Code, string? Sub, ChannelOutcome Effect)[] answers =
        [
            (ChannelFlow.Pay, "SUCCESS", "WAIT_PAY", ChannelOutcome.Pending),
            (ChannelFlow.Pay, "SYSTEM_BUSY", null, ChannelOutcome.Failed),
            (ChannelFlow.Pay, "DUPLICATE_ORDER", null, ChannelOutcome.Unknown),
            (ChannelFlow.Pay, "PAYMENT_DECLINED", null, ChannelOutcome.Failed),
            (ChannelFlow.Pay, ChannelTransport.ConnectionRefused, null, ChannelOutcome.Failed),
            (ChannelFlow.Pay, ChannelTransport.Timeout, null, ChannelOutcome.Unknown),
            (ChannelFlow.Query, "SUCCESS", "SUCCESS", ChannelOutcome.Succeeded),
            (ChannelFlow.Query, "SUCCESS", "CLOSED", ChannelOutcome.Failed),
            (ChannelFlow.Query, "SYSTEM_BUSY", null, ChannelOutcome.Unknown),
            (ChannelFlow.Notify, "SUCCESS", "FAILED", ChannelOutcome.Failed),
            (ChannelFlow.Close, "SUCCESS", "CLOSED", ChannelOutcome.Succeeded),
            (ChannelFlow.Close, "ORDER_PAID", "SUCCESS", ChannelOutcome.Failed),
            (ChannelFlow.Close, "SYSTEM_BUSY", null, ChannelOutcome.Unknown),
        ];

        foreach (var (flow, code, sub, effect) in answers)
        {
            var resolution = ResultCodeMap.Resolve(ResultCodeTable.Empty, defaults, flow, code, sub);
            resolution.Mapped.ShouldBeTrue($"{flow} {code}/{sub}");
            resolution.Effect.ShouldBe(effect, $"{flow} {code}/{sub}");
        }
    }
}

/// <summary>What every adapter ships: rules merchants can rely on.</summary>
public sealed class AdapterResultCodeTests
{
    public static TheoryData<string> Protocols()
    {
        var data = new TheoryData<string>();
        foreach (var protocol in ShippedChannels.Registry.Protocols)
        {
            data.Add(protocol);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Every_default_rule_uses_a_unified_code_of_the_vocabulary_with_messages_in_english_and_chinese(string protocol)
    {
        var rules = ShippedChannels.Registry.ResultCodes(protocol);

        rules.Count.ShouldBeGreaterThan(ChannelTransport.Rules.Count);
        foreach (var rule in rules)
        {
            Sluice.Errors.UnifiedResultCodes.IsKnown(rule.UnifiedCode).ShouldBeTrue($"{protocol} maps {rule.RawCode}/{rule.RawSubCode} to '{rule.UnifiedCode}', which is not a unified result code");
            rule.MessageEn.ShouldNotBeNullOrWhiteSpace();
            rule.MessageZh.ShouldNotBeNullOrWhiteSpace();
            rule.MessageZh.Any(c => c >= '\u4e00' && c <= '\u9fff').ShouldBeTrue($"{protocol} {rule.RawCode}: the zh-CN message has no Chinese");
        }

        foreach (var transport in ChannelTransport.Rules)
        {
            rules.ShouldContain(r => r.RawCode == transport.RawCode, $"{protocol} lacks the transport rule {transport.RawCode}");
        }
    }
}
