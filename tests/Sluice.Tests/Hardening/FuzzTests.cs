using System.Net;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Hardening;

/// <summary>
/// Thousands of generated bad requests at every merchant, admin and notify endpoint the host maps (found from its route
/// table, so a new endpoint is fuzzed without being listed here): no 5xx, every merchant and admin refusal a
/// problem+json with a code, a refused notice the channel's own 4xx, and not one row written. Bounded in count and time.
/// </summary>
public abstract class FuzzTests(GatewayFixture gateway)
{
    private const int Requests = 1500;
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(90);

    private static readonly string[] Poisons =
    [
        "{\"zz_unknown_field\":1}", "{\"a\":\"x\\u0000y\"}", "{\"a\":1,\"a\":2}", "{", "[]", "\"text\"", "12", "null", "{\"a\":\"\\ud800\"}",
        "{\"amount\":1e400}", "{\"amount\":\"12\"}", "{\"amount\":-99999999999999999999}", new string('[', 200) + new string(']', 200),
    ];

    private static readonly string[] Garbage =
    [
        "", " ", "%00", "%01", "%FF%FE", "null", "-1", "0", "99999999999999999999", "'; drop table payments; --", "../../etc/passwd",
        "%E4%B8%AD%E6%96%87", "a%0Ab", new string('x', 300), "%7B%7D", "true", "1e309", "pay_%00", "\u00e9",
    ];

    private static readonly string[] Values =
    [
        "\"\"", "\"x\\u0000\"", "\"\\u0007\"", "-1", "0", "1.5", "99999999999999999999", "true", "null", "[]", "{}", "\"CNY\"", "\"cny\"",
        "\"" + new string('y', 5000) + "\"", "\"\\ud83d\"", "\"中文\"", "[1,\"a\",null]", "{\"nested\":{\"deep\":[{}]}}",
    ];

    private static readonly string[] Fields =
    [
        "merchant_order_no", "amount", "currency", "subject", "payment_method", "payment_id", "merchant_refund_no", "bearer", "stage",
        "payee", "name", "code", "status", "version", "credentials", "payment_methods", "merchant_id", "notify_url", "metadata",
        "protocol", "channel_code", "weight", "starts_at", "ends_at", "time_zone", "note", "effect", "raw_code", "environment",
    ];

    [Fact]
    public async Task Thousands_of_generated_bad_requests_get_4xx_problems_and_write_nothing()
    {
        var random = new Random(20261204 + (int)gateway.Provider);
        var endpoints = gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Pattern: e.RoutePattern.RawText ?? "",
                // A body-less action on no id (e.g. the ledger backfill) may answer 2xx to anything; the row counts still must not move.
                MaySucceed: e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>() is null && e.RoutePattern.Parameters.Count == 0)))
            .Where(e => e.Pattern.StartsWith("/v1", StringComparison.Ordinal) || e.Pattern.StartsWith("/admin/api", StringComparison.Ordinal)
                        || e.Pattern.StartsWith("/notify", StringComparison.Ordinal))
            .Distinct().ToList();
        endpoints.Count(e => e.Pattern.StartsWith("/admin/api", StringComparison.Ordinal)).ShouldBeGreaterThan(20);
        var before = await CountsAsync();
        using var merchant = gateway.Merchant();
        using var admin = gateway.Admin();
        using var anonymous = gateway.Anonymous();
        var failures = new List<string>();
        var started = DateTime.UtcNow;
        var sent = 0;

        await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (i, ct) =>
        {
            if (DateTime.UtcNow - started > Budget)
            {
                return;
            }

            HttpRequestMessage request;
            (string Method, string Pattern, bool MaySucceed) endpoint;
            lock (random)
            {
                endpoint = endpoints[random.Next(endpoints.Count)];
                request = Build(random, endpoint.Method, endpoint.Pattern);
            }

            var client = endpoint.Pattern.StartsWith("/v1", StringComparison.Ordinal) ? merchant
                : endpoint.Pattern.StartsWith("/admin", StringComparison.Ordinal) ? admin : anonymous;
            string? failure;
            try
            {
                using var response = await client.SendAsync(request, ct);
                failure = await CheckAsync(endpoint.Pattern, endpoint.MaySucceed, request, response);
            }
            catch (HttpRequestException ex)
            {
                failure = $"{request.Method} {request.RequestUri}: connection failed: {ex.Message}";
            }

            Interlocked.Increment(ref sent);
            if (failure is not null)
            {
                lock (failures)
                {
                    failures.Add(failure);
                }
            }
        });

        sent.ShouldBeGreaterThan(300, "the time budget allowed too few requests to mean anything");
        failures.ShouldBeEmpty(string.Join("\n", failures.Take(15)));
        (await CountsAsync()).ShouldBe(before);
    }

    private static async Task<string?> CheckAsync(string pattern, bool maySucceed, HttpRequestMessage request, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        var what = $"{request.Method} {request.RequestUri} -> {status} {text[..Math.Min(text.Length, 200)]}";
        if (status is < 400 or >= 500)
        {
            // A GET of a list may legitimately answer 200 with garbage filters ignored only when they are not filters; a
            // write must never succeed, and nothing may be a 5xx.
            return status < 400 && (request.Method == HttpMethod.Get || maySucceed) ? null : what;
        }

        if (status == 400 && text.Length == 0 && request.RequestUri!.OriginalString.Split('?')[0].Contains("%00", StringComparison.Ordinal))
        {
            return null;   // Kestrel itself refuses a NUL in the path before any middleware (documented in the README)
        }

        if (pattern.StartsWith("/notify", StringComparison.Ordinal))
        {
            return null;   // the channel's own refusal format (FAIL, JSON, text), checked per channel elsewhere
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return "not problem+json: " + what;
        }

        return text.Contains("\"code\":\"", StringComparison.Ordinal) ? null : "no code: " + what;
    }

    private static HttpRequestMessage Build(Random random, string method, string pattern)
    {
        var path = System.Text.RegularExpressions.Regex.Replace(pattern, "\\{[^}]+\\}", _ => Pick(random, Garbage) is { Length: > 0 } segment ? segment : "x");
        if (random.Next(3) == 0)
        {
            path += "?" + Pick(random, Fields) + "=" + Pick(random, Garbage) + "&" + Pick(random, Garbage) + "=" + Pick(random, Garbage);
        }

        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = random.Next(10) switch
            {
                0 => new ByteArrayContent([0xC3, 0x28, 0xFF, 0x00, 0x7B]) { Headers = { { "Content-Type", "application/json" } } },
                1 => new StringContent("a=1&b=%00", Encoding.UTF8, "application/x-www-form-urlencoded"),
                2 => new StringContent("<xml><a>\u0001</a></xml>", Encoding.UTF8, "text/xml"),
                _ => new StringContent(Body(random), Encoding.UTF8, "application/json"),
            };
        }

        if (random.Next(8) == 0)
        {
            // HttpClient itself refuses non-ASCII header values (the non-ASCII header case is HostileInputTests' raw socket).
            request.Headers.TryAddWithoutValidation("Idempotency-Key", new string(Pick(random, Garbage).Where(char.IsAscii).ToArray()));
        }

        return request;
    }

    /// <summary>A JSON object of random fields and values that always carries at least one poison (so it can never be valid).</summary>
    private static string Body(Random random)
    {
        var poison = Pick(random, Poisons);
        if (!(poison.Length > 2 && poison.StartsWith('{') && poison.EndsWith('}')) || random.Next(4) == 0)
        {
            return poison;
        }

        var parts = Enumerable.Range(0, random.Next(0, 6)).Select(_ => $"\"{Pick(random, Fields)}\":{Pick(random, Values)}").ToList();
        parts.Insert(random.Next(parts.Count + 1), poison[1..^1]);
        return "{" + string.Join(",", parts) + "}";
    }

    private static string Pick(Random random, string[] items) => items[random.Next(items.Length)];

    private Task<string> CountsAsync() => gateway.WithDbAsync(async db => string.Join(",",
        await db.Payments.CountAsync(), await db.Refunds.CountAsync(), await db.Withdrawals.CountAsync(), await db.IdempotencyRecords.CountAsync(),
        await db.AuditEntries.CountAsync(), await db.WebhookDeliveries.CountAsync(), await db.Merchants.CountAsync(), await db.Apps.CountAsync(),
        await db.ApiKeys.CountAsync(), await db.ChannelAccounts.CountAsync(), await db.Channels.CountAsync(), await db.MaintenanceWindows.CountAsync(),
        await db.ResultCodeOverrides.CountAsync(), await db.RoutingRuleSets.CountAsync(), await db.PaymentMethods.CountAsync(),
        await db.ServiceProviders.CountAsync(), await db.ChannelBanks.CountAsync(), await db.RequestNonces.CountAsync(), await db.PaymentEvents.CountAsync()));
}

public sealed class FuzzSqliteTests(SqliteGateway gateway) : FuzzTests(gateway), IClassFixture<SqliteGateway>;

public sealed class FuzzPostgresTests(PostgresGateway gateway) : FuzzTests(gateway), IClassFixture<PostgresGateway>;
