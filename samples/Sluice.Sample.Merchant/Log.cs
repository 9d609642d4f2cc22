using Sluice.Client;

namespace Sluice.Sample.Merchant;

/// <summary>The sample shop's log messages (event ids 4000s).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Warning, Message = "Refused a webhook: {Failure}")]
    public static partial void WebhookRefused(this ILogger logger, WebhookVerificationFailure failure);
}
