using System.Net;
using System.Text.Json;

namespace Sluice.Client;

/// <summary>
/// The gateway refused a request: an RFC 9457 problem with a stable unified <see cref="Code"/> (e.g.
/// <c>duplicate_order_no</c>, <c>no_channel_available</c>, <c>invalid_field</c>) to branch on, never the message text.
/// </summary>
public sealed class SluiceApiException : Exception
{
    /// <summary>Creates the exception from an answer's parts.</summary>
    /// <param name="status">The HTTP status of the answer.</param>
    /// <param name="code">The problem's unified code (<c>http_{status}</c> when the answer carried none).</param>
    /// <param name="title">The problem's title.</param>
    /// <param name="detail">The problem's detail.</param>
    /// <param name="field">The field the problem is about, for validation problems.</param>
    /// <param name="problem">The whole problem document, for its other members.</param>
    public SluiceApiException(HttpStatusCode status, string code, string? title, string? detail, string? field, JsonElement? problem)
        : base($"Sluice answered {(int)status} {code}: {detail ?? title ?? "no detail"}")
    {
        Status = status;
        Code = code;
        Title = title;
        Detail = detail;
        Field = field;
        Problem = problem;
    }

    /// <summary>Creates an exception with a message only (no answer was read).</summary>
    public SluiceApiException() : this("The Sluice request failed.")
    {
    }

    /// <summary>Creates an exception with a message only (no answer was read).</summary>
    /// <param name="message">What went wrong.</param>
    public SluiceApiException(string message) : base(message)
    {
        Code = "unknown";
    }

    /// <summary>Creates an exception with a message and its cause (no answer was read).</summary>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The cause.</param>
    public SluiceApiException(string message, Exception innerException) : base(message, innerException)
    {
        Code = "unknown";
    }

    /// <summary>The HTTP status of the answer.</summary>
    public HttpStatusCode Status { get; }

    /// <summary>The unified code of the problem, e.g. <c>duplicate_order_no</c>.</summary>
    public string Code { get; }

    /// <summary>The problem's title (a sentence about the code).</summary>
    public string? Title { get; }

    /// <summary>The problem's detail (about this occurrence).</summary>
    public string? Detail { get; }

    /// <summary>The request field the problem is about (validation problems), e.g. <c>amount</c>.</summary>
    public string? Field { get; }

    /// <summary>The problem document as the gateway sent it (e.g. <c>payment_status</c> on a conflict).</summary>
    public JsonElement? Problem { get; }

    /// <summary>
    /// How long the gateway asks to wait before trying again (its <c>Retry-After</c>), e.g. on 429 <c>rate_limited</c>,
    /// which the client does not retry by itself; null when the answer named none.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Reads a refusal from an answer that is not a success.</summary>
    internal static async Task<SluiceApiException> FromResponseAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        JsonElement? problem = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                problem = doc.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
        }

        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        return new SluiceApiException(
            response.StatusCode,
            StringOf(problem, "code") ?? $"http_{(int)response.StatusCode}",
            StringOf(problem, "title"),
            StringOf(problem, "detail") ?? (problem is null && text.Length > 0 ? text[..Math.Min(text.Length, 500)] : null),
            StringOf(problem, "field"),
            problem)
        {
            RetryAfter = retryAfter,
        };
    }

    internal static string? StringOf(JsonElement? problem, string name) =>
        problem is { } p && p.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
