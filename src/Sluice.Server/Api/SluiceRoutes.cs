namespace Sluice.Server.Api;

/// <summary>
/// The route groups features map their endpoints into, built once by <c>Program.cs</c> with their authorization:
/// <see cref="Merchant"/> (<c>/v1</c>, apps by API key), <see cref="Admin"/> (<c>/admin/api</c>, operators by admin token)
/// and <see cref="Callbacks"/> (<c>/notify</c>, anonymous: the adapter verifies the channel's signature). A group is
/// null on a node whose roles do not serve it; a feature maps into the groups it has and skips the others.
/// </summary>
public sealed record SluiceRoutes(RouteGroupBuilder? Merchant, RouteGroupBuilder? Admin, RouteGroupBuilder? Callbacks);
