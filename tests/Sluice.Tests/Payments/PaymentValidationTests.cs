using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Payments;

/// <summary>Bad input gets a clear 4xx problem with a unified code, never a 500, and writes nothing.</summary>
public abstract class PaymentValidationTests(GatewayFixture gateway)
{
    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { "not json", "malformed_json", "{\"merchant_order_no\": " },
        { "array", "malformed_json", "[1,2,3]" },
        { "null", "malformed_json", "null" },
        { "amount as string", "malformed_json", """{"merchant_order_no":"V-1","amount":"2599","currency":"CNY","subject":"s","payment_method":"alipay_qr"}""" },
        { "amount with decimals", "malformed_json", """{"merchant_order_no":"V-2","amount":25.99,"currency":"CNY","subject":"s","payment_method":"alipay_qr"}""" },
        { "amount beyond 64 bits", "malformed_json", """{"merchant_order_no":"V-3","amount":99999999999999999999999,"currency":"CNY","subject":"s","payment_method":"alipay_qr"}""" },
        { "missing order no", "missing_field", """{"amount":100,"currency":"CNY","subject":"s","payment_method":"alipay_qr"}""" },
        { "missing amount", "missing_field", """{"merchant_order_no":"V-4","currency":"CNY","subject":"s","payment_method":"alipay_qr"}""" },
        { "missing currency", "missing_field", """{"merchant_order_no":"V-5","amount":100,"subject":"s","payment_method":"alipay_qr"}""" },
        { "missing subject", "missing_field", """{"merchant_order_no":"V-6","amount":100,"currency":"CNY","payment_method":"alipay_qr"}""" },
        { "missing method", "missing_field", """{"merchant_order_no":"V-7","amount":100,"currency":"CNY","subject":"s"}""" },
        { "negative amount", "invalid_amount", """{"merchant_order_no":"V-8","amount":-1,"currency":"CNY","subject":"s","payment_method":"alipay_qr"}""" },
        { "zero amount", "invalid_amount", """{"merchant_order_no":"V-9","amount":0,"currency":"CNY","subject":"s","payment_method":"alipay_qr"}""" },
        { "oversized amount", "invalid_amount", """{"merchant_order_no":"V-10","amount":100000000001,"currency":"CNY","subject":"s","payment_method":"alipay_qr"}""" },
        { "unknown currency", "unsupported_currency", """{"merchant_order_no":"V-11","amount":100,"currency":"XYZ","subject":"s","payment_method":"alipay_qr"}""" },
        { "lower-case currency", "unsupported_currency", """{"merchant_order_no":"V-12","amount":100,"currency":"cny","subject":"s","payment_method":"alipay_qr"}""" },
        { "unknown method", "invalid_field", """{"merchant_order_no":"V-13","amount":100,"currency":"CNY","subject":"s","payment_method":"cash"}""" },
        { "bad order no", "invalid_field", """{"merchant_order_no":"has space","amount":100,"currency":"CNY","subject":"s","payment_method":"alipay_qr"}""" },
        { "bad notify url", "invalid_field", """{"merchant_order_no":"V-14","amount":100,"currency":"CNY","subject":"s","payment_method":"alipay_qr","notify_url":"ftp://x"}""" },
        { "expiry too short", "invalid_field", """{"merchant_order_no":"V-15","amount":100,"currency":"CNY","subject":"s","payment_method":"alipay_qr","expires_in_seconds":5}""" },
        { "bad client ip", "invalid_field", """{"merchant_order_no":"V-16","amount":100,"currency":"CNY","subject":"s","payment_method":"alipay_qr","client_ip":"999.1.1.1"}""" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_create_payment_bodies_get_a_problem_with_a_unified_code_and_write_nothing(string why, string code, string body)
    {
        using var merchant = gateway.Merchant();
        var before = await CountsAsync();

        var response = await merchant.PostAsync("/v1/payments", Api.JsonBody(body));

        ((int)response.StatusCode).ShouldBe(400, why);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.ReadJsonAsync();
        problem.Str("code").ShouldBe(code, why);
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        problem.Str("detail").ShouldNotBeNullOrWhiteSpace();
        (await CountsAsync()).ShouldBe(before, why);
    }

    [Fact]
    public async Task A_body_that_is_not_json_content_gets_415_and_an_oversized_body_413_never_500()
    {
        using var merchant = gateway.Merchant();

        var text = await merchant.PostAsync("/v1/payments", new StringContent("amount=1", Encoding.UTF8, "application/x-www-form-urlencoded"));
        // Expect: 100-continue lets the gateway refuse by Content-Length before the client sends 2 MiB into a closed socket.
        using var oversized = new HttpRequestMessage(HttpMethod.Post, "/v1/payments")
        {
            Content = Api.JsonBody("{\"subject\":\"" + new string('x', 2 * 1024 * 1024) + "\"}"),
            Headers = { ExpectContinue = true },
        };
        var huge = await merchant.SendAsync(oversized);

        text.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType);
        (await text.ReadJsonAsync()).Str("code").ShouldBe("unsupported_media_type");
        huge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        (await huge.ReadJsonAsync()).Str("code").ShouldBe("payload_too_large");
    }

    [Fact]
    public async Task Random_garbage_never_produces_a_server_error()
    {
        using var merchant = gateway.Merchant();
        var random = new Random(20261124);
        var fragments = new[] { "{", "}", "[", "]", "\"amount\":", "-1", "1e309", "\"CNY\"", "null", ",", "\"merchant_order_no\":\"x\"", "true", "\\u0000", "\"" };
        for (var i = 0; i < 60; i++)
        {
            var body = string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => fragments[random.Next(fragments.Length)]));
            var response = await merchant.PostAsync("/v1/payments", Api.JsonBody(body));
            ((int)response.StatusCode).ShouldBeInRange(400, 499, body);
        }
    }

    [Fact]
    public async Task Requests_without_or_with_a_wrong_api_key_get_401_problems()
    {
        using var anonymous = gateway.Anonymous();
        using var wrong = gateway.Merchant("sk_test_AAAAAAAA_" + new string('b', 43));
        using var garbage = gateway.Merchant("not-a-key");

        foreach (var client in new[] { anonymous, wrong, garbage })
        {
            var response = await client.PostAsync("/v1/payments", Api.JsonBody(Api.PaymentRequest("A-1")));
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await response.ReadJsonAsync()).Str("code").ShouldBe("unauthenticated");
        }
    }

    private Task<(int Payments, int Events, int Keys)> CountsAsync() =>
        gateway.WithDbAsync(async db => (await db.Payments.CountAsync(), await db.PaymentEvents.CountAsync(), await db.IdempotencyRecords.CountAsync()));
}

public sealed class PaymentValidationSqliteTests(SqliteGateway gateway) : PaymentValidationTests(gateway), IClassFixture<SqliteGateway>;

public sealed class PaymentValidationPostgresTests(PostgresGateway gateway) : PaymentValidationTests(gateway), IClassFixture<PostgresGateway>;
