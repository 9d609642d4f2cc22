namespace Sluice.Common;

/// <summary>
/// The first answer to a request carrying an <c>Idempotency-Key</c>, replayed for every retry with the same key.
/// A row without a response is a request still in progress.
/// </summary>
public sealed class IdempotencyRecord
{
    public long Id { get; init; }
    public required string AppId { get; init; }
    public required string Key { get; init; }
    public required string Operation { get; init; }
    public required string RequestHash { get; init; }
    public int? ResponseStatus { get; set; }
    public string? ResponseBody { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? CompletedAt { get; set; }
}
