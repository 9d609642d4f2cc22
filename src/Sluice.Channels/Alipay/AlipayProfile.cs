using Sluice.Channels.Contracts;

namespace Sluice.Channels.Alipay;

/// <summary>Alipay's open platform gateway: payments (QR, WAP, page, app), refunds, transfers to Alipay accounts, notices.</summary>
public sealed class AlipayProfile : IChannelProfile
{
    public const string ProtocolName = "alipay";

    public string Protocol => ProtocolName;

    public IReadOnlySet<ChannelFlow> Flows { get; } =
        ChannelFlowGroups.Of(ChannelFlowGroups.Payments, ChannelFlowGroups.Refunds, ChannelFlowGroups.Payouts, ChannelFlowGroups.Callbacks);

    public IReadOnlySet<ChannelBusinessType> BusinessTypes { get; } = new HashSet<ChannelBusinessType> { ChannelBusinessType.Payment, ChannelBusinessType.Withdrawal };

    public IReadOnlyList<ChannelCredentialField> Credentials { get; } =
    [
        new("app_id", Required: true, Secret: false, "The application's APPID."),
        new("merchant_private_key", Required: true, Secret: true, "The application's RSA2 private key: PEM, or Alipay's bare base64 PKCS#8 / PKCS#1."),
        new("alipay_public_key", Required: true, Secret: false, "Alipay's public key that signs answers and notices: PEM or bare base64."),
        new("gateway_url", Required: true, Secret: false, "The gateway, e.g. https://openapi.alipay.com/gateway.do."),
        new("app_auth_token", Required: false, Secret: true, "Partner mode: the merchant's app authorisation token (else the account's sub-merchant id)."),
    ];

    public IReadOnlyList<ResultCodeRule> ResultCodes => AlipayResultCodes.Rules;

    /// <summary>Quick queries first (most payers pay within a minute of the QR code or cashier), then spacing out to 30 minutes.</summary>
    public IReadOnlyList<TimeSpan> RequerySchedule { get; } =
    [
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30),
    ];

    /// <summary>Alipay refunds settle at once.</summary>
    public TimeSpan? RefundOverdueTimeout => TimeSpan.FromDays(1);

    /// <summary>The channel returns its fee in proportion on a refund.</summary>
    public bool ReturnsFeeOnRefund => true;

    public NotifyAcknowledgement? Acknowledgement { get; } =
        new(new(200, "text/plain", AlipayProtocol.NoticeAccepted), new(400, "text/plain", AlipayProtocol.NoticeRefused));
}
