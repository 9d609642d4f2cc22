using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Demo.Sandbox;
using Sluice.Tests.Infrastructure;
using static Sluice.Tests.Withdrawals.WithdrawalTestKit;

namespace Sluice.Tests.Withdrawals;

/// <summary>
/// Wallet withdrawals through the sandbox channel's payouts, failover after a definite "not taken", a hold when every
/// channel refused before taking it, and a node that died in the middle of a payout leaving nothing stuck.
/// </summary>
public abstract class WalletWithdrawalTests(GatewayFixture gateway) : IAsyncLifetime
{
    private WebhookReceiver _merchantEndpoint = null!;

    public async ValueTask InitializeAsync() => _merchantEndpoint = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        await _merchantEndpoint.DisposeAsync();
    }

    private Dictionary<string, string> SandboxCredentials(bool reachable = true)
    {
        var merchantNo = "SBXW" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        return new Dictionary<string, string>
        {
            ["merchant_no"] = merchantNo,
            ["api_secret"] = gateway.Services.GetRequiredService<SandboxKeys>().SecretFor(merchantNo),
            ["base_url"] = reachable ? gateway.BaseAddress.ToString() : $"http://127.0.0.1:{GatewayFixture.FreePort()}/",
        };
    }

    [Fact]
    public async Task A_wallet_withdrawal_fails_over_from_a_channel_that_refused_the_connection_and_succeeds_at_the_next()
    {
        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(_merchantEndpoint.Url);
        var (_, refusingAccount) = await gateway.WithdrawalChannelAsync(merchantId, "sandbox", "withdraw_wallet", SandboxCredentials(reachable: false), feePpm: 0, weight: 100);
        var (working, _) = await gateway.WithdrawalChannelAsync(merchantId, "sandbox", "withdraw_wallet", SandboxCredentials(), feePpm: 20_000, weight: 1);
        using var merchant = gateway.Merchant(apiKey);

        var paid = await merchant.CreateWithdrawalAsync("wallet-user@example.com", "wallet");

        paid.Str("status").ShouldBe("succeeded");
        paid.Str("payee_type").ShouldBe("wallet");
        paid.Str("channel").ShouldBe(working);
        var events = await gateway.WithDbAsync(db => db.WithdrawalEvents.AsNoTracking().Where(e => e.WithdrawalId == paid.Str("id")).ToListAsync(Ct));
        events.ShouldContain(e => e.Kind == "failover" && e.Detail!.StartsWith(refusingAccount + " did not take the withdrawal (CONNECTION_REFUSED)"));
    }

    [Fact]
    public async Task When_every_channel_refuses_before_taking_it_the_withdrawal_is_held_not_failed()
    {
        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(_merchantEndpoint.Url);
        await gateway.WithdrawalChannelAsync(merchantId, "sandbox", "withdraw_wallet", SandboxCredentials(reachable: false));
        using var merchant = gateway.Merchant(apiKey);

        var held = await merchant.CreateWithdrawalAsync("wallet-user@example.com", "wallet");

        held.Str("status").ShouldBe("held");
        held.Str("hold_reason").ShouldContain("channel_unavailable");
        held.GetProperty("failure").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        var reservations = await gateway.WithDbAsync(db => db.LimitReservations.AsNoTracking().Where(r => r.OrderId == held.Str("id")).ToListAsync(Ct));
        reservations.ShouldAllBe(r => r.ReleasedAt != null);
    }

    [Fact]
    public async Task An_operator_cancels_a_held_withdrawal_once_with_a_note_and_it_is_never_sent_afterwards()
    {
        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(_merchantEndpoint.Url);
        var (_, accountId) = await gateway.WithdrawalChannelAsync(merchantId, "sandbox", "withdraw_wallet", SandboxCredentials(reachable: false));
        using var merchant = gateway.Merchant(apiKey);
        var held = await merchant.CreateWithdrawalAsync("wallet-user@example.com", "wallet");
        var id = held.Str("id");
        held.Str("status").ShouldBe("held");
        using var admin = gateway.Admin();

        using var noNote = await admin.PostAsync($"/admin/api/withdrawals/{id}/cancel", Api.JsonBody(new { note = " " }), Ct);
        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            admin.PostAsync($"/admin/api/withdrawals/{id}/cancel", Api.JsonBody(new { note = "Merchant asked to stop it by phone" }), Ct)));

        noNote.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        (await noNote.ReadJsonAsync()).Str("code").ShouldBe("missing_field");
        racing.Count(r => r.StatusCode == System.Net.HttpStatusCode.OK).ShouldBe(1);
        foreach (var refused in racing.Where(r => r.StatusCode != System.Net.HttpStatusCode.OK))
        {
            refused.StatusCode.ShouldBe(System.Net.HttpStatusCode.Conflict);
            (await refused.ReadJsonAsync()).Str("code").ShouldBe("withdrawal_not_cancellable");
        }

        var cancelled = await merchant.GetWithdrawalAsync(id);
        cancelled.Str("status").ShouldBe("failed");
        cancelled.GetProperty("failure").Str("code").ShouldBe("withdrawal_cancelled");
        (await gateway.WebhookEventsForAsync(id)).ShouldBe(["withdrawal.held", "withdrawal.failed"], ignoreOrder: true);
        var audit = (await (await admin.GetAsync($"/admin/api/audit?entityType=withdrawal&entityId={id}", Ct)).ReadJsonAsync()).EnumerateArray().ShouldHaveSingleItem();
        audit.Str("action").ShouldBe("withdrawal.cancel");
        audit.Str("new_value").ShouldContain("by phone");

        // The channel comes back: the pass leaves the cancelled withdrawal alone, so it is never paid out.
        using var repointed = await admin.PatchAsync($"/admin/api/channel-accounts/{accountId}", Api.JsonBody(new { credentials = SandboxCredentials() }), Ct);
        repointed.EnsureSuccessStatusCode();
        gateway.Clock.Advance(TimeSpan.FromMinutes(1));
        await gateway.Services.Worker().RunOnceAsync(Ct);
        (await merchant.GetWithdrawalAsync(id)).Str("status").ShouldBe("failed");
        (await gateway.WithDbAsync(db => db.WithdrawalEvents.CountAsync(e => e.WithdrawalId == id && e.ToStatus == "created", Ct))).ShouldBe(0);

        // A withdrawal that has left the hold cannot be cancelled.
        await gateway.WithdrawalChannelAsync(merchantId, "sandbox", "withdraw_wallet", SandboxCredentials());
        var paid = await merchant.CreateWithdrawalAsync("wallet-user@example.com", "wallet");
        using var tooLate = await admin.PostAsync($"/admin/api/withdrawals/{paid.Str("id")}/cancel", Api.JsonBody(new { note = "too late" }), Ct);
        tooLate.StatusCode.ShouldBe(System.Net.HttpStatusCode.Conflict);
        (await merchant.GetWithdrawalAsync(paid.Str("id"))).Str("status").ShouldBe("succeeded");
    }

    [Fact]
    public async Task A_withdrawal_over_what_is_left_of_the_daily_limit_is_held_and_listed_for_operators()
    {
        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(_merchantEndpoint.Url);
        await gateway.WithdrawalChannelAsync(merchantId, "sandbox", "withdraw_wallet", SandboxCredentials(), dailyLimit: 1000_00);
        using var merchant = gateway.Merchant(apiKey);

        var first = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(WithdrawalRequest(amount: 800_00, accountNo: "wallet-a@example.com", payeeType: "wallet")), Ct);
        var second = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(WithdrawalRequest(amount: 800_00, accountNo: "wallet-b@example.com", payeeType: "wallet")), Ct);
        var paid = await first.ReadJsonAsync();
        var held = await second.ReadJsonAsync();
        using var admin = gateway.Admin();
        var listed = await (await admin.GetAsync("/admin/api/withdrawals?status=held", Ct)).ReadJsonAsync();

        paid.Str("status").ShouldBe("succeeded");
        held.Str("status").ShouldBe("held");
        held.Str("hold_reason").ShouldContain("daily limit");
        listed.EnumerateArray().Select(w => w.GetProperty("withdrawal").Str("id")).ShouldContain(held.Str("id"));
        listed.EnumerateArray().ShouldAllBe(w => w.GetProperty("withdrawal").Str("status") == "held");
    }

    [Fact]
    public async Task A_repeated_withdrawal_number_answers_the_same_withdrawal_and_one_with_another_payee_is_refused()
    {
        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(_merchantEndpoint.Url);
        await gateway.WithdrawalChannelAsync(merchantId, "sandbox", "withdraw_wallet", SandboxCredentials());
        using var merchant = gateway.Merchant(apiKey);
        var number = "WD-" + Guid.NewGuid().ToString("N")[..10];

        var first = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(WithdrawalRequest(number, accountNo: "wallet-a@example.com", payeeType: "wallet")), Ct);
        var retry = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(WithdrawalRequest(number, accountNo: "wallet-a@example.com", payeeType: "wallet")), Ct);
        var otherPayee = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(WithdrawalRequest(number, accountNo: "wallet-z@example.com", payeeType: "wallet")), Ct);

        first.StatusCode.ShouldBe(System.Net.HttpStatusCode.Created);
        retry.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK);
        (await retry.ReadJsonAsync()).Str("id").ShouldBe((await first.ReadJsonAsync()).Str("id"));
        otherPayee.StatusCode.ShouldBe(System.Net.HttpStatusCode.Conflict);
        (await otherPayee.ReadJsonAsync()).Str("code").ShouldBe("duplicate_order_no");
        (await gateway.WithDbAsync(db => db.Withdrawals.CountAsync(w => w.MerchantWithdrawalNo == number, Ct))).ShouldBe(1);
    }

    [Fact]
    public async Task A_node_that_died_during_the_payout_call_leaves_it_to_the_query_pass_once_its_lease_expires()
    {
        var (merchantId, apiKey, _) = await gateway.MerchantWithAppAsync(_merchantEndpoint.Url);
        var (channel, _) = await gateway.WithdrawalChannelAsync(merchantId, "sandbox", "withdraw_wallet", SandboxCredentials());
        using var merchant = gateway.Merchant(apiKey);
        var paid = await merchant.CreateWithdrawalAsync("wallet-user@example.com", "wallet");

        // As a node leaves a withdrawal when it dies after committing it and before the channel answered.
        var orphan = await gateway.WithDbAsync(async db =>
        {
            var now = gateway.Clock.GetUtcNow();
            var row = await db.Withdrawals.FirstAsync(w => w.Id == paid.Str("id"), Ct);
            row.Status = Sluice.Withdrawals.WithdrawalStatus.Created;
            row.SucceededAt = null;
            row.Version++;
            var query = await db.ChannelQueries.FirstAsync(q => q.Kind == Sluice.Payments.ChannelQueryKind.Withdrawal && q.OrderId == row.Id, Ct);
            query.Status = Sluice.Payments.ChannelQueryStatus.Pending;
            query.LeaseOwner = "node-that-died";
            query.LeaseExpiresAt = now.AddSeconds(60);
            query.NextQueryAt = now.AddSeconds(30);
            await db.SaveChangesAsync(Ct);
            return row.Id;
        });
        gateway.Clock.Advance(TimeSpan.FromSeconds(31));
        await gateway.Services.Worker().RunOnceAsync(Ct);
        var whileLeased = await gateway.WithDbAsync(db => db.Withdrawals.AsNoTracking().FirstAsync(w => w.Id == orphan, Ct));
        var rowWhileLeased = await gateway.WithdrawalQueryRowAsync(orphan);
        gateway.Clock.Advance(TimeSpan.FromSeconds(30));
        await gateway.Services.Worker().RunOnceAsync(Ct);

        (whileLeased.Status, rowWhileLeased.LeaseOwner).ShouldBe((Sluice.Withdrawals.WithdrawalStatus.Created, "node-that-died"), "nobody touches it while its lease holds");
        var settled = await merchant.GetWithdrawalAsync(orphan);
        settled.Str("status").ShouldBe("succeeded");
        settled.Str("channel").ShouldBe(channel);
        var settledBy = await gateway.WithDbAsync(db => db.WithdrawalEvents.AsNoTracking()
            .Where(e => e.WithdrawalId == orphan && e.Kind == "status_changed").OrderBy(e => e.Id).Select(e => e.Source).ToListAsync(Ct));
        settledBy.ShouldBe(["channel_withdraw", "channel_query"], "settled by a query at the channel, never sent again");
    }
}

public sealed class WalletWithdrawalSqliteTests(SqliteGateway gateway) : WalletWithdrawalTests(gateway), IClassFixture<SqliteGateway>;

public sealed class WalletWithdrawalPostgresTests(PostgresGateway gateway) : WalletWithdrawalTests(gateway), IClassFixture<PostgresGateway>;
