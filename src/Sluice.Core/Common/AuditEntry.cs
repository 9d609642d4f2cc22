namespace Sluice.Common;

/// <summary>Who changed what, when, with the old and new value (secrets never included).</summary>
public sealed class AuditEntry
{
    public long Id { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public required string EntityType { get; init; }
    public required string EntityId { get; init; }
    public string? OldValue { get; init; }
    public string? NewValue { get; init; }
    public DateTimeOffset At { get; init; }
}
