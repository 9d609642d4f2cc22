using Microsoft.Extensions.Logging;

namespace Sluice.Simulator;

/// <summary>
/// Every log message of Sluice.Simulator with its event id, in one place: ids are grouped by feature in ranges of a hundred, and
/// an id, once shipped, keeps its meaning (operators alert on them). Call sites read <c>logger.EventName(...)</c>.
/// </summary>
internal static partial class Log
{
    // Callbacks to the gateway
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Callback from {Channel} about {OrderId} not delivered: {Reason}")]
    public static partial void CallbackNotDelivered(this ILogger logger, string channel, string orderId, string reason);
}
