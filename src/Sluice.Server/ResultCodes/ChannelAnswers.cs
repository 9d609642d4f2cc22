using Sluice.Channels;

namespace Sluice.Server.ResultCodes;

/// <summary>How every flow (payments, refunds, withdrawals) writes a channel's answer and a failure onto its order.</summary>
public static class ChannelAnswers
{
    /// <summary>The channel's raw codes (operators only) and what they resolved to; the raw message is cut at 1024 characters.</summary>
    public static void RecordAnswer(this ChannelOrder order, ChannelResult result, ResultResolution resolution)
    {
        order.LastChannelOutcome = OutcomeName(resolution.Effect);
        order.ResultCode = resolution.UnifiedCode;
        order.RawCode = result.RawCode;
        order.RawSubCode = result.RawSubCode;
        order.RawMessage = Truncate(result.RawMessage, 1024);
    }

    /// <summary>A failed order carries the unified code and both messages; merchants never see the raw codes.</summary>
    public static void RecordFailure(this ChannelOrder order, ResultResolution resolution)
    {
        order.FailureCode = resolution.UnifiedCode;
        order.FailureMessage = resolution.MessageEn;
        order.FailureMessageZh = resolution.MessageZh;
    }

    public static string OutcomeName(ChannelOutcome outcome) => outcome.ToString().ToLowerInvariant();

    public static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}
