namespace Sluice.Channels;

/// <summary>Whether a payment method takes money in (payment) or sends it out (withdrawal).</summary>
public enum PaymentMethodKind
{
    Payment,
    Withdrawal,
}

/// <summary>A payment method operators can give channels, such as <c>alipay_qr</c> or <c>withdraw_bank_account</c>.</summary>
public sealed class PaymentMethodDefinition
{
    public required string Code { get; init; }
    public required string Name { get; set; }
    public PaymentMethodKind Kind { get; set; }
    public bool Enabled { get; set; } = true;
    public int Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum ChannelBusinessType
{
    Payment,
    Refund,
    Withdrawal,
}

public enum ChannelStatus
{
    Online,
    Offline,
}

/// <summary>
/// An upstream institution integration and what it can take. Amounts are minor units of <see cref="LimitCurrency"/>.
/// List-valued attributes are stored comma-separated; the catalog snapshot turns them into frozen sets.
/// </summary>
public sealed class Channel
{
    public required string Code { get; init; }
    public required string InstitutionName { get; set; }
    public ChannelBusinessType BusinessType { get; set; }
    public required string Protocol { get; set; }
    public required string PaymentMethods { get; set; }
    public required string Environments { get; set; }
    public required string ProductCodes { get; set; }
    public required string Currencies { get; set; }
    public required string LimitCurrency { get; set; }
    public int Weight { get; set; }
    public long SingleMinMinor { get; set; }
    public long SingleMaxMinor { get; set; }

    /// <summary>Null when the channel has no daily limit.</summary>
    public long? DailyLimitMinor { get; set; }

    public ChannelStatus Status { get; set; }
    public int Version { get; set; } = 1;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; set; }

    public static IReadOnlyList<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>The fee a channel charges for one payment method, in parts per million of the amount (6000 = 0.6%).</summary>
public sealed class ChannelMethodFee
{
    public required string ChannelCode { get; init; }
    public required string PaymentMethod { get; init; }
    public int RatePpm { get; set; }

    public const int MaxRatePpm = 1_000_000;
}

public enum CardType
{
    Debit,
    Credit,
}

/// <summary>A bank a channel serves for one card type, with that bank's own limits (minor units of the channel's limit currency).</summary>
public sealed class ChannelBank
{
    public required string ChannelCode { get; init; }
    public required string BankCode { get; init; }
    public CardType CardType { get; init; }
    public long SingleMaxMinor { get; set; }

    /// <summary>Null when the bank has no daily limit of its own on this channel.</summary>
    public long? DailyLimitMinor { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The single row every catalog change increments in its own transaction; nodes poll it to know when to reload.</summary>
public sealed class CatalogVersion
{
    public const int SingletonId = 1;

    public int Id { get; init; }
    public long Version { get; set; }
}
