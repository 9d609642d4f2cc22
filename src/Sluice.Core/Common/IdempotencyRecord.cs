namespace Sluice.Common;

/// <summary>
/// The first answer to a request carrying an <c>Idempotency-Key</c>, replayed for every retry with the same key.
/// A row without a response is a request still in progress, held by its node until <see cref="LeaseExpiresAt"/>; a
/// node that died mid-request lets the lease run out and the next request with the key takes the row over.
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

    /// <summary>Until when the request that holds the key is trusted to finish it (null on completed rows of old).</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }
}
