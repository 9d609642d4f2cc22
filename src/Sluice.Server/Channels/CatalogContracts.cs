using System.Globalization;
using Sluice.Channels;

namespace Sluice.Server.Channels;

public sealed record CreatePaymentMethodRequest(string? Code, string? Name, string? Kind);

public sealed record UpdatePaymentMethodRequest(string? Name, bool? Enabled, int? Version);

public sealed record PaymentMethodView(string Code, string Name, string Kind, bool Enabled, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static PaymentMethodView Of(PaymentMethodDefinition m) =>
        new(m.Code, m.Name, CatalogText.Of(m.Kind), m.Enabled, m.Version, m.CreatedAt, m.UpdatedAt);
}

/// <summary>Create (with <c>code</c>) or replace (with <c>version</c>) a channel. Amounts are minor units of <c>limit_currency</c>.</summary>
public sealed record ChannelRequest(
    string? Code,
    string? InstitutionName,
    string? BusinessType,
    string? Protocol,
    IReadOnlyList<string>? PaymentMethods,
    IReadOnlyList<string>? Environments,
    IReadOnlyList<string>? ProductCodes,
    IReadOnlyList<string>? Currencies,
    Dictionary<string, int>? FeeRatePpm,
    int? Weight,
    string? LimitCurrency,
    long? SingleMin,
    long? SingleMax,
    long? DailyLimit,
    string? Status,
    int? Version);

public sealed record ChannelStatusRequest(string? Status, int? Version);

public sealed record ChannelView(
    string Code, string InstitutionName, string BusinessType, string Protocol, IReadOnlyList<string> PaymentMethods,
    IReadOnlyList<string> Environments, IReadOnlyList<string> ProductCodes, IReadOnlyList<string> Currencies,
    IReadOnlyDictionary<string, int> FeeRatePpm, int Weight, string LimitCurrency, long SingleMin, long SingleMax, long? DailyLimit,
    string Status, int Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static ChannelView Of(Channel c, IEnumerable<ChannelMethodFee> fees) => new(
        c.Code, c.InstitutionName, CatalogText.Of(c.BusinessType), c.Protocol, Channel.SplitList(c.PaymentMethods),
        Channel.SplitList(c.Environments), Channel.SplitList(c.ProductCodes), Channel.SplitList(c.Currencies),
        new SortedDictionary<string, int>(fees.ToDictionary(f => f.PaymentMethod, f => f.RatePpm, StringComparer.Ordinal), StringComparer.Ordinal),
        c.Weight, c.LimitCurrency, c.SingleMinMinor, c.SingleMaxMinor, c.DailyLimitMinor, CatalogText.Of(c.Status), c.Version, c.CreatedAt, c.UpdatedAt);
}

/// <summary>
/// A maintenance window. <c>one_off</c>: <c>starts_at</c> and <c>ends_at</c> instants. <c>daily</c> and <c>weekly</c>:
/// <c>local_start</c> and <c>local_end</c> as HH:mm in <c>time_zone</c> (IANA, e.g. Asia/Shanghai), crossing midnight
/// when the end is earlier than the start; <c>weekly</c> also lists <c>days</c> (mon..sun) the window starts on.
/// </summary>
public sealed record MaintenanceWindowRequest(
    string? Kind, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? LocalStart, string? LocalEnd,
    IReadOnlyList<string>? Days, string? TimeZone, string? Reason);

public sealed record MaintenanceWindowView(
    string Id, string ChannelCode, string Kind, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? LocalStart, string? LocalEnd,
    IReadOnlyList<string> Days, string? TimeZone, string? Reason, DateTimeOffset CreatedAt)
{
    public static MaintenanceWindowView Of(MaintenanceWindow w) => new(
        w.Id, w.ChannelCode, CatalogText.Of(w.Kind), w.StartsAt, w.EndsAt,
        w.LocalStart?.ToString("HH:mm", CultureInfo.InvariantCulture), w.LocalEnd?.ToString("HH:mm", CultureInfo.InvariantCulture),
        w.Kind == MaintenanceWindowKind.Weekly ? CatalogText.Days.Where(d => (w.DaysOfWeekMask & (1 << (int)d.Value)) != 0).Select(d => d.Key).ToList() : [],
        w.TimeZoneId, w.Reason, w.CreatedAt);
}

public sealed record ChannelBankRequest(long? SingleMax, long? DailyLimit);

public sealed record ChannelBankView(string ChannelCode, string BankCode, string CardType, long SingleMax, long? DailyLimit, DateTimeOffset UpdatedAt)
{
    public static ChannelBankView Of(ChannelBank b) => new(b.ChannelCode, b.BankCode, CatalogText.Of(b.CardType), b.SingleMaxMinor, b.DailyLimitMinor, b.UpdatedAt);
}

/// <summary>What this node's catalog snapshot holds: operators can ask each node which version it serves.</summary>
public sealed record CatalogStateView(long Version, int Channels, int PaymentMethods, IReadOnlyList<string> OnlineChannels);

/// <summary>The wire names of catalog enums (snake_case).</summary>
public static class CatalogText
{
    public static readonly IReadOnlyList<KeyValuePair<string, DayOfWeek>> Days =
    [
        new("mon", DayOfWeek.Monday), new("tue", DayOfWeek.Tuesday), new("wed", DayOfWeek.Wednesday), new("thu", DayOfWeek.Thursday),
        new("fri", DayOfWeek.Friday), new("sat", DayOfWeek.Saturday), new("sun", DayOfWeek.Sunday),
    ];

    public static string Of(PaymentMethodKind k) => k == PaymentMethodKind.Payment ? "payment" : "withdrawal";

    public static string Of(ChannelBusinessType t) => t switch
    {
        ChannelBusinessType.Payment => "payment",
        ChannelBusinessType.Refund => "refund",
        _ => "withdrawal",
    };

    public static string Of(ChannelStatus s) => s == ChannelStatus.Online ? "online" : "offline";

    public static string Of(MaintenanceWindowKind k) => k switch
    {
        MaintenanceWindowKind.OneOff => "one_off",
        MaintenanceWindowKind.Daily => "daily",
        _ => "weekly",
    };

    public static string Of(CardType c) => c == CardType.Debit ? "debit" : "credit";

    public static PaymentMethodKind? MethodKind(string? s) => s switch
    {
        "payment" => PaymentMethodKind.Payment,
        "withdrawal" => PaymentMethodKind.Withdrawal,
        _ => null,
    };

    public static ChannelBusinessType? BusinessType(string? s) => s switch
    {
        "payment" => ChannelBusinessType.Payment,
        "refund" => ChannelBusinessType.Refund,
        "withdrawal" => ChannelBusinessType.Withdrawal,
        _ => null,
    };

    public static ChannelStatus? Status(string? s) => s switch
    {
        "online" => ChannelStatus.Online,
        "offline" => ChannelStatus.Offline,
        _ => null,
    };

    public static MaintenanceWindowKind? WindowKind(string? s) => s switch
    {
        "one_off" => MaintenanceWindowKind.OneOff,
        "daily" => MaintenanceWindowKind.Daily,
        "weekly" => MaintenanceWindowKind.Weekly,
        _ => null,
    };

    public static CardType? Card(string? s) => s switch
    {
        "debit" => CardType.Debit,
        "credit" => CardType.Credit,
        _ => null,
    };
}
