using System.Net;
using System.Text.Json;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Hosting;

/// <summary>
/// What a merchant developer relies on beyond the resources: problems in Simplified Chinese under Accept-Language zh,
/// rate limits with 429 and Retry-After per app, and an OpenAPI document with its security scheme, the problem's
/// code and a summary on every operation.
/// </summary>
public abstract class ApiContractTests(GatewayFixture gateway)
{
    [Fact]
    public async Task Problems_are_in_simplified_chinese_when_the_request_prefers_it_and_in_english_otherwise()
    {
        using var merchant = gateway.Merchant();
        using var english = await merchant.PostAsync("/v1/payments", Api.JsonBody("""{"amount":100,"currency":"CNY","subject":"s","payment_method":"alipay_qr"}"""));
        using var zh = new HttpRequestMessage(HttpMethod.Post, "/v1/payments") { Content = Api.JsonBody("""{"amount":100,"currency":"CNY","subject":"s","payment_method":"alipay_qr"}""") };
        zh.Headers.AcceptLanguage.ParseAdd("zh-CN,zh;q=0.9,en;q=0.5");
        using var chinese = await merchant.SendAsync(zh);

        var en = await english.ReadJsonAsync();
        var cn = await chinese.ReadJsonAsync();
        (en.Str("code"), cn.Str("code")).ShouldBe(("missing_field", "missing_field"));
        en.Str("title").ShouldBe("A required field is missing.");
        cn.Str("title").ShouldBe("缺少必填字段。");
        cn.Str("detail").ShouldBe("缺少必填字段 merchant_order_no。");
        cn.Str("detail_en").ShouldBe(en.Str("detail"));
        chinese.Content.Headers.ContentLanguage.ShouldContain("zh-CN");

        using var anonymous = gateway.Anonymous();
        anonymous.DefaultRequestHeaders.AcceptLanguage.ParseAdd("zh");
        (await (await anonymous.GetAsync("/v1/payments/pay_x")).ReadJsonAsync()).Str("title").ShouldBe("需要身份认证。");
    }

    [Fact]
    public async Task An_app_over_its_rate_limit_gets_429_with_retry_after_and_other_apps_are_not_affected()
    {
        await using var node = gateway.StartNode("rate-limited", new Dictionary<string, string?>
        {
            ["Sluice:RateLimits:Merchant:Burst"] = "5", ["Sluice:RateLimits:Merchant:PerSecond"] = "1",
        });
        using var admin = gateway.Admin();
        var app = await (await admin.PostAsync("/admin/api/apps", Api.JsonBody(new { merchant_id = gateway.Demo.MerchantId, name = "Rate app" }))).ReadJsonAsync();
        var key = (await (await admin.PostAsync($"/admin/api/apps/{app.GetProperty("app").Str("id")}/api-keys", null)).ReadJsonAsync()).Str("secret");
        using var limited = node.Client(key);
        using var other = node.Client(gateway.Demo.ApiKey);

        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < 8; i++)
        {
            answers.Add(await limited.GetAsync("/v1/payments?merchant_order_no=none"));
        }

        answers.Count(a => a.StatusCode == HttpStatusCode.NotFound).ShouldBeInRange(5, 6);
        var refused = answers.First(a => a.StatusCode == HttpStatusCode.TooManyRequests);
        int.Parse(refused.Headers.GetValues("Retry-After").Single()).ShouldBeGreaterThanOrEqualTo(1);
        (await refused.ReadJsonAsync()).Str("code").ShouldBe("rate_limited");
        (await other.GetAsync("/v1/payments?merchant_order_no=none")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var anonymous = new HttpClient { BaseAddress = node.BaseAddress };
        (await anonymous.GetAsync("/v1/payments?merchant_order_no=none")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);   // refused before spending tokens
    }

    [Fact]
    public async Task The_openapi_document_declares_bearer_security_the_problem_code_and_a_summary_on_every_operation()
    {
        using var http = gateway.Anonymous();
        var doc = await (await http.GetAsync("/openapi/v1.json")).ReadJsonAsync();

        var scheme = doc.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        (scheme.Str("type"), scheme.Str("scheme")).ShouldBe(("http", "bearer"));
        doc.GetProperty("security")[0].TryGetProperty("bearer", out _).ShouldBeTrue();
        var codes = doc.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails").GetProperty("properties").GetProperty("code")
            .GetProperty("enum").EnumerateArray().Select(c => c.GetString()).ToList();
        codes.ShouldContain("unknown_field");
        codes.ShouldContain("rate_limited");
        var missing = new List<string>();
        foreach (var path in doc.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.Object && o.Value.TryGetProperty("responses", out _)))
            {
                if (!operation.Value.TryGetProperty("summary", out var summary) || string.IsNullOrWhiteSpace(summary.GetString()))
                {
                    missing.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
                }
            }
        }

        missing.ShouldBeEmpty(string.Join("\n", missing));
    }
}

public sealed class ApiContractSqliteTests(SqliteGateway gateway) : ApiContractTests(gateway), IClassFixture<SqliteGateway>;

public sealed class ApiContractPostgresTests(PostgresGateway gateway) : ApiContractTests(gateway), IClassFixture<PostgresGateway>;
