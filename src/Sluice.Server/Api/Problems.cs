using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Errors;

namespace Sluice.Server.Api;

/// <summary>RFC 9457 problem details, always with a stable unified <c>code</c>.</summary>
public static class Problems
{
    public static ProblemHttpResult Of(int status, string code, string detail, IDictionary<string, object?>? extra = null)
    {
        var extensions = new Dictionary<string, object?> { ["code"] = code };
        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                extensions[k] = v;
            }
        }

        return TypedResults.Problem(
            detail: detail,
            statusCode: status,
            title: TitleFor(code),
            type: $"https://sluice.dev/problems/{code}",
            extensions: extensions);
    }

    /// <summary>A service's refusal as a problem: the kind picks the status.</summary>
    public static ProblemHttpResult Of(Orders.Refusal refusal) =>
        Of(StatusOf(refusal.Kind), refusal.Code, refusal.Detail, refusal.Facts?.ToDictionary(f => f.Key, f => f.Value));

    public static int StatusOf(Orders.RefusalKind kind) => kind switch
    {
        Orders.RefusalKind.Invalid => StatusCodes.Status400BadRequest,
        Orders.RefusalKind.NotFound => StatusCodes.Status404NotFound,
        Orders.RefusalKind.Conflict => StatusCodes.Status409Conflict,
        Orders.RefusalKind.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        Orders.RefusalKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static ProblemHttpResult Validation(string code, string field, string detail) =>
        Of(StatusCodes.Status400BadRequest, code, detail, new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult NotFound(string what) => Of(StatusCodes.Status404NotFound, UnifiedCode.NotFound, $"No {what} with that id for this app.");

    public static ProblemHttpResult Conflict(string code, string detail) => Of(StatusCodes.Status409Conflict, code, detail);

    public static ProblemHttpResult Unauthenticated(string detail) => Of(StatusCodes.Status401Unauthorized, UnifiedCode.Unauthenticated, detail);

    /// <summary>Gives a body-less error status (no route, wrong method, wrong media type) a problem with a unified code.</summary>
    public static Task ForBareStatus(HttpContext http)
    {
        var status = http.Response.StatusCode;
        var (code, detail) = status switch
        {
            404 => (UnifiedCode.NotFound, "There is no such resource."),
            405 => (UnifiedCode.MethodNotAllowed, "This resource does not support that HTTP method."),
            413 => (UnifiedCode.PayloadTooLarge, "The request body is too large."),
            415 => (UnifiedCode.UnsupportedMediaType, "Send the request body as application/json."),
            401 => (UnifiedCode.Unauthenticated, "Authentication is required."),
            403 => (UnifiedCode.Forbidden, "Not allowed."),
            _ => (status >= 500 ? UnifiedCode.InternalError : UnifiedCode.InvalidField, "The request could not be processed."),
        };
        return Of(status, code, detail).ExecuteAsync(http);
    }

    private static string TitleFor(string code) => ProblemCatalog.For(code).TitleEn;
}

/// <summary>
/// Turns request-binding failures (malformed JSON, wrong types, oversized bodies) into 4xx problem details, and any
/// other unhandled exception into a 500 problem without internals.
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problems.Of(413, UnifiedCode.PayloadTooLarge, "The request body is too large."),
            BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
                Problems.Of(415, UnifiedCode.UnsupportedMediaType, "Send the request body as application/json."),
            BadHttpRequestException { InnerException: JsonException json } => JsonProblem(json),
            BadHttpRequestException bad =>
                Problems.Of(bad.StatusCode, bad.StatusCode == 400 ? UnifiedCode.MalformedJson : UnifiedCode.InternalError, "The request could not be read: " + bad.Message),
            _ => null,
        };

        if (result is null)
        {
            logger.UnhandledException(exception, httpContext.Request.Path);
            result = Problems.Of(500, UnifiedCode.InternalError, "An internal error occurred; nothing was changed by this request unless its state says otherwise.");
        }

        await result.ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>
    /// A body the JSON reader refused: a control character (<c>invalid_field</c>), a field the operation does not have
    /// (<c>unknown_field</c>, named), otherwise <c>malformed_json</c> (syntax, a wrong type, a field given twice).
    /// </summary>
    private static ProblemHttpResult JsonProblem(JsonException json)
    {
        var field = RequestTextGuard.FieldOf(json);
        if (json is ForbiddenTextException)
        {
            return Problems.Validation(UnifiedCode.InvalidField, field, $"'{field}': " + json.Message);
        }

        if (json.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return Problems.Validation(UnifiedCode.UnknownField, field, $"'{field}' is not a field of this operation; check its spelling against the API reference.");
        }

        if (json.Message.StartsWith("Duplicate propert", StringComparison.Ordinal))
        {
            return Problems.Validation(UnifiedCode.MalformedJson, field, $"'{field}' is given more than once; each field may appear once.");
        }

        return Problems.Of(400, UnifiedCode.MalformedJson, JsonDetail(json));
    }

    private static string JsonDetail(JsonException json) =>
        json.Path is { Length: > 1 } path
            ? $"The body is not valid JSON or a field has the wrong type at '{path}'."
            : "The body is not valid JSON.";
}
