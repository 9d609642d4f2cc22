using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels.Sandbox;
using Sluice.Security;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Hardening;

/// <summary>
/// Input a hostile client sends: control characters, duplicated or unknown JSON fields, out-of-range signature
/// timestamps, non-ASCII headers. Each gets a 400 problem with a unified code and writes nothing.
/// </summary>
public abstract class HostileInputTests(GatewayFixture gateway)
{
    private const string Valid = "\"merchant_order_no\":\"H-1\",\"amount\":100,\"currency\":\"CNY\",\"payment_method\":\"alipay_qr\"";

    public static TheoryData<string, string, string, string> HostileBodies() => new()
    {
        { "NUL in subject", "invalid_field", "subject", "{" + Valid + ",\"subject\":\"a\\u0000b\"}" },
        { "bell in subject", "invalid_field", "subject", "{" + Valid + ",\"subject\":\"a\\u0007b\"}" },
        { "C1 control in subject", "invalid_field", "subject", "{" + Valid + ",\"subject\":\"a\\u0085b\"}" },
        { "lone surrogate", "invalid_field", "subject", "{" + Valid + ",\"subject\":\"a\\ud800b\"}" },
        { "NUL in a metadata value", "invalid_field", "metadata.k", "{" + Valid + ",\"subject\":\"s\",\"metadata\":{\"k\":\"\\u0000\"}}" },
        { "NUL in a metadata key", "invalid_field", "metadata", "{" + Valid + ",\"subject\":\"s\",\"metadata\":{\"k\\u0000\":\"v\"}}" },
        { "duplicated currency", "malformed_json", "currency", "{\"currency\":\"bad\"," + Valid + ",\"subject\":\"s\"}" },
        { "duplicated key, other case", "malformed_json", "Amount", "{" + Valid + ",\"subject\":\"s\",\"Amount\":5}" },
        { "typo of a field", "unknown_field", "environment", "{" + Valid + ",\"subject\":\"s\",\"environment\":\"app\"}" },
        { "unknown nested field", "unknown_field", "buyer", "{" + Valid + ",\"subject\":\"s\",\"buyer\":{\"id\":1}}" },
    };

    [Theory]
    [MemberData(nameof(HostileBodies))]
    public async Task Hostile_bodies_get_a_400_problem_naming_the_field_and_write_nothing(string why, string code, string field, string body)
    {
        using var merchant = gateway.Merchant();
        var before = await CountsAsync();

        using var response = await merchant.PostAsync("/v1/payments", Api.JsonBody(body));

        ((int)response.StatusCode).ShouldBe(400, why);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = await response.ReadJsonAsync();
        problem.Str("code").ShouldBe(code, why);
        problem.Str("field").ShouldStartWith(field, Case.Sensitive, why);
        (await CountsAsync()).ShouldBe(before, why);
    }

    [Fact]
    public async Task The_same_body_without_the_hostile_part_is_accepted()
    {
        using var merchant = gateway.Merchant();
        using var response = await merchant.PostAsync("/v1/payments", Api.JsonBody("{" + Valid.Replace("H-1", "H-OK-" + Guid.NewGuid().ToString("N")[..8]) + ",\"subject\":\"line one\\nline two\",\"metadata\":{\"k\":\"中文 ok\"}}"));
        ((int)response.StatusCode).ShouldBe(201, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/v1/payments/pay_x?refresh=%00")]
    [InlineData("/v1/payments/pay_x?refresh=%01")]
    [InlineData("/v1/payments/pay%01x")]
    [InlineData("/v1/refunds?merchant_refund_no=a%00b")]
    [InlineData("/admin/api/payments/pay_x?x%00=1")]
    public async Task A_control_character_in_a_path_or_query_is_a_400_invalid_field(string url)
    {
        using var client = url.StartsWith("/admin", StringComparison.Ordinal) ? gateway.Admin() : gateway.Merchant();
        using var response = await client.GetAsync(url);
        ((int)response.StatusCode).ShouldBe(400, url);
        (await response.ReadJsonAsync()).Str("code").ShouldBe("invalid_field");
    }

    [Fact]
    public async Task A_non_ascii_header_gets_a_problem_body_not_a_bare_400()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.BaseAddress.Host, gateway.BaseAddress.Port);
        var stream = tcp.GetStream();
        var head = "GET /v1/payments/pay_x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Note: ";
        byte[] request = [.. Encoding.ASCII.GetBytes(head), .. Encoding.UTF8.GetBytes("café"), .. Encoding.ASCII.GetBytes("\r\n\r\n")];
        await stream.WriteAsync(request);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var answer = await reader.ReadToEndAsync();

        answer.ShouldStartWith("HTTP/1.1 400");
        answer.ShouldContain("application/problem+json");
        answer.ShouldContain("\"code\":\"invalid_field\"");
        answer.ShouldContain("\"field\":\"X-Note\"");
    }

    [Fact]
    public async Task Problem_bodies_carry_status_once_as_the_http_status_and_the_order_state_under_its_own_name()
    {
        using var merchant = gateway.Merchant();
        var payment = await merchant.CreatePaymentAsync("H-ST-" + Guid.NewGuid().ToString("N")[..8]);
        using var refund = await merchant.PostAsync("/v1/refunds", Api.JsonBody(new Dictionary<string, object>
        {
            ["payment_id"] = payment.Str("id"), ["merchant_refund_no"] = "R-" + Guid.NewGuid().ToString("N")[..8], ["amount"] = 100, ["currency"] = "CNY", ["bearer"] = "merchant", ["stage"] = "post_delivery",
        }));

        var text = await refund.Content.ReadAsStringAsync();
        ((int)refund.StatusCode).ShouldBe(409, text);
        System.Text.RegularExpressions.Regex.Count(text, "\"status\":").ShouldBe(1, text);
        var problem = await refund.ReadJsonAsync();
        (problem.GetProperty("status").GetInt32(), problem.Str("payment_status")).ShouldBe((409, "pending"));
    }

    [Theory]
    [InlineData("t=99999999999999,v1=00")]
    [InlineData("t=-99999999999999,v1=00")]
    [InlineData("t=9223372036854775807,v1=00")]
    public async Task A_notice_with_an_out_of_range_signature_timestamp_is_refused_with_the_channels_4xx(string header)
    {
        using var http = gateway.Anonymous();
        using var notice = new HttpRequestMessage(HttpMethod.Post, "/notify/" + gateway.Demo.ChannelAccountId)
        {
            Content = new StringContent("{\"status\":\"SUCCESS\"}", Encoding.UTF8, "application/json"),
        };
        notice.Headers.TryAddWithoutValidation(SandboxProtocol.SignatureHeader, header);

        using var response = await http.SendAsync(notice);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldBe("FAIL");
    }

    [Fact]
    public void An_out_of_range_timestamp_is_a_plain_verification_failure()
    {
        var now = DateTimeOffset.UtcNow;
        foreach (var t in new[] { long.MaxValue, long.MinValue, 99999999999999, -99999999999999 })
        {
            HmacSignature.Verify("secret", $"t={t},v1=00", "{}"u8, now, TimeSpan.FromMinutes(5)).ShouldBeFalse(t.ToString());
        }
    }

    [Theory]
    [InlineData("application/json", "{\"status\":\"SUCCESS\",\"x\":\"\u0000\"}")]
    [InlineData("application/x-www-form-urlencoded", "out_trade_no=pay_1%00&trade_status=TRADE_SUCCESS")]
    public async Task A_notice_with_a_control_character_is_refused_with_the_channels_4xx_and_logged(string contentType, string body)
    {
        using var http = gateway.Anonymous();
        var before = await gateway.WithDbAsync(db => db.ChannelCallbacks.CountAsync(c => !c.Verified));

        using var response = await http.PostAsync("/notify/" + gateway.Demo.ChannelAccountId, new StringContent(body, Encoding.UTF8, contentType));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await gateway.WithDbAsync(db => db.ChannelCallbacks.CountAsync(c => !c.Verified && c.RejectionReason!.Contains("control character")))).ShouldBeGreaterThan(0);
        (await gateway.WithDbAsync(db => db.ChannelCallbacks.CountAsync(c => !c.Verified))).ShouldBe(before + 1);
    }

    private Task<(int Payments, int Events, int Keys)> CountsAsync() =>
        gateway.WithDbAsync(async db => (await db.Payments.CountAsync(), await db.PaymentEvents.CountAsync(), await db.IdempotencyRecords.CountAsync()));
}

public sealed class HostileInputSqliteTests(SqliteGateway gateway) : HostileInputTests(gateway), IClassFixture<SqliteGateway>;

public sealed class HostileInputPostgresTests(PostgresGateway gateway) : HostileInputTests(gateway), IClassFixture<PostgresGateway>;
