using Sluice.Channels.Contracts;

namespace Sluice.Channels.UnionPay;

/// <summary>China UnionPay's online gateway (ACP 5.1.0): payments (front consume, QR), refunds, back notices; no payouts.</summary>
public sealed class UnionPayProfile : IChannelProfile
{
    public const string ProtocolName = "unionpay";

    public string Protocol => ProtocolName;

    public IReadOnlySet<ChannelFlow> Flows { get; } = ChannelFlowGroups.Of(ChannelFlowGroups.Payments, ChannelFlowGroups.Refunds, ChannelFlowGroups.Callbacks);

    public IReadOnlySet<ChannelBusinessType> BusinessTypes { get; } = new HashSet<ChannelBusinessType> { ChannelBusinessType.Payment };

    public IReadOnlyList<ChannelCredentialField> Credentials { get; } =
    [
        new("mer_id", Required: true, Secret: false, "The merchant number (merId)."),
        new("sign_cert_private_key_pem", Required: true, Secret: true, "The merchant signing certificate's private key (PKCS#8 or PKCS#1 PEM)."),
        new("sign_cert_pem", Required: true, Secret: false, "The merchant signing certificate (PEM); certId is its serial in decimal."),
        new("root_cert_pem", Required: false, Secret: false, "UnionPay's root CA (PEM), with middle_cert_pem; or give unionpay_sign_cert_pem."),
        new("middle_cert_pem", Required: false, Secret: false, "UnionPay's intermediate CA (PEM) that signPubKeyCert must chain to."),
        new("unionpay_sign_cert_pem", Required: false, Secret: false, "UnionPay's signing certificate (PEM), trusted as is, instead of the CA chain."),
        new("front_url", Required: true, Secret: false, "Base URL of the gateway for the payer's browser (frontTransReq.do)."),
        new("back_url", Required: true, Secret: false, "Base URL for server calls (backTransReq.do, queryTrans.do)."),
        new("channel_type", Required: false, Secret: false, "07 (PC, the default) or 08 (mobile)."),
    ];

    public IReadOnlyList<ResultCodeRule> ResultCodes => UnionPayResultCodes.Rules;

    /// <summary>ACP's guidance for transaction-state queries: double the interval each time (1, 2, 4, 8 ... minutes).</summary>
    public IReadOnlyList<TimeSpan> RequerySchedule { get; } =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(16),
        TimeSpan.FromMinutes(32), TimeSpan.FromMinutes(60),
    ];

    /// <summary>UnionPay's refunds settle within a week.</summary>
    public TimeSpan? RefundOverdueTimeout => TimeSpan.FromDays(7);

    /// <summary>HTTP 200 <c>ok</c> stops UnionPay resending; anything else (HTTP 500) makes it resend.</summary>
    public NotifyAcknowledgement? Acknowledgement { get; } = new(new(200, "text/plain", "ok"), new(400, "text/plain", "fail"));
}
