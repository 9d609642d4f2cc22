namespace Sluice.Merchants;

/// <summary>A service provider (ISV, 服务商) that onboards merchants and may hold partner channel accounts.</summary>
public sealed class ServiceProvider
{
    public required string Id { get; init; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
}
