namespace Sluice.Channels;

/// <summary>
/// One line of an order's timeline (payment, refund, withdrawal): what happened, from which source, and the state it led
/// to. Each kind of order keeps its own table, keyed by its own order id.
/// </summary>
public abstract class OrderEvent
{
    public long Id { get; init; }
    public required string Kind { get; init; }
    public required string Source { get; init; }
    public string? FromStatus { get; init; }
    public string? ToStatus { get; init; }
    public string? Detail { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
