using Sluice.Channels;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Orders;
using Sluice.Server.Webhooks;
using Sluice.Server.Refunds;
using Sluice.Server.Routing;
using Sluice.Withdrawals;

namespace Sluice.Server.Withdrawals;

/// <summary>Withdrawals to the order kernel: their state machine, timeline table and <c>withdrawal.*</c> webhooks.</summary>
public sealed class WithdrawalKind : IOrderKind<WithdrawalOrder, WithdrawalStatus>
{
    public string Name => "withdrawal";

    public ChannelQueryKind QueryKind => ChannelQueryKind.Withdrawal;

    public bool CanTransition(WithdrawalStatus from, WithdrawalStatus to, bool exceptional) => WithdrawalStateMachine.CanTransition(from, to, exceptional);

    public string WireName(WithdrawalStatus status) => WithdrawalStateMachine.WireName(status);

    // "created" is internal (routed, not yet confirmed by the channel); every other state is the merchant's news.
    public bool Announces(WithdrawalStatus status) => status != WithdrawalStatus.Created;

    public bool EndsQueries(WithdrawalStatus status) => WithdrawalStateMachine.IsTerminal(status);

    public OrderEvent NewEvent(string orderId, string kind, string source, string? fromStatus, string? toStatus, string? detail, DateTimeOffset at) =>
        new WithdrawalEvent { WithdrawalId = orderId, Kind = kind, Source = source, FromStatus = fromStatus, ToStatus = toStatus, Detail = detail, CreatedAt = at };

    public object EventData(WithdrawalOrder order) => WithdrawalEventData.Of(order);
}

/// <summary>Money that will not go out through that channel today (failed, held again) gives its share of the daily limit back, once.</summary>
public sealed class WithdrawalLimitRelease(DailyLimitLedger ledger) : IOrderTransitionHook<WithdrawalOrder, WithdrawalStatus>
{
    public bool AppliesTo(WithdrawalOrder order, WithdrawalStatus target) => target is WithdrawalStatus.Failed or WithdrawalStatus.Held;

    public Task OnAppliedAsync(SluiceDbContext db, WithdrawalOrder order, StateChange<WithdrawalStatus> change, CancellationToken ct) =>
        ledger.ReleaseAsync(order.Id, ct);
}
