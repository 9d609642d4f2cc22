using Microsoft.Extensions.Logging;

namespace Sluice.Demo;

/// <summary>
/// Every log message of Sluice.Demo with its event id, in one place: ids are grouped by feature in ranges of a hundred, and
/// an id, once shipped, keeps its meaning (operators alert on them). Call sites read <c>logger.EventName(...)</c>.
/// </summary>
internal static partial class Log
{
    // Sandbox channel server side
    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Sandbox notice for {OutTradeNo} failed: {Error}")]
    public static partial void SandboxNoticeFailed(this ILogger logger, string outTradeNo, string error);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Sandbox gave up notifying {OutTradeNo}; the gateway must re-query")]
    public static partial void SandboxNoticeGaveUp(this ILogger logger, string outTradeNo);
}
