using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Data;
using Sluice.Routing;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Channels;

namespace Sluice.Server.Routing;

/// <summary>
/// A channel's health as routing sees it: its success rate and latency on this node, and its circuit breaker, which
/// every node shares (state, calls in a row not answered, when it opened, when it half-opens, the probe out).
/// </summary>
public sealed record ChannelHealthView(
    string Channel,
    double SuccessRate,
    double LatencyMs,
    string Breaker,
    int ConsecutiveFailures,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? HalfOpensAt,
    DateTimeOffset? ProbeStartedAt)
{
    public static ChannelHealthView Of(string channel, ChannelHealth health, BreakerSnapshot breakers)
    {
        var b = breakers.Of(channel);
        return new(channel, Math.Round(health.SuccessRate, 6), Math.Round(health.LatencyMsP50, 1), b.WireName, b.ConsecutiveFailures,
            b.OpenedAt, b.OpenedAt + breakers.CoolDown, b.ProbeStartedAt);
    }
}

public static class ChannelHealthEndpoints
{
    /// <summary>Maps <c>/channel-health</c> into the admin API: every channel's health and breaker, and a breaker's reset.</summary>
    public static void MapChannelHealthEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("/channel-health").WithTags("Admin: routing");
        admin.MapGet("/", async (ChannelCatalog catalog, ChannelHealthMonitor health, ChannelBreakers breakers, CancellationToken ct) =>
        {
            await breakers.AllAsync(ct);
            var snapshot = await breakers.CurrentAsync(ct);
            return TypedResults.Ok((await catalog.GetAsync(ct)).Channels.Select(c => ChannelHealthView.Of(c.Code, health.Health(c.Code), snapshot)).ToList());
        }).WithSummary("Every channel's success rate and latency on this node, and its circuit breaker (shared by every node)");

        admin.MapPost("/{channelCode}/reset", ResetAsync)
            .WithSummary("Closes a channel's circuit breaker by hand (the channel is routed again at once on every node within a second)");
    }

    private static async Task<Results<Ok<ChannelHealthView>, ProblemHttpResult>> ResetAsync(
        string channelCode, SluiceDbContext db, ChannelCatalog catalog, ChannelHealthMonitor health, ChannelBreakers breakers, TimeProvider clock,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (!(await catalog.GetAsync(ct)).Channels.Any(c => c.Code == channelCode))
        {
            return Problems.NotFound("channel");
        }

        var before = ChannelHealthView.Of(channelCode, health.Health(channelCode), await breakers.CurrentAsync(ct));
        AuditLog.Add(db, clock, user, "reset_breaker", "channel", channelCode, before, null);
        await breakers.ResetAsync(db, channelCode, user.Identity?.Name ?? "unknown", ct);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ChannelHealthView.Of(channelCode, health.Health(channelCode), await breakers.CurrentAsync(ct)));
    }
}
