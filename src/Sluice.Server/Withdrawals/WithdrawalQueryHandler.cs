using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Requery;
using Sluice.Withdrawals;

namespace Sluice.Server.Withdrawals;

/// <summary>
/// Withdrawals in the re-query worker: a held one is re-routed (sent once a channel can take it, failed past its hold
/// time), one a channel holds or may hold is queried there, never sent again (<see cref="WithdrawalService.WorkOnAsync"/>);
/// the row then follows it (<see cref="WithdrawalService.NextLookAsync"/>). A withdrawal's row is written in the
/// transaction that stores it, so none is ever left without one: there are no orphans to adopt.
/// </summary>
public sealed class WithdrawalQueryHandler : IChannelQueryHandler
{
    public ChannelQueryKind Kind => ChannelQueryKind.Withdrawal;

    public Task<IReadOnlyList<OrphanOrder>> OrphansAsync(IServiceProvider scope, DateTimeOffset before, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<OrphanOrder>>([]);

    public async Task<ChannelQueryRound> QueryAsync(IServiceProvider scope, ChannelQuery row, CancellationToken ct)
    {
        var db = scope.GetRequiredService<SluiceDbContext>();
        var order = await db.Withdrawals.FirstOrDefaultAsync(w => w.Id == row.OrderId, ct);
        if (order is null || WithdrawalStateMachine.IsTerminal(order.Status))
        {
            var found = order is null ? "missing" : WithdrawalStateMachine.WireName(order.Status);
            return new ChannelQueryRound("", "found " + found, found, true, null);
        }

        var withdrawals = scope.GetRequiredService<WithdrawalService>();
        var held = order.Status == WithdrawalStatus.Held;
        var effect = await withdrawals.WorkOnAsync(order, ct);
        var done = WithdrawalStateMachine.IsTerminal(order.Status);
        return new ChannelQueryRound(held ? "routing" : "payout query", effect, WithdrawalStateMachine.WireName(order.Status), done, null)
        {
            Move = done ? null : await withdrawals.NextLookAsync(order, row.ChannelAccountId, ct),
        };
    }
}
