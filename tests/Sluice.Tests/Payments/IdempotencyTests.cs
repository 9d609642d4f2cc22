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
