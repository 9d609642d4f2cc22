using Microsoft.Extensions.Options;

namespace Sluice.Simulator.Infrastructure;

/// <summary>
/// Applies the transport behaviours to an answer the channel has already processed: delay, time out (hold past any
/// client's patience), or a 5xx. A module calls it after it has done the work and before it answers, as a real channel
/// that took the order and then failed to answer would.
/// </summary>
public sealed class AnswerBehaviours(BehaviourBook book, TimeProvider clock, IOptions<SimulatorOptions> options)
{
    /// <returns>The answer to send instead of the channel's own, or null to answer normally.</returns>
    public async Task<IResult?> BeforeAnswerAsync(string channel, string? orderId, CancellationToken ct)
    {
        if (book.Take(channel, orderId, BehaviourAction.Delay) is { DelayMs: { } delay })
        {
            await Task.Delay(TimeSpan.FromMilliseconds(delay), clock, ct);
        }

        if (book.Take(channel, orderId, BehaviourAction.Timeout) is not null)
        {
            try
            {
                await Task.Delay(options.Value.TimeoutHold, clock, ct);
            }
            catch (OperationCanceledException)
            {
            }

            return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
        }

        return book.Take(channel, orderId, BehaviourAction.ServerError) is not null
            ? Results.Text("<html><body>502/500 Internal Server Error</body></html>", "text/html", statusCode: StatusCodes.Status500InternalServerError)
            : null;
    }

    /// <summary>The decline set for this order or channel, if any (used up like every behaviour with times).</summary>
    public Behaviour? Decline(string channel, string? orderId) => book.Take(channel, orderId, BehaviourAction.Decline);

    public Behaviour? Take(string channel, string? orderId, BehaviourAction action) => book.Take(channel, orderId, action);

    /// <summary>
    /// The answer's order number fields (<paramref name="fields"/>, those present) rewritten to another order's when
    /// <see cref="BehaviourAction.AnswerForAnotherOrder"/> is set for the order; the answer itself otherwise.
    /// </summary>
    public Dictionary<string, TValue> NamingAnotherOrder<TValue>(string channel, string? orderId, Dictionary<string, TValue> answer, Func<string, TValue> value, params string[] fields)
    {
        if (book.Take(channel, orderId, BehaviourAction.AnswerForAnotherOrder) is not { } behaviour)
        {
            return answer;
        }

        var changed = new Dictionary<string, TValue>(answer, StringComparer.Ordinal);
        foreach (var field in fields.Where(f => answer.TryGetValue(f, out var v) && v is not null))
        {
            changed[field] = value(behaviour.Message ?? changed[field] + "9");
        }

        return changed;
    }

    /// <summary>The other order's number to name, when <see cref="BehaviourAction.AnswerForAnotherOrder"/> is set for the order.</summary>
    public string? AnotherOrder(string channel, string? orderId) =>
        book.Take(channel, orderId, BehaviourAction.AnswerForAnotherOrder) is { } behaviour ? behaviour.Message ?? orderId + "9" : null;
}
