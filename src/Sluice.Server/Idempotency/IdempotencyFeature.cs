namespace Sluice.Server.Idempotency;

/// <summary>Idempotency keys: a repeated create replays its first answer.</summary>
public static class IdempotencyFeature
{
    public static IServiceCollection AddIdempotency(this IServiceCollection services) =>
        services.AddScoped<IdempotencyStore>();
}
