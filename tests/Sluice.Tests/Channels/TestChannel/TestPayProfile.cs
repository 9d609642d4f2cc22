using Sluice.Channels;

namespace Sluice.Tests.Channels.TestChannel;

/// <summary>
/// The profile of <c>testpay</c>, a channel that exists only in the test project: payments, refunds and signed notices,
/// no payouts. Its values differ from every shipped channel's, so a test can tell they came from here.
/// </summary>
public sealed class TestPayProfile : IChannelProfile
{
    public const string ProtocolName = "testpay";

    /// <summary>What the channel answers a notice it took and one it did not (it then sends the notice again).</summary>
    public const string Accepted = "ACK";

    public const string Refused = "NACK";

    public string Protocol => ProtocolName;

    public IReadOnlySet<ChannelFlow> Flows { get; } = ChannelFlowGroups.Of(ChannelFlowGroups.Payments, ChannelFlowGroups.Refunds, ChannelFlowGroups.Callbacks);

    public IReadOnlySet<ChannelBusinessType> BusinessTypes { get; } = new HashSet<ChannelBusinessType> { ChannelBusinessType.Payment };

    public IReadOnlyList<ChannelCredentialField> Credentials { get; } =
    [
        new(TestPayProtocol.MerchantIdField, Required: true, Secret: false, "The merchant's id at testpay."),
        new(TestPayProtocol.SigningKeyField, Required: true, Secret: true, "The HMAC key testpay signs its notices with."),
    ];

    public IReadOnlyList<ResultCodeRule> ResultCodes => TestPayResultCodes.Rules;

    public IReadOnlyList<TimeSpan> RequerySchedule { get; } = [TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(11)];

    public TimeSpan? RefundOverdueTimeout => TimeSpan.FromHours(5);

    public NotifyAcknowledgement? Acknowledgement { get; } = new(new(200, "text/plain", Accepted), new(400, "text/plain", Refused));
}
