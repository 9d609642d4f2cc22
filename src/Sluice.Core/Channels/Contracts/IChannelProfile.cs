using System.Collections.Frozen;

namespace Sluice.Channels.Contracts;

/// <summary>
/// Everything the gateway knows about a channel apart from how it speaks: one class beside each adapter, registered
/// with it (<c>services.AddChannel&lt;TAdapter, TProfile&gt;()</c>). The catalog's protocol list, the re-query schedules,
/// the refund overdue timeouts, the result-code defaults and the notify answer are all read from the registered profiles.
/// </summary>
public interface IChannelProfile
{
    /// <summary>The protocol name channels and channel accounts are stored with, for example <c>sandbox</c>, <c>alipay</c>, <c>wechatpay-v3</c>.</summary>
    string Protocol { get; }

    /// <summary>
    /// The flows the adapter serves, in groups of its flow interfaces (<see cref="ChannelFlowGroups"/>): the registry
    /// refuses an adapter whose interfaces do not serve exactly these flows. Any other flow is refused with
    /// <see cref="ChannelFlowNotSupportedException"/>, never stubbed.
    /// </summary>
    IReadOnlySet<ChannelFlow> Flows { get; }

    /// <summary>What channels of this protocol are for: <see cref="ChannelBusinessType.Payment"/> and/or <see cref="ChannelBusinessType.Withdrawal"/>.</summary>
    IReadOnlySet<ChannelBusinessType> BusinessTypes { get; }

    /// <summary>The credentials a channel account of this protocol holds (names as in <see cref="ChannelAccountContext.Credentials"/>).</summary>
    IReadOnlyList<ChannelCredentialField> Credentials { get; }

    /// <summary>
    /// The channel's documented result codes mapped to unified codes and order effects, for every raw code/sub-code the
    /// adapter can put in a <see cref="ChannelResult"/> (success states included). Operators may override them.
    /// </summary>
    IReadOnlyList<ResultCodeRule> ResultCodes { get; }

    /// <summary>
    /// The default intervals between supplementary queries of an unsettled order; the last one repeats.
    /// <c>Sluice:Requery:Schedules:{protocol}</c> overrides it.
    /// </summary>
    IReadOnlyList<TimeSpan> RequerySchedule { get; }

    /// <summary>
    /// How long a refund may take at this channel before it is flagged overdue; null (no refunds) keeps the gateway's
    /// default. <c>Sluice:Refunds:ProtocolTimeouts:{protocol}</c> overrides it.
    /// </summary>
    TimeSpan? RefundOverdueTimeout { get; }

    /// <summary>The answers the channel expects to its notices; null only for a channel that sends none.</summary>
    NotifyAcknowledgement? Acknowledgement { get; }

    /// <summary>
    /// Whether the channel gives its fee back in proportion when a payment is (partly) refunded (Alipay and WeChat Pay
    /// do): the ledger posts the returned share against the channel fee expense.
    /// </summary>
    bool ReturnsFeeOnRefund => false;
}

/// <summary>One credential of a channel account: its name, whether an account needs it, and whether it is a secret.</summary>
/// <param name="Name">The key in the account's credentials, e.g. <c>app_id</c>.</param>
/// <param name="Required">Every account needs it; an optional one may still be needed in a mode the description names.</param>
/// <param name="Secret">A private key, shared secret or token: never shown, logged or sent anywhere but to the channel.</param>
/// <param name="Description">What it is, for operators.</param>
public sealed record ChannelCredentialField(string Name, bool Required, bool Secret, string Description);

/// <summary>The HTTP answers a channel expects to a notice: one when the gateway took it, one that makes the channel send it again.</summary>
public sealed record NotifyAcknowledgement(ChannelCallbackAnswer Accepted, ChannelCallbackAnswer Refused)
{
    public ChannelCallbackAnswer Answer(bool accepted) => accepted ? Accepted : Refused;
}

/// <summary>The flows each flow interface serves, to build a profile's <see cref="IChannelProfile.Flows"/> from.</summary>
public static class ChannelFlowGroups
{
    public static readonly IReadOnlySet<ChannelFlow> Payments = Set([ChannelFlow.Pay, ChannelFlow.Query, ChannelFlow.Close]);

    public static readonly IReadOnlySet<ChannelFlow> Refunds = Set([ChannelFlow.Refund, ChannelFlow.RefundQuery]);

    public static readonly IReadOnlySet<ChannelFlow> Payouts = Set([ChannelFlow.Withdraw, ChannelFlow.WithdrawQuery]);

    public static readonly IReadOnlySet<ChannelFlow> Callbacks = Set([ChannelFlow.Notify]);

    /// <summary>The union of some groups, e.g. <c>ChannelFlowGroups.Of(Payments, Refunds, Callbacks)</c>.</summary>
    public static IReadOnlySet<ChannelFlow> Of(params IEnumerable<IReadOnlySet<ChannelFlow>> groups) => Set(groups.SelectMany(g => g));

    private static FrozenSet<ChannelFlow> Set(IEnumerable<ChannelFlow> flows) => flows.ToFrozenSet();
}
