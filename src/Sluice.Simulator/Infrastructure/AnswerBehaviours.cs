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
}
