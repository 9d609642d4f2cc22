using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Sluice.Server.Auth;

namespace Sluice.Server.Api;

/// <summary>One limit: a token bucket of <see cref="Burst"/> requests refilled with <see cref="PerSecond"/> a second.</summary>
public sealed class RateLimit
{
    public int Burst { get; set; } = 1000;
    public int PerSecond { get; set; } = 500;
}

/// <summary>
/// <c>Sluice:RateLimits</c>: a token bucket per app on the merchant API and per admin identity on the admin API, after
/// authentication (an unauthenticated request is refused before it can spend anyone's tokens). Limits hold per node:
/// behind N nodes an app gets up to N times the figure. A request over the limit gets 429 <c>rate_limited</c> with
/// <c>Retry-After</c> in seconds. Channels' notices are never limited.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Sluice:RateLimits";

    public RateLimit Merchant { get; set; } = new();
    public RateLimit Admin { get; set; } = new();
}

public static class RateLimits
{
    public static IServiceCollection AddSluiceRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var (key, limit) = PartitionOf(http, options);
                return key is null
                    ? RateLimitPartition.GetNoLimiter("none")
                    : RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = limit!.Burst,
                        TokensPerPeriod = limit.PerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            o.OnRejected = async (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
                context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Problems.Of(StatusCodes.Status429TooManyRequests, "rate_limited",
                        $"Too many requests for this credential; retry after {retryAfter} s.", new Dictionary<string, object?> { ["retry_after"] = retryAfter })
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }

    private static (string? Key, RateLimit? Limit) PartitionOf(HttpContext http, RateLimitOptions options)
    {
        if (http.User.FindFirstValue(SluiceAuth.AppIdClaim) is { } appId)
        {
            return ("app:" + appId, options.Merchant);
        }

        if (http.User.Identity is { IsAuthenticated: true, Name: { } name } && http.Request.Path.StartsWithSegments("/admin"))
        {
            return ("admin:" + name, options.Admin);
        }

        return (null, null);
    }
}
