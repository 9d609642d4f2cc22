using System.Net;
using Microsoft.EntityFrameworkCore;
using Sluice.Server.Requery;
using Sluice.Tests.Channels.UnionPay;
using Sluice.Tests.Infrastructure;
using Sluice.Tests.Requery;
using Sluice.Withdrawals;
using static Sluice.Tests.Withdrawals.WithdrawalTestKit;

namespace Sluice.Tests.Withdrawals;

/// <summary>
/// Supplementary queries of withdrawals against the simulated bank: a payout the bank keeps processing is queried on
/// the <c>bank</c> protocol's schedule (or the one configured under <c>Sluice:Requery:Schedules:bank</c>) until it is
/// final, and a merchant's <c>?refresh=true</c> asks the bank at once, unless another node is working on it.
/// </summary>
public abstract class WithdrawalRequeryTests(SimulatedChannelsGateway gateway) : IAsyncLifetime
{
    private static readonly IReadOnlyList<TimeSpan> BankSchedule = RequerySchedules.Defaults["bank"];

    private SimulatorHost Simulator => gateway.Simulator;

    private WebhookReceiver _merchantEndpoint = null!;

    public async ValueTask InitializeAsync() => _merchantEndpoint = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _merchantEndpoint.DisposeAsync();
        await Simulator.Client().DeleteAsync("control/behaviours?channel=bankpayout");
    }

    private Task<WithdrawalOrder> StoredAsync(string id) => gateway.WithDbAsync(db => db.Withdrawals.AsNoTracking().FirstAsync(w => w.Id == id, Ct));

    /// <summary>Moves the clock to the withdrawal's next query and runs the worker's pass; returns the withdrawal after it.</summary>
    private async Task<WithdrawalOrder> NextQueryAsync(string id)
    {
        gateway.Clock.Advance((await StoredAsync(id)).NextQueryAt!.Value - gateway.Clock.GetUtcNow());
        await gateway.Services.Worker().RunOnceAsync(Ct);
        return await StoredAsync(id);
    }

    [Fact]
    public async Task A_payout_the_bank_keeps_processing_is_queried_on_the_bank_schedule_then_on_the_configured_one_until_final()
    {
        var shop = await gateway.PayoutShopAsync(_merchantEndpoint.Url);
        using var merchant = gateway.Merchant(shop.ApiKey);
        var id = (await merchant.CreateWithdrawalAsync()).Str("id");
        (await StoredAsync(id)).NextQueryAt!.Value.ShouldBe(gateway.Clock.GetUtcNow() + BankSchedule[0], TimeSpan.FromSeconds(1));

        var first = await NextQueryAsync(id);
        (first.Status, first.QueryCount).ShouldBe((WithdrawalStatus.Pending, 1));
        first.NextQueryAt.ShouldBe(gateway.Clock.GetUtcNow() + BankSchedule[1]);

        using (gateway.OverrideSchedule("bank", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7)))
        {
            var second = await NextQueryAsync(id);
            second.QueryCount.ShouldBe(2);
            second.NextQueryAt.ShouldBe(gateway.Clock.GetUtcNow() + TimeSpan.FromSeconds(7), "the configured schedule's last interval repeats");

            await Simulator.SetBehaviourAsync("bankpayout", id, "lose_callback");
            await Simulator.CompletePayoutAsync(id, "SUCCEEDED");
            var settled = await NextQueryAsync(id);
            (settled.Status, settled.QueryCount, settled.NextQueryAt).ShouldBe((WithdrawalStatus.Succeeded, 3, (DateTimeOffset?)null));
        }

        (await Simulator.PayoutRequestsAsync(id)).ShouldBe((1, 3), "queried three times, never sent again");
    }

    [Fact]
    public async Task A_live_refresh_returns_the_banks_current_state_but_leaves_a_withdrawal_another_node_holds_alone()
    {
        var shop = await gateway.PayoutShopAsync(_merchantEndpoint.Url);
        using var merchant = gateway.Merchant(shop.ApiKey);
        var paid = (await merchant.CreateWithdrawalAsync()).Str("id");
        var held = (await merchant.CreateWithdrawalAsync()).Str("id");
        foreach (var id in new[] { paid, held })
        {
            await Simulator.SetBehaviourAsync("bankpayout", id, "lose_callback");
            await Simulator.CompletePayoutAsync(id, "SUCCEEDED");
        }

        (await merchant.GetWithdrawalAsync(paid)).Str("status").ShouldBe("pending", "without refresh the gateway answers what it holds");
        await gateway.WithDbAsync(db => db.Withdrawals.Where(w => w.Id == held).ExecuteUpdateAsync(s => s
            .SetProperty(w => w.LeaseOwner, "test-node-busy").SetProperty(w => w.LeaseExpiresAt, gateway.Clock.GetUtcNow().AddMinutes(1)), Ct));

        using var refreshed = await merchant.GetAsync($"/v1/withdrawals/{paid}?refresh=true", Ct);
        using var busy = await merchant.GetAsync($"/v1/withdrawals/{held}?refresh=true", Ct);

        refreshed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refreshed.ReadJsonAsync()).Str("status").ShouldBe("succeeded");
        (await Simulator.PayoutRequestsAsync(paid)).ShouldBe((1, 1));
        var stored = await StoredAsync(paid);
        (stored.LeaseOwner, stored.LeaseExpiresAt).ShouldBe((null, null));
        (await gateway.WithDbAsync(db => db.WithdrawalEvents.SingleAsync(e => e.WithdrawalId == paid && e.ToStatus == "succeeded", Ct))).Source.ShouldBe("merchant_refresh");

        (await busy.ReadJsonAsync()).Str("status").ShouldBe("pending");
        (await Simulator.PayoutRequestsAsync(held)).ShouldBe((1, 0), "another node is working on it: the refresh does not ask the bank as well");
        (await StoredAsync(held)).LeaseOwner.ShouldBe("test-node-busy");
    }
}

public sealed class WithdrawalRequerySqliteTests(SqliteSimulatedChannelsGateway gateway) : WithdrawalRequeryTests(gateway), IClassFixture<SqliteSimulatedChannelsGateway>;

public sealed class WithdrawalRequeryPostgresTests(PostgresSimulatedChannelsGateway gateway) : WithdrawalRequeryTests(gateway), IClassFixture<PostgresSimulatedChannelsGateway>;
