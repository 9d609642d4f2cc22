using Scalar.AspNetCore;

namespace Sluice.Server.Api;

/// <summary>The HTTP edge every feature shares: the wire format, problem details for every error, the OpenAPI document.</summary>
public static class ApiFeature
{
    public static IServiceCollection AddSluiceApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => SluiceJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ProblemCatalog.Localize);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Sluice payment gateway API";
            doc.Info.Description = "Merchant API (Bearer secret API key) and admin API (Bearer admin token). Amounts are integers of minor units. " +
                                   "Errors are RFC 9457 problems with a unified `code`; titles and details are in Simplified Chinese when Accept-Language prefers zh.";
            OpenApiContract.Describe(doc);
            return Task.CompletedTask;
        }).AddOperationTransformer((operation, context, _) =>
        {
            OpenApiContract.Summarize(operation, context.Description.HttpMethod ?? "GET", context.Description.RelativePath);
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>The OpenAPI document, its Scalar reference and the root redirect to it: public, as an API reference is.</summary>
    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        routes.MapScalarApiReference().AllowAnonymous();
        routes.MapGet("/", () => Results.Redirect("/scalar/v1")).ExcludeFromDescription().AllowAnonymous();
        return routes;
    }
}
