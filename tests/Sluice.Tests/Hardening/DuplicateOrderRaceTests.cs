using System.Net;
using Microsoft.EntityFrameworkCore;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Hardening;

/// <summary>
/// Races creates that share merchant order numbers (same and different parameters) with reads in between, so pooled
/// connections are reused right after unique violations rolled their transactions back. Before the fix, PostgreSQL runs
/// of this load once answered 500 "Received unexpected backend message DataRow" (auto-prepared statements corrupted by
/// the rollback, npgsql/npgsql#6391); now every answer is a 201/200 for the one order or a 409 problem.
/// </summary>
public abstract class DuplicateOrderRaceTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Racing_duplicate_order_numbers_never_answer_500_and_store_one_order_each()
    {
        using var merchant = gateway.Merchant();
        var run = Guid.NewGuid().ToString("N")[..8];
        var numbers = Enumerable.Range(0, 25).Select(i => $"DUP-{run}-{i}").ToList();

        var calls = numbers.SelectMany(no => Enumerable.Range(0, 8).Select(k => (No: no, Amount: k % 4 == 3 ? 777L : 2599L))).ToList();
        var shuffled = calls.OrderBy(_ => Random.Shared.Next()).ToList();
        var answers = await Task.WhenAll(shuffled.Select(async c =>
        {
            using var created = await merchant.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest(c.No, c.Amount)));
            var body = await created.Content.ReadAsStringAsync();
            using var read = await merchant.GetAsync("/v1/payments?merchant_order_no=" + c.No);
            return (c.No, c.Amount, Status: (int)created.StatusCode, Body: body, ReadStatus: (int)read.StatusCode);
        }));

        answers.ShouldAllBe(a => a.Status < 500 && a.ReadStatus < 500, string.Join("\n", answers.Where(a => a.Status >= 500 || a.ReadStatus >= 500).Take(3)));
        foreach (var group in answers.GroupBy(a => a.No))
        {
            var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().Where(p => p.MerchantOrderNo == group.Key).ToListAsync());
            stored.Count.ShouldBe(1, group.Key);
            foreach (var a in group)
            {
                if (a.Amount == stored[0].Amount)
                {
                    a.Status.ShouldBeOneOf([201, 200], a.Body);   // this order (created, or found as a retry)
                }
                else
                {
                    (a.Status, a.Body.Contains("duplicate_order_no", StringComparison.Ordinal)).ShouldBe((409, true), a.Body);
                }
            }
        }
    }
}

public sealed class DuplicateOrderRaceSqliteTests(SqliteGateway gateway) : DuplicateOrderRaceTests(gateway), IClassFixture<SqliteGateway>;

public sealed class DuplicateOrderRacePostgresTests(PostgresGateway gateway) : DuplicateOrderRaceTests(gateway), IClassFixture<PostgresGateway>;
