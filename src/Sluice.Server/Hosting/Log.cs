using Microsoft.Extensions.Logging;
using Sluice.Payments;

namespace Sluice.Server;

/// <summary>
/// Every log message of Sluice.Server with its event id, in one place: ids are grouped by feature in ranges of a hundred, and
/// an id, once shipped, keeps its meaning (operators alert on them). Call sites read <c>logger.EventName(...)</c>.
/// </summary>
internal static partial class Log
{
    // Payments
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "No channel for merchant {MerchantId}: {Method} {Amount} {Currency}; dropped: {Reasons}")]
    public static partial void NoChannelForPayment(this ILogger logger, string merchantId, string method, long amount, string currency, string reasons);

    // Refunds
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Refund {RefundId} is overdue: {Why}")]
    public static partial void RefundOverdue(this ILogger logger, string refundId, string why);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Refund overdue scan failed; retrying on the next tick")]
    public static partial void RefundOverdueScanFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Refund {RefundId} is paid back through withdrawal {WithdrawalId} ({WithdrawalStatus})")]
    public static partial void RefundPaidBack(this ILogger logger, string refundId, string withdrawalId, string withdrawalStatus);

    // Webhooks
    [LoggerMessage(EventId = 1201, Level = LogLevel.Debug, Message = "Lease on webhook {DeliveryId} expired before its attempt; leaving it to the node that claims it")]
    public static partial void WebhookLeaseExpired(this ILogger logger, string deliveryId);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Lease on webhook {DeliveryId} was lost while its attempt was in flight; the attempt is logged, the delivery left to its new owner")]
    public static partial void WebhookLeaseLost(this ILogger logger, string deliveryId);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Webhook {DeliveryId} ({EventType}) attempt {Attempt}: HTTP {Status}, {Result}")]
    public static partial void WebhookAttempted(this ILogger logger, string deliveryId, string eventType, int attempt, int status, string result);

    // Requery
    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Lease on channel query {RowId} expired before it was handled; leaving it to the node that claims it")]
    public static partial void ChannelQueryLeaseExpired(this ILogger logger, string rowId);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "{Kind} {OrderId} was left without the channel's answer; a query is scheduled")]
    public static partial void ChannelQueryAdopted(this ILogger logger, ChannelQueryKind kind, string orderId);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "Channel query {RowId} failed; it is taken up again when its lease expires")]
    public static partial void ChannelQueryFailed(this ILogger logger, Exception exception, string rowId);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "Supplementary {Operation} of {Kind} {OrderId} (attempt {Attempt}): {Result}; it is {Status}")]
    public static partial void ChannelQueryHandled(this ILogger logger, string operation, ChannelQueryKind kind, string orderId, int attempt, string result, string status);

    // Withdrawals
    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Withdrawal {WithdrawalId} of merchant {MerchantId} created: {Status} via {Channel}")]
    public static partial void WithdrawalCreated(this ILogger logger, string withdrawalId, string merchantId, string status, string channel);

    // Orders (the order-flow kernel)
    [LoggerMessage(EventId = 1501, Level = LogLevel.Debug, Message = "{Kind} {OrderId} moved {From} -> {To} ({Source})")]
    public static partial void OrderTransitioned(this ILogger logger, string kind, string orderId, string from, string to, string source);

    [LoggerMessage(EventId = 1502, Level = LogLevel.Error, Message = "Channel adapter {Protocol} threw on {Operation} of {OrderId}; outcome recorded as unknown")]
    public static partial void ChannelAdapterFault(this ILogger logger, Exception exception, string protocol, string operation, string orderId);

    // Callbacks
    [LoggerMessage(EventId = 1601, Level = LogLevel.Warning, Message = "Rejected callback for channel account {AccountId}: {Reason}")]
    public static partial void CallbackRejected(this ILogger logger, string accountId, string reason);

    [LoggerMessage(EventId = 1602, Level = LogLevel.Information, Message = "Callback for channel account {AccountId}, order {OrderId}: {Effect}")]
    public static partial void CallbackApplied(this ILogger logger, string accountId, string orderId, string effect);

    // Channel messages and routing health (4200-4299)
    [LoggerMessage(EventId = 4201, Level = LogLevel.Error, Message = "Channel adapter {Protocol} threw reading a notice for channel account {AccountId}; the notice is refused and the channel sends it again")]
    public static partial void CallbackAdapterFault(this ILogger logger, Exception exception, string protocol, string accountId);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "{Protocol} answered a {Operation} call about {OrderId} with an answer naming {NamedOrder}; taken for unknown, the order is re-queried")]
    public static partial void AnswerForAnotherOrder(this ILogger logger, string protocol, string operation, string orderId, string namedOrder);

    [LoggerMessage(EventId = 4204, Level = LogLevel.Warning, Message = "Channel {Channel}'s circuit breaker opened after {Failures} calls in a row it did not answer; out of routing for {CoolDown}, then one probe")]
    public static partial void ChannelBreakerOpened(this ILogger logger, string channel, int failures, TimeSpan coolDown);

    [LoggerMessage(EventId = 4205, Level = LogLevel.Information, Message = "Channel {Channel}'s circuit breaker closed: the channel answered again")]
    public static partial void ChannelBreakerClosed(this ILogger logger, string channel);

    [LoggerMessage(EventId = 4206, Level = LogLevel.Error, Message = "Recording a call to channel {Channel} in its circuit breaker failed; the breaker misses this call")]
    public static partial void ChannelBreakerRecordFailed(this ILogger logger, Exception exception, string channel);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Warning, Message = "A reported success for {Kind} {OrderId} ({Source}) is not believed: {Why}; the order stays open for its re-query")]
    public static partial void SuccessAmountRefused(this ILogger logger, string kind, string orderId, string source, string why);

    // Channel catalog and routing
    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "Channel catalog loaded at version {Version}: {Channels} channels, {Methods} payment methods")]
    public static partial void ChannelCatalogLoaded(this ILogger logger, long version, int channels, int methods);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "Channel catalog version check failed; serving the last snapshot")]
    public static partial void ChannelCatalogCheckFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1751, Level = LogLevel.Warning, Message = "Daily-limit reservation of order {OrderId} was orphaned (order missing, failed or closed); its amount is given back")]
    public static partial void OrphanedReservationReleased(this ILogger logger, string orderId);

    // Result codes
    [LoggerMessage(EventId = 1801, Level = LogLevel.Information, Message = "Result-code overrides loaded at catalog version {Version}: {Count} rules")]
    public static partial void ResultCodeOverridesLoaded(this ILogger logger, long version, int count);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Warning, Message = "Loading result-code overrides failed; keeping the rules last loaded")]
    public static partial void ResultCodeOverridesFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Warning, Message = "Unmapped {Protocol} result in flow {Flow}: code {RawCode}, sub-code {RawSubCode}; treated as unknown")]
    public static partial void UnmappedResultCode(this ILogger logger, string protocol, string flow, string rawCode, string rawSubCode);

    [LoggerMessage(EventId = 1804, Level = LogLevel.Error, Message = "Counting an unmapped {Protocol} result ({Flow}, {RawCode}) failed")]
    public static partial void UnmappedResultCodeCountFailed(this ILogger logger, Exception exception, string protocol, string flow, string rawCode);

    // Hosting and API
    [LoggerMessage(EventId = 1901, Level = LogLevel.Information, Message = "Node {NodeId} has roles {Roles} (background loops enabled: {WorkersEnabled})")]
    public static partial void NodeRolesStarted(this ILogger logger, string nodeId, string roles, bool workersEnabled);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Error, Message = "{Worker} round failed; retrying on the next tick")]
    public static partial void WorkerRoundFailed(this ILogger logger, Exception exception, string worker);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Error, Message = "Unhandled exception on {Path}")]
    public static partial void UnhandledException(this ILogger logger, Exception exception, string path);
}
