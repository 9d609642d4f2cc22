using Sluice.Channels.Contracts;

namespace Sluice.Channels.BankPayout;

/// <summary>A generic bank payout API (JSON + HMAC, <c>docs/channels/bank-payout.md</c>): payouts to bank accounts and their notices only.</summary>
public sealed class BankPayoutProfile : IChannelProfile
{
    public const string ProtocolName = "bank";

    public string Protocol => ProtocolName;

    public IReadOnlySet<ChannelFlow> Flows { get; } = ChannelFlowGroups.Of(ChannelFlowGroups.Payouts, ChannelFlowGroups.Callbacks);

    public IReadOnlySet<ChannelBusinessType> BusinessTypes { get; } = new HashSet<ChannelBusinessType> { ChannelBusinessType.Withdrawal };

    public IReadOnlyList<ChannelCredentialField> Credentials { get; } =
    [
        new("client_id", Required: true, Secret: false, "The client id the bank issued."),
        new("secret", Required: true, Secret: true, "The HMAC key of requests, answers and notices."),
        new("base_url", Required: true, Secret: false, "The payout API's base URL."),
    ];

    public IReadOnlyList<ResultCodeRule> ResultCodes => BankPayoutResultCodes.Rules;

    /// <summary>Bank payouts settle slower than payments.</summary>
    public IReadOnlyList<TimeSpan> RequerySchedule { get; } =
    [
        TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60),
    ];

    /// <summary>No refunds at a payout channel.</summary>
    public TimeSpan? RefundOverdueTimeout => null;

    public NotifyAcknowledgement? Acknowledgement { get; } =
        new(new(200, "application/json", """{"code":"SUCCESS"}"""), new(400, "application/json", """{"code":"REJECTED"}"""));
}
