using Microsoft.Extensions.Logging;

namespace Sluice.Server;

/// <summary>The ledger's messages (event ids 4000-4099) in the server's one catalogue.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Payment {PaymentId} settled: pending moved to available")]
    public static partial void PaymentSettled(this ILogger logger, string paymentId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "{Kind} {OrderId} refused: the merchant's {Balance} balance is short")]
    public static partial void LedgerBalanceShort(this ILogger logger, string kind, string orderId, string balance);
}
