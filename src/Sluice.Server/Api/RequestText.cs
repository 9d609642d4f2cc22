using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Common;
using Sluice.Errors;

namespace Sluice.Server.Api;

/// <summary>A JSON string (value or dictionary key) the <see cref="PlainText"/> rule refuses.</summary>
public sealed class ForbiddenTextException(string detail) : JsonException(detail);

/// <summary>
/// Applies <see cref="PlainText"/> to every string the API reads from a JSON body, including dictionary keys, so no
/// field can carry a NUL or a lone surrogate into the database: one place for every request type.
/// </summary>
public sealed class PlainTextStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("Expected a string.");
        }

        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new ForbiddenTextException("The field is not valid UTF-16 (a lone surrogate escape).");
        }

        return PlainText.IsAllowed(text)
            ? text
            : throw new ForbiddenTextException("The field contains a control character or invalid UTF-16 (" + PlainText.Describe(text) + ").");
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString()!;
        return PlainText.IsAllowed(text, allowLineBreaks: false)
            ? text
            : throw new ForbiddenTextException("A key contains a control character or invalid UTF-16 (" + PlainText.Describe(text, allowLineBreaks: false) + ").");
    }

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);
}

/// <summary>
/// Refuses a request whose path or query string carries a control character or invalid UTF-16 with 400
/// <c>invalid_field</c> before any endpoint runs; JSON bodies are covered by <see cref="PlainTextStringConverter"/> and
/// channel notices by the notify endpoint.
/// </summary>
public static class RequestTextGuard
{
    public static IApplicationBuilder UseRequestTextGuard(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (FindForbidden(http.Request) is { } field)
        {
            await Problems.Validation(UnifiedCode.InvalidField, field, $"'{field}' contains a control character or invalid UTF-16; send printable text only.")
                .ExecuteAsync(http);
            return;
        }

        await next(http);
    });

    private static string? FindForbidden(HttpRequest request)
    {
        if (!PlainText.IsAllowed(request.Path.Value, allowLineBreaks: false))
        {
            return "path";
        }

        // Kestrel hands header values over decoded as Latin-1 (Program.cs), so a non-ASCII header reaches this guard and
        // gets a problem body instead of Kestrel's bare 400.
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                if (value is not null && !IsPrintableAscii(value))
                {
                    return name;
                }
            }
        }

        if (!request.QueryString.HasValue)
        {
            return null;
        }

        foreach (var (key, values) in request.Query)
        {
            if (!PlainText.IsAllowed(key, allowLineBreaks: false))
            {
                return "query";
            }

            foreach (var value in values)
            {
                if (value is not null && !PlainText.IsAllowed(value, allowLineBreaks: false))
                {
                    return key;
                }
            }
        }

        return null;
    }

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value)
        {
            if (c is not ('\t' or (>= ' ' and <= '~')))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The JSON path of a binding failure as a field name: <c>$.metadata.a</c> → <c>metadata.a</c>.</summary>
    public static string FieldOf(JsonException json) =>
        PlainText.Scrub(json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : json.Path ?? "body", allowLineBreaks: false);
}
