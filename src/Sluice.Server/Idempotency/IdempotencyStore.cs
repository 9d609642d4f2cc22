using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Common;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Server.Api;

namespace Sluice.Server.Idempotency;

/// <summary>What an operation run under an idempotency key answered: the status and body stored for replays, and the result.</summary>
public sealed record IdempotentAnswer(int Status, object Body, IResult Result);

public abstract record IdempotencyBegin
{
    /// <summary>This request owns the key; run it and complete the record.</summary>
    public sealed record Started(long RecordId) : IdempotencyBegin;

    /// <summary>A finished request had this key and the same body: answer exactly what it answered.</summary>
    public sealed record Replay(int Status, string Body) : IdempotencyBegin;

    public sealed record Mismatch : IdempotencyBegin;

    public sealed record InProgress : IdempotencyBegin;
}

/// <summary>
/// <c>Idempotency-Key</c> handling: the first request with a key inserts a row (unique per app and key); later
/// requests with the key replay its stored answer, or are refused when their body differs; while the first runs they get
/// 409, until its <see cref="Lease"/> runs out (its node died) and the next one takes the key over.
/// </summary>
public sealed class IdempotencyStore(SluiceDbContext db, TimeProvider clock)
{
    public const string Header = "Idempotency-Key";

    /// <summary>
    /// How long a request holds its key: longer than any create takes (the channel call is bounded well below it), so a
    /// live request is never taken over, and short enough that a merchant's retry after a node died succeeds soon.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    public static bool IsValidKey(string key) => key.Length is > 0 and <= 255 && key.All(c => c is >= '!' and <= '~');

    public static string HashOf<T>(string operation, T request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + JsonSerializer.Serialize(request))));

    /// <summary>
    /// Runs a create operation under an <c>Idempotency-Key</c> header: the first request with the key runs
    /// <paramref name="run"/> and stores its answer (status and JSON body); a later one with the same body replays it, one
    /// with another body or while the first still runs is refused. A run that throws forgets the key.
    /// </summary>
    public async Task<IResult> RunAsync(
        HttpContext http, string appId, string key, string operation, string requestHash, Func<Task<IdempotentAnswer>> run, CancellationToken ct)
    {
        if (!IsValidKey(key))
        {
            return Problems.Validation(UnifiedCode.InvalidIdempotencyKey, "Idempotency-Key", "The Idempotency-Key header must be 1-255 printable ASCII characters.");
        }

        var begin = await BeginAsync(appId, key, operation, requestHash, ct);
        switch (begin)
        {
            case IdempotencyBegin.Replay replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return Results.Content(replay.Body, replay.Status >= 400 ? "application/problem+json" : "application/json", statusCode: replay.Status);
            case IdempotencyBegin.Mismatch:
                return Problems.Of(422, UnifiedCode.IdempotencyKeyReused, "This Idempotency-Key was already used with a different request body.");
            case IdempotencyBegin.InProgress:
                return Problems.Of(409, UnifiedCode.IdempotencyInProgress, "A request with this Idempotency-Key is still being processed; retry shortly.");
        }

        var recordId = ((IdempotencyBegin.Started)begin).RecordId;
        IdempotentAnswer answer;
        try
        {
            answer = await run();
        }
        catch
        {
            await AbandonAsync(recordId);
            throw;
        }

        await CompleteAsync(recordId, answer.Status, JsonSerializer.Serialize(answer.Body, SluiceJson.Options), CancellationToken.None);
        return answer.Result;
    }

    public async Task<IdempotencyBegin> BeginAsync(string appId, string key, string operation, string requestHash, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var record = new IdempotencyRecord
        {
            AppId = appId, Key = key, Operation = operation, RequestHash = requestHash, CreatedAt = now, LeaseExpiresAt = now + Lease,
        };
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
            return new IdempotencyBegin.Started(record.Id);
        }
        catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
        }

        var existing = await db.IdempotencyRecords.AsNoTracking().FirstAsync(r => r.AppId == appId && r.Key == key, ct);
        if (existing.Operation != operation || existing.RequestHash != requestHash)
        {
            return new IdempotencyBegin.Mismatch();
        }

        if (existing.ResponseStatus is { } status)
        {
            return new IdempotencyBegin.Replay(status, existing.ResponseBody ?? "");
        }

        // The request holding the key died (its node was killed between storing the key and completing it): the first
        // retry after its lease takes the row over, with a compare-and-set on the lease it saw, and runs the operation
        // again (a create finds the order the dead request stored, by the merchant's order number).
        if (existing.LeaseExpiresAt is { } expires && expires < now)
        {
            var taken = await db.IdempotencyRecords
                .Where(r => r.Id == existing.Id && r.ResponseStatus == null && r.LeaseExpiresAt == expires)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.LeaseExpiresAt, now + Lease), ct);
            if (taken == 1)
            {
                return new IdempotencyBegin.Started(existing.Id);
            }
        }

        return new IdempotencyBegin.InProgress();
    }

    public async Task CompleteAsync(long recordId, int status, string body, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.IdempotencyRecords.Where(r => r.Id == recordId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ResponseStatus, status).SetProperty(r => r.ResponseBody, body).SetProperty(r => r.CompletedAt, now)
                .SetProperty(r => r.LeaseExpiresAt, (DateTimeOffset?)null), ct);
    }

    /// <summary>Forgets a key whose request failed inside Sluice, so the merchant's retry runs afresh.</summary>
    public async Task AbandonAsync(long recordId) =>
        await db.IdempotencyRecords.Where(r => r.Id == recordId).ExecuteDeleteAsync(CancellationToken.None);
}
