using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;

namespace Sluice.Server.ResultCodes;

/// <summary>
/// Counts raw results no rule maps, one row per (protocol, flow, code, sub-code). The count is one atomic upsert
/// (<c>INSERT ... ON CONFLICT DO UPDATE SET count = count + 1</c>, the same statement on SQLite and PostgreSQL), so racing
/// answers on any number of nodes are counted exactly.
/// </summary>
public static class UnmappedResultCodes
{
    private const int MaxKeyLength = 128;

    public static async Task CountAsync(
        SluiceDbContext db, string protocol, ChannelFlow flow, ChannelResult result, DateTimeOffset now, ILogger logger, CancellationToken ct)
    {
        var flowName = ChannelFlows.Name(flow);
        var code = Cut(result.RawCode ?? "", MaxKeyLength);
        var sub = Cut(result.RawSubCode ?? "", MaxKeyLength);
        var sample = result.RawMessage is null ? null : Cut(result.RawMessage, UnmappedResultCode.MaxSampleLength);
        var at = WorkLeases.Instant(db, now);
        try
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO unmapped_result_codes (protocol, flow, raw_code, raw_sub_code, "count", first_seen_at, last_seen_at, sample_message)
                VALUES ({protocol}, {flowName}, {code}, {sub}, {1L}, {at}, {at}, {sample})
                ON CONFLICT (protocol, flow, raw_code, raw_sub_code) DO UPDATE SET
                    "count" = unmapped_result_codes."count" + 1,
                    last_seen_at = CASE WHEN excluded.last_seen_at > unmapped_result_codes.last_seen_at
                        THEN excluded.last_seen_at ELSE unmapped_result_codes.last_seen_at END,
                    sample_message = COALESCE(excluded.sample_message, unmapped_result_codes.sample_message)
                """,
                ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Counting is for operators; it must never cost the flow that met the code its answer.
            logger.UnmappedResultCodeCountFailed(ex, protocol, flowName, code);
        }

        logger.UnmappedResultCode(protocol, flowName, code, sub);
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
