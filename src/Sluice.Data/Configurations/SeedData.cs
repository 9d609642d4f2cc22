using Sluice.Channels;

namespace Sluice.Data.Configurations;

/// <summary>The rows every new database starts with (written by the migrations through <c>HasData</c>).</summary>
internal static class SeedData
{
    /// <summary>The payment methods every new database starts with; operators add more through the admin API.</summary>
    public static readonly IReadOnlyList<(string Code, string Name, PaymentMethodKind Kind)> BuiltInMethods =
    [
        ("alipay_qr", "Alipay QR code", PaymentMethodKind.Payment),
        ("alipay_wap", "Alipay mobile web", PaymentMethodKind.Payment),
        ("alipay_page", "Alipay PC web", PaymentMethodKind.Payment),
        ("alipay_app", "Alipay app", PaymentMethodKind.Payment),
        ("wechat_native", "WeChat Pay native (QR)", PaymentMethodKind.Payment),
        ("wechat_jsapi", "WeChat Pay JSAPI", PaymentMethodKind.Payment),
        ("wechat_h5", "WeChat Pay H5", PaymentMethodKind.Payment),
        ("wechat_app", "WeChat Pay app", PaymentMethodKind.Payment),
        ("wechat_mini_program", "WeChat Pay mini-program", PaymentMethodKind.Payment),
        ("unionpay_gateway", "UnionPay online gateway", PaymentMethodKind.Payment),
        ("unionpay_qr", "UnionPay QR code", PaymentMethodKind.Payment),
        ("bank_card", "Bank card", PaymentMethodKind.Payment),
        ("withdraw_bank_account", "Withdrawal to bank account", PaymentMethodKind.Withdrawal),
        ("withdraw_wallet", "Withdrawal to wallet", PaymentMethodKind.Withdrawal),
    ];

    /// <summary>The creation time of every seeded row: fixed, so the model does not change from one build to the next.</summary>
    public static readonly DateTimeOffset SeededAt = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
}
