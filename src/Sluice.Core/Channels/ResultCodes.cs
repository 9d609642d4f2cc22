namespace Sluice.Channels;

/// <summary>The flow an upstream answer belongs to: the same raw code can mean different things in different flows.</summary>
public enum ChannelFlow
{
    Pay,
    Query,
    Close,
    Refund,
    RefundQuery,
    Withdraw,
    WithdrawQuery,
    Notify,
}

/// <summary>
/// One row of a channel's result-code map: a raw code (and optional sub-code) in a flow (null: any flow) means this
/// unified code, these messages for payers and merchants, this effect on the order, and whether retrying may help.
/// Adapters ship defaults for their channel's documented codes; operators override them through the admin API.
/// A raw code with no row is never guessed at: the answer's outcome becomes unknown and the order is re-queried.
/// </summary>
public sealed record ResultCodeRule(
    ChannelFlow? Flow,
    string RawCode,
    string? RawSubCode,
    string UnifiedCode,
    ChannelOutcome Effect,
    bool Retryable,
    string MessageEn,
    string MessageZh);
