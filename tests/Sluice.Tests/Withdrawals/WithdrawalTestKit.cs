using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Payments;
using Sluice.Server.Requery;
using Sluice.Server.Withdrawals;
using Sluice.Tests.Channels.UnionPay;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Withdrawals;

/// <summary>A merchant whose app notifies the test's endpoint, with one account at a bank payout channel of its own.</summary>
public sealed record PayoutShop(string ApiKey, string WebhookSecret, string ChannelCode, string ChannelAccountId);

public static class WithdrawalTestKit
{
    public const string AccountNo = "6222020200112233445";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A withdrawal channel of protocol <c>bank</c> pointing at the simulated bank, a merchant with an app notifying
    /// <paramref name="notifyUrl"/>, and its account at that channel.
    /// </summary>
    public static async Task<PayoutShop> PayoutShopAsync(this SimulatedChannelsGateway gateway, Uri notifyUrl)
    {
        var (merchantId, apiKey, webhookSecret) = await gateway.MerchantWithAppAsync(notifyUrl);
        var (channelCode, accountId) = await gateway.BankPayoutChannelAsync(merchantId);
        return new PayoutShop(apiKey, webhookSecret, channelCode, accountId);
    }

    /// <summary>A bank payout client registered at the simulated bank, and the merchant's account at a withdrawal channel of its own there.</summary>
    public static async Task<(string ChannelCode, string AccountId)> BankPayoutChannelAsync(this SimulatedChannelsGateway gateway, string merchantId)
    {
        using var bank = gateway.Simulator.Client();
        var clientId = "CORP" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var issued = await (await bank.PostAsJsonAsync("control/bankpayout/clients", new { client_id = clientId }, Ct)).ReadJsonAsync();
        return await gateway.WithdrawalChannelAsync(merchantId, "bank", "withdraw_bank_account", new Dictionary<string, string>
        {
            ["client_id"] = clientId, ["secret"] = issued.Str("secret"), ["base_url"] = gateway.Simulator.BaseAddress.ToString(),
        });
    }

    /// <summary>A withdrawal channel of its own (online, CNY) and the merchant's account there.</summary>
    public static Task<(string ChannelCode, string AccountId)> WithdrawalChannelAsync(
        this GatewayFixture gateway, string merchantId, string protocol, string method, Dictionary<string, string> credentials, int feePpm = 1000, int weight = 100, long? dailyLimit = null) =>
        gateway.ChannelWithAccountAsync(merchantId, "withdrawal", protocol, [method], credentials, feePpm, weight, dailyLimit);

    public static object WithdrawalRequest(string? number = null, long amount = 500_00, string accountNo = AccountNo, string payeeType = "bank_account") => new Dictionary<string, object>
    {
        ["merchant_withdrawal_no"] = number ?? "WD-" + Guid.NewGuid().ToString("N")[..12],
        ["amount"] = amount,
        ["currency"] = "CNY",
        ["payee_type"] = payeeType,
        ["payee_account_no"] = accountNo,
        ["payee_name"] = "Zhang San",
        ["bank_code"] = "ICBC",
        ["remark"] = "salary",
    };

    public static async Task<JsonElement> CreateWithdrawalAsync(this HttpClient merchant, string accountNo = AccountNo, string payeeType = "bank_account")
    {
        var response = await merchant.PostAsync("/v1/withdrawals", Api.JsonBody(WithdrawalRequest(accountNo: accountNo, payeeType: payeeType)), Ct);
        var body = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(201, body.ToString());
        return body;
    }

    public static async Task<JsonElement> GetWithdrawalAsync(this HttpClient merchant, string id)
    {
        var response = await merchant.GetAsync($"/v1/withdrawals/{id}", Ct);
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body.ToString());
        return body;
    }

    public static Task<string> StatusBecomesAsync(this HttpClient merchant, string id, string status) =>
        Api.EventuallyAsync(async () => (await merchant.GetWithdrawalAsync(id)).Str("status"), s => s == status, $"withdrawal {id} to be {status}");

    public static async Task SetChannelStatusAsync(this GatewayFixture gateway, string channelCode, string status)
    {
        using var admin = gateway.Admin();
        var response = await admin.PutAsync($"/admin/api/channels/{channelCode}/status", Api.JsonBody(new { status }), Ct);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>The bank's control API: moves a payout and sends its notice.</summary>
    public static async Task CompletePayoutAsync(this SimulatorHost simulator, string id, string status, string? failureCode = null)
    {
        using var bank = simulator.Client();
        (await bank.PostAsJsonAsync($"control/bankpayout/payouts/{id}/complete", new { status, failure_code = failureCode }, Ct)).EnsureSuccessStatusCode();
    }

    /// <summary>How many create and query requests the simulated bank received for a payout.</summary>
    public static async Task<(int Creates, int Queries)> PayoutRequestsAsync(this SimulatorHost simulator, string id)
    {
        using var bank = simulator.Client();
        var counts = await (await bank.GetAsync($"control/bankpayout/payouts/{id}/requests", Ct)).ReadJsonAsync();
        return (counts.GetProperty("creates").GetInt32(), counts.GetProperty("queries").GetInt32());
    }

    /// <summary>The re-query worker, which also re-routes held withdrawals and queries pending ones.</summary>
    public static ChannelRequeryWorker Worker(this IServiceProvider services) => services.GetRequiredService<ChannelRequeryWorker>();

    /// <summary>A withdrawal's row in <c>channel_queries</c>: when it is looked at next, how often it was queried, who holds its lease.</summary>
    public static Task<ChannelQuery> WithdrawalQueryRowAsync(this GatewayFixture gateway, string id) =>
        gateway.WithDbAsync(db => db.ChannelQueries.AsNoTracking().SingleAsync(q => q.Kind == ChannelQueryKind.Withdrawal && q.OrderId == id, Ct));

    /// <summary>The gateway's withdrawal settings; tests may shorten them for one test and restore them after.</summary>
    public static WithdrawalOptions WithdrawalOptions(this GatewayFixture gateway) => gateway.Services.GetRequiredService<IOptions<WithdrawalOptions>>().Value;

    /// <summary>Everything the database holds, as text: the SQLite files' bytes, or every PostgreSQL row as JSON.</summary>
    public static async Task<string> DatabaseTextAsync(this GatewayFixture gateway)
    {
        if (gateway.Provider == DatabaseProvider.Sqlite)
        {
            var file = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(gateway.ConnectionString).DataSource;
            var text = new StringBuilder();
            foreach (var path in new[] { file, file + "-wal" }.Where(File.Exists))
            {
                await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, Encoding.Latin1);
                text.Append(await reader.ReadToEndAsync(Ct));
            }

            return text.ToString();
        }

        return await gateway.WithDbAsync(async db =>
        {
            var tables = db.Model.GetEntityTypes().Select(t => t.GetTableName()).Where(t => t is not null).Distinct().ToList();
            var text = new StringBuilder();
            foreach (var table in tables)
            {
                // Table names come from the model, not from input.
                var sql = "SELECT row_to_json(t)::text AS \"Value\" FROM \"" + table + "\" t";
                var rows = await db.Database.SqlQueryRaw<string>(sql).ToListAsync(Ct);
                text.AppendJoin('\n', rows);
            }

            return text.ToString();
        });
    }
}
