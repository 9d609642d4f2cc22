using Sluice.Data;

namespace Sluice.Server.ResultCodes;

/// <summary>
/// Resolves channel results for the scope's unit of work: the map's lookup (<see cref="ResultCodeMap"/>), and a result no
/// rule maps counted in <c>unmapped_result_codes</c> on that unit of work (in its transaction, if one is open).
/// </summary>
public sealed class ResultCodeResolver(SluiceDbContext db, ResultCodeMap map, TimeProvider clock, ILogger<ResultCodeResolver> logger)
{
    public async ValueTask<ResultResolution> ResolveAsync(string protocol, ChannelFlow flow, ChannelResult result, CancellationToken ct)
    {
        var resolution = await map.LookUpAsync(protocol, flow, result, ct);
        if (!resolution.Mapped)
        {
            await UnmappedResultCodes.CountAsync(db, protocol, flow, result, clock.GetUtcNow(), logger, ct);
        }

        return resolution;
    }
}
