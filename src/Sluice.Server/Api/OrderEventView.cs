using Sluice.Channels;

namespace Sluice.Server.Api;

/// <summary>One line of an order's timeline (payment, refund or withdrawal) as operators see it.</summary>
public sealed record OrderEventView(string Kind, string Source, string? FromStatus, string? ToStatus, string? Detail, DateTimeOffset At)
{
    public static OrderEventView Of(OrderEvent e) => new(e.Kind, e.Source, e.FromStatus, e.ToStatus, e.Detail, e.CreatedAt);

    /// <summary>The first line of every timeline, read from the order row written when the merchant asked.</summary>
    public static OrderEventView CreatedFrom(ChannelOrder o, string? detail) =>
        new("created", "merchant_api", null, "created", detail, o.CreatedAt);
}
