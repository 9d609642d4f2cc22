using System.Net;
using Microsoft.EntityFrameworkCore;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Payments;

public abstract class IdempotencyTests(GatewayFixture gateway)
{
    private static string OrderNo() => "I-" + Guid.NewGuid().ToString("N")[..20];

    private static HttpRequestMessage Create(string key, object body) => new(HttpMethod.Post, "/v1/payments")
    {
        Content = Api.JsonBody(body),
        Headers = { { "Idempotency-Key", key } },
    };

    [Fact]
    public async Task The_same_key_and_body_replays_the_first_answer_exactly()
    {
        using var merchant = gateway.Merchant();
        var key = Guid.NewGuid().ToString();
        var body = Api.PaymentRequest(OrderNo());

        var first = await merchant.SendAsync(Create(key, body));
        var firstText = await first.Content.ReadAsStringAsync();
        var second = await merchant.SendAsync(Create(key, body));

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await second.Content.ReadAsStringAsync()).ShouldBe(firstText);
        second.Headers.GetValues("Idempotent-Replayed").ShouldContain("true");
    }

    [Fact]
    public async Task The_same_key_with_a_different_body_is_refused_and_creates_nothing()
    {
        using var merchant = gateway.Merchant();
        var key = Guid.NewGuid().ToString();
        var otherOrderNo = OrderNo();
        await merchant.SendAsync(Create(key, Api.PaymentRequest(OrderNo(), 100)));

        var reuse = await merchant.SendAsync(Create(key, Api.PaymentRequest(otherOrderNo, 200)));

        reuse.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await reuse.ReadJsonAsync()).Str("code").ShouldBe("idempotency_key_reused");
        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == otherOrderNo))).ShouldBe(0);
    }

    [Fact]
    public async Task Thirty_concurrent_requests_with_one_key_create_one_payment_and_never_two_different_answers()
    {
        using var merchant = gateway.Merchant();
        var key = Guid.NewGuid().ToString();
        var orderNo = OrderNo();

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => merchant.SendAsync(Create(key, Api.PaymentRequest(orderNo)))));

        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.Conflict);
        var created = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        created.ShouldNotBeEmpty();
        var ids = await Task.WhenAll(created.Select(async r => (await r.ReadJsonAsync()).Str("id")));
        ids.Distinct().Count().ShouldBe(1);
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
        {
            (await conflict.ReadJsonAsync()).Str("code").ShouldBe("idempotency_request_in_progress");
        }

        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == orderNo))).ShouldBe(1);
        var replay = await merchant.SendAsync(Create(key, Api.PaymentRequest(orderNo)));
        (await replay.ReadJsonAsync()).Str("id").ShouldBe(ids[0]);
    }

    /// <summary>
    /// The state a node killed between its two commits leaves behind: the key stored as in progress (first commit), and
    /// either nothing else or the order stored too (second commit), never the completed answer.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_key_left_in_progress_by_a_dead_node_is_taken_over_after_its_lease_and_finds_the_stored_order(bool orderWasStored)
    {
        using var merchant = gateway.Merchant();
        var key = Guid.NewGuid().ToString();
        var orderNo = OrderNo();
        var body = Api.PaymentRequest(orderNo);
        string? storedId = null;
        if (orderWasStored)
        {
            storedId = (await merchant.CreatePaymentAsync(orderNo)).Str("id");
        }

        var request = System.Text.Json.JsonSerializer.Deserialize<Sluice.Server.Payments.CreatePaymentRequest>(
            System.Text.Json.JsonSerializer.Serialize(body), Sluice.Server.Api.SluiceJson.Options)!;
        var now = gateway.Clock.GetUtcNow();
        await gateway.WithDbAsync(async db =>
        {
            db.IdempotencyRecords.Add(new Sluice.Common.IdempotencyRecord
            {
                AppId = gateway.Demo.AppId, Key = key, Operation = "create_payment", CreatedAt = now,
                RequestHash = Sluice.Server.Idempotency.IdempotencyStore.HashOf("create_payment", request),
                LeaseExpiresAt = now + Sluice.Server.Idempotency.IdempotencyStore.Lease,
            });
            return await db.SaveChangesAsync();
        });

        var whileLeased = await merchant.SendAsync(Create(key, body));
        whileLeased.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await whileLeased.ReadJsonAsync()).Str("code").ShouldBe("idempotency_request_in_progress");

        gateway.Clock.Advance(Sluice.Server.Idempotency.IdempotencyStore.Lease + TimeSpan.FromSeconds(1));
        var retries = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => merchant.SendAsync(Create(key, body))));

        retries.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Created || r.StatusCode == HttpStatusCode.OK || r.StatusCode == HttpStatusCode.Conflict);
        var answered = retries.Where(r => r.IsSuccessStatusCode).ToList();
        answered.ShouldNotBeEmpty();
        var ids = (await Task.WhenAll(answered.Select(async r => (await r.ReadJsonAsync()).Str("id")))).Distinct().ToList();
        ids.Count.ShouldBe(1);
        if (storedId is not null)
        {
            ids[0].ShouldBe(storedId);
        }

        (await gateway.WithDbAsync(db => db.Payments.CountAsync(p => p.MerchantOrderNo == orderNo))).ShouldBe(1);
        var replay = await merchant.SendAsync(Create(key, body));
        replay.Headers.GetValues("Idempotent-Replayed").ShouldContain("true");
        (await replay.ReadJsonAsync()).Str("id").ShouldBe(ids[0]);
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_app()
    {
        using var merchant = gateway.Merchant();
        using var admin = gateway.Admin();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new { merchant_id = gateway.Demo.MerchantId, name = "Idem app" }))).ReadJsonAsync();
        var secret = (await (await admin.PostAsync($"/admin/api/apps/{app.GetProperty("app").Str("id")}/api-keys", null)).ReadJsonAsync()).Str("secret");
        using var other = gateway.Merchant(secret);
        var key = Guid.NewGuid().ToString();

        var a = await merchant.SendAsync(Create(key, Api.PaymentRequest(OrderNo())));
        var b = await other.SendAsync(Create(key, Api.PaymentRequest(OrderNo())));

        a.StatusCode.ShouldBe(HttpStatusCode.Created);
        b.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await a.ReadJsonAsync()).Str("id").ShouldNotBe((await b.ReadJsonAsync()).Str("id"));
    }
}

public sealed class IdempotencySqliteTests(SqliteGateway gateway) : IdempotencyTests(gateway), IClassFixture<SqliteGateway>;

public sealed class IdempotencyPostgresTests(PostgresGateway gateway) : IdempotencyTests(gateway), IClassFixture<PostgresGateway>;
