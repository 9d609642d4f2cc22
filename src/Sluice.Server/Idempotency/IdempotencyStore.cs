using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Common;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Server.Api;

namespace Sluice.Server.Idempotency;

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
/// requests with the key replay its stored answer, or are refused when their body differs.
/// </summary>
public sealed class IdempotencyStore(SluiceDbContext db, TimeProvider clock)
{
    public const string Header = "Idempotency-Key";

    public static bool IsValidKey(string key) => key.Length is > 0 and <= 255 && key.All(c => c is >= '!' and <= '~');

    public static string HashOf<T>(string operation, T request) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + JsonSerializer.Serialize(request))));

    /// <summary>
    /// Runs a create operation under the caller's <c>Idempotency-Key</c>: an invalid key, a key used with another body or
    /// one still in progress gets its problem; a finished one replays the stored answer; otherwise
    /// <paramref name="run"/> runs and its answer (status and the exact body sent) is stored for replays. A request that
    /// fails inside Sluice forgets the key, so the merchant's retry runs afresh.
    /// </summary>
    public async Task<IResult> RunAsync<TRequest>(
        HttpContext http, string appId, string key, string operation, TRequest hashedRequest,
        Func<Task<(int Status, string Body, IResult Result)>> run, CancellationToken ct)
    {
        if (!IsValidKey(key))
        {
            return Problems.Validation(UnifiedCode.InvalidIdempotencyKey, Header, "The Idempotency-Key header must be 1-255 printable ASCII characters.");
        }

        switch (await BeginAsync(appId, key, operation, HashOf(operation, hashedRequest), ct))
        {
            case IdempotencyBegin.Replay replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return Results.Content(replay.Body, replay.Status >= 400 ? "application/problem+json" : "application/json", statusCode: replay.Status);
            case IdempotencyBegin.Mismatch:
                return Problems.Of(422, UnifiedCode.IdempotencyKeyReused, "This Idempotency-Key was already used with a different request body.");
            case IdempotencyBegin.InProgress:
                return Problems.Of(409, UnifiedCode.IdempotencyInProgress, "A request with this Idempotency-Key is still being processed; retry shortly.");
            case IdempotencyBegin.Started started:
                (int Status, string Body, IResult Result) answer;
                try
                {
                    answer = await run();
                }
                catch
                {
                    await AbandonAsync(started.RecordId);
                    throw;
                }

                await CompleteAsync(started.RecordId, answer.Status, answer.Body, CancellationToken.None);
                return answer.Result;
            default:
                throw new InvalidOperationException("Unknown idempotency state.");
        }
    }

    public async Task<IdempotencyBegin> BeginAsync(string appId, string key, string operation, string requestHash, CancellationToken ct)
    {
        var record = new IdempotencyRecord
        {
            AppId = appId, Key = key, Operation = operation, RequestHash = requestHash, CreatedAt = clock.GetUtcNow(),
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

        return existing.ResponseStatus is { } status
            ? new IdempotencyBegin.Replay(status, existing.ResponseBody ?? "")
            : new IdempotencyBegin.InProgress();
    }

    public async Task CompleteAsync(long recordId, int status, string body, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.IdempotencyRecords.Where(r => r.Id == recordId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ResponseStatus, status).SetProperty(r => r.ResponseBody, body).SetProperty(r => r.CompletedAt, now), ct);
    }

    /// <summary>Forgets a key whose request failed inside Sluice, so the merchant's retry runs afresh.</summary>
    public async Task AbandonAsync(long recordId) =>
        await db.IdempotencyRecords.Where(r => r.Id == recordId).ExecuteDeleteAsync(CancellationToken.None);
}
