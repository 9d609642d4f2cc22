using Sluice.Channels.Contracts;

namespace Sluice.Channels.WeChatPay;

/// <summary>WeChat Pay API v3, direct or partner mode: payments (native, JSAPI, mini program, H5, app), refunds, transfers, notices.</summary>
public sealed class WeChatPayProfile : IChannelProfile
{
    public const string ProtocolName = "wechatpay-v3";

    public string Protocol => ProtocolName;

    public IReadOnlySet<ChannelFlow> Flows { get; } =
        ChannelFlowGroups.Of(ChannelFlowGroups.Payments, ChannelFlowGroups.Refunds, ChannelFlowGroups.Payouts, ChannelFlowGroups.Callbacks);

    public IReadOnlySet<ChannelBusinessType> BusinessTypes { get; } = new HashSet<ChannelBusinessType> { ChannelBusinessType.Payment, ChannelBusinessType.Withdrawal };

    public IReadOnlyList<ChannelCredentialField> Credentials { get; } =
    [
        new("mchid", Required: false, Secret: false, "Direct mode (required there): the merchant id."),
        new("appid", Required: false, Secret: false, "Direct mode (required there): the app id."),
        new("sp_mchid", Required: false, Secret: false, "Partner mode (an account with a sub-merchant id; required there): the service provider's merchant id."),
        new("sp_appid", Required: false, Secret: false, "Partner mode (required there): the service provider's app id."),
        new("sub_appid", Required: false, Secret: false, "Partner mode: the sub-merchant's app id, if it pays in its own app."),
        new("merchant_serial_no", Required: true, Secret: false, "The serial number of the merchant's API certificate."),
        new("merchant_private_key", Required: true, Secret: true, "The merchant's API private key (PEM)."),
        new("api_v3_key", Required: true, Secret: true, "The APIv3 key (32 characters) that notices are encrypted with."),
        new("base_url", Required: true, Secret: false, "The API's base URL, e.g. https://api.mch.weixin.qq.com."),
        new("platform_public_key", Required: false, Secret: false, "Public-key mode: the WeChat Pay public key (PEM); this or platform_certificate is required."),
        new("platform_serial_no", Required: false, Secret: false, "Public-key mode (required there): the WeChat Pay public key's id."),
        new("platform_certificate", Required: false, Secret: false, "Certificate mode: the platform certificate (PEM); its serial names it."),
        new("transfer_scene_id", Required: false, Secret: false, "Withdrawals: the transfer scene id (default 1000)."),
    ];

    public IReadOnlyList<ResultCodeRule> ResultCodes => WeChatPayResultCodes.Rules;

    /// <summary>Quick queries first (most payers pay within a minute of the QR code or cashier), then spacing out to 30 minutes.</summary>
    public IReadOnlyList<TimeSpan> RequerySchedule { get; } =
    [
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3),
        TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30),
    ];

    /// <summary>WeChat Pay's refunds settle within days (to bank cards).</summary>
    public TimeSpan? RefundOverdueTimeout => TimeSpan.FromDays(3);

    /// <summary>The channel returns its fee in proportion on a refund.</summary>
    public bool ReturnsFeeOnRefund => true;

    /// <summary>204 with no body when accepted (WeChat Pay takes 200 or 204); otherwise 500 with the documented FAIL body.</summary>
    public NotifyAcknowledgement? Acknowledgement { get; } =
        new(new(204, "application/json", ""), new(400, "application/json", """{"code":"FAIL","message":"失败"}"""));
}
