using Sluice.Channels.Contracts;

namespace Sluice.Channels.Sandbox;

/// <summary>The built-in sandbox channel: every flow, answered at once by the gateway's own sandbox server side.</summary>
public sealed class SandboxProfile : IChannelProfile
{
    public const string ProtocolName = "sandbox";

    public string Protocol => ProtocolName;

    public IReadOnlySet<ChannelFlow> Flows { get; } =
        ChannelFlowGroups.Of(ChannelFlowGroups.Payments, ChannelFlowGroups.Refunds, ChannelFlowGroups.Payouts, ChannelFlowGroups.Callbacks);

    public IReadOnlySet<ChannelBusinessType> BusinessTypes { get; } = new HashSet<ChannelBusinessType> { ChannelBusinessType.Payment, ChannelBusinessType.Withdrawal };

    public IReadOnlyList<ChannelCredentialField> Credentials { get; } =
    [
        new("merchant_no", Required: true, Secret: false, "The sandbox merchant number."),
        new("api_secret", Required: true, Secret: true, "The HMAC key of requests, answers and notices."),
        new("base_url", Required: true, Secret: false, "Where the sandbox API is served, e.g. the gateway's own base URL."),
    ];

    public IReadOnlyList<ResultCodeRule> ResultCodes => SandboxResultCodes.Rules;

    /// <summary>The sandbox answers at once.</summary>
    public IReadOnlyList<TimeSpan> RequerySchedule { get; } =
        [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1)];

    public TimeSpan? RefundOverdueTimeout => TimeSpan.FromHours(1);

    /// <summary>The channel returns its fee in proportion on a refund.</summary>
    public bool ReturnsFeeOnRefund => true;

    public NotifyAcknowledgement? Acknowledgement { get; } =
        new(new(200, "text/plain", SandboxProtocol.NoticeAnswer), new(400, "text/plain", "FAIL"));
}
