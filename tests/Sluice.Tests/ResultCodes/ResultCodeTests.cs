using Sluice.Errors;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Server.Channels;
using Sluice.Server.ResultCodes;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.ResultCodes;

/// <summary>
/// Unified result codes end to end: sandbox answers resolved through the map (defaults and operators' overrides) on every
/// node, unmapped codes counted and never failing a payment, merchants seeing unified codes only, the admin API's checks.
/// The sandbox answers any code asked for in the payment subject (<c>[sandbox-answer:CODE/STATUS]</c>).
/// </summary>
public abstract class ResultCodeTests(GatewayFixture gateway)
{
    private static string Unique(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

    private static async Task<JsonElement> PayAsync(HttpClient merchant, string answer, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/payments")
        {
            Content = Api.JsonBody(Api.PaymentRequest(Unique("RC-"), subject: $"Tea [sandbox-answer:{answer}]")),
        };
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var response = await merchant.SendAsync(request);
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, body.ToString());
        return body;
    }

    private static async Task<string> GetRawAsync(HttpClient merchant, string id, string? acceptLanguage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/payments/{id}");
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        using var response = await merchant.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<JsonElement> PutOverrideAsync(HttpClient admin, object body)
    {
        using var response = await admin.PutAsync("/admin/api/result-codes/overrides", Api.JsonBody(body));
        var json = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json.ToString());
        return json;
    }

    /// <summary>The payment's JSON without its subject, which carries the sandbox control naming the raw code.</summary>
    private static string WithoutSubject(string json) =>
        JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement.EnumerateObject().Where(p => p.Name != "subject").ToDictionary(p => p.Name, p => p.Value));

    private Task<long> CatalogVersionAsync() =>
        gateway.WithDbAsync(db => db.CatalogVersions.Select(v => v.Version).FirstAsync());

    [Fact]
    public async Task A_declines_webhook_carries_the_payment_as_the_api_shows_it_plus_its_version_and_the_chinese_message()
    {
        using var merchant = gateway.Merchant();
        var created = await PayAsync(merchant, $"PAYMENT_DECLINED/{Unique("RISK")}");
        var id = created.Str("id");

        var payloads = await gateway.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Payload.Contains(id)).OrderBy(d => d.CreatedAt).Select(d => new { d.EventType, d.Payload }).ToListAsync());
        var failed = payloads.ShouldHaveSingleItem();
        failed.EventType.ShouldBe("payment.failed");
        var data = JsonDocument.Parse(failed.Payload).RootElement.GetProperty("data");

        data.Str("id").ShouldBe(id);
        data.Str("status").ShouldBe("failed");
        data.GetProperty("failure").Str("code").ShouldBe(created.GetProperty("failure").Str("code"));
        data.GetProperty("failure").Str("message").ShouldBe("The payment channel declined this payment.");
        data.Str("failure_message_zh").ShouldNotBeNullOrWhiteSpace("a webhook has no Accept-Language: it carries both messages");
        data.GetProperty("version").GetInt32().ShouldBeGreaterThan(0);
        var stored = await gateway.WithDbAsync(db => db.Payments.AsNoTracking().FirstAsync(p => p.Id == id));
        data.GetProperty("version").GetInt32().ShouldBe(stored.Version, "the event was taken at the payment's latest version");
    }

    [Fact]
    public async Task Merchants_see_only_the_unified_code_and_message_of_a_decline_in_their_language_while_operators_see_the_raw_codes()
    {
        using var merchant = gateway.Merchant();
        using var admin = gateway.Admin();
        var sub = Unique("RISK");

        var created = await PayAsync(merchant, $"PAYMENT_DECLINED/{sub}");

        created.Str("status").ShouldBe("failed");
        created.GetProperty("failure").Str("code").ShouldBe("channel_rejected");
        created.GetProperty("failure").Str("message").ShouldBe("The payment channel declined this payment.");
        var id = created.Str("id");
        var english = await GetRawAsync(merchant, id);
        foreach (var json in new[] { WithoutSubject(created.ToString()), WithoutSubject(english) })
        {
            json.ShouldNotContain("PAYMENT_DECLINED");
            json.ShouldNotContain(sub);
            json.ShouldNotContain("raw_");
            json.ShouldNotContain("answer requested by the subject");
        }

        var chinese = JsonDocument.Parse(await GetRawAsync(merchant, id, "zh-CN,zh;q=0.9,en;q=0.8")).RootElement;
        chinese.GetProperty("failure").Str("code").ShouldBe("channel_rejected");
        chinese.GetProperty("failure").Str("message").ShouldBe("支付渠道拒绝了该笔支付。");
        var preferChinese = JsonDocument.Parse(await GetRawAsync(merchant, id, "en;q=0.5, zh-CN;q=0.9")).RootElement;
        preferChinese.GetProperty("failure").Str("message").ShouldBe("支付渠道拒绝了该笔支付。");
        var preferEnglish = JsonDocument.Parse(await GetRawAsync(merchant, id, "en-US, zh-CN;q=0.5")).RootElement;
        preferEnglish.GetProperty("failure").Str("message").ShouldBe("The payment channel declined this payment.");
        var createdInChinese = await PayAsync(merchant, "PAYMENT_DECLINED", "zh-CN");
        createdInChinese.GetProperty("failure").Str("message").ShouldBe("支付渠道拒绝了该笔支付。");

        var view = await (await admin.GetAsync($"/admin/api/payments/{id}")).ReadJsonAsync();
        view.Str("raw_code").ShouldBe("PAYMENT_DECLINED");
        view.Str("raw_sub_code").ShouldBe(sub);
        view.Str("raw_message").ShouldBe("answer requested by the subject");
        view.Str("unified_code").ShouldBe("channel_rejected");
        view.Str("last_channel_outcome").ShouldBe("failed");
    }

    [Fact]
    public async Task An_unmapped_code_never_fails_the_payment_and_is_listed_with_its_count()
    {
        using var merchant = gateway.Merchant();
        using var admin = gateway.Admin();
        var code = Unique("NEW_CODE_");

        var first = await PayAsync(merchant, code);
        var second = await PayAsync(merchant, $"{code}/ODD_STATE");
        var third = await PayAsync(merchant, code);

        foreach (var payment in new[] { first, second, third })
        {
            payment.Str("status").ShouldBe("created");
            payment.GetProperty("failure").ValueKind.ShouldBe(JsonValueKind.Null);
            WithoutSubject(payment.ToString()).ShouldNotContain(code);
            var view = await (await admin.GetAsync($"/admin/api/payments/{payment.Str("id")}")).ReadJsonAsync();
            view.Str("last_channel_outcome").ShouldBe("unknown");
            view.Str("unified_code").ShouldBe("channel_result_unknown");
            view.Str("raw_code").ShouldBe(code);
            view.GetProperty("events").EnumerateArray().Select(e => e.Str("kind")).ShouldContain("unmapped_result_code");
        }

        var unmapped = await (await admin.GetAsync("/admin/api/result-codes/unmapped?protocol=sandbox")).ReadJsonAsync();
        var rows = unmapped.EnumerateArray().Where(u => u.Str("raw_code") == code).ToList();
        rows.Count.ShouldBe(2);
        var plain = rows.Single(r => r.GetProperty("raw_sub_code").ValueKind == JsonValueKind.Null);
        plain.Str("flow").ShouldBe("pay");
        plain.Str("protocol").ShouldBe("sandbox");
        plain.GetProperty("count").GetInt64().ShouldBe(2);
        plain.Str("sample_message").ShouldBe("answer requested by the subject");
        rows.Single(r => r.GetProperty("raw_sub_code").ValueKind == JsonValueKind.String).Str("raw_sub_code").ShouldBe("ODD_STATE");

        // Newest first: the code seen last is ahead of the one seen before it.
        gateway.Clock.Advance(TimeSpan.FromSeconds(1));
        var later = Unique("LATER_");
        await PayAsync(merchant, later);
        var codes = (await (await admin.GetAsync("/admin/api/result-codes/unmapped")).ReadJsonAsync()).EnumerateArray().Select(u => u.Str("raw_code")).ToList();
        codes.IndexOf(later).ShouldBeLessThan(codes.IndexOf(code));
        codes.IndexOf(later).ShouldBe(0);
    }

    [Fact]
    public async Task Fifty_racing_unmapped_answers_are_counted_exactly_fifty()
    {
        var code = Unique("RACE_");
        var result = new ChannelResult(ChannelOutcome.Failed, code, null, "raced");

        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            await using var scope = gateway.Services.CreateAsyncScope();
            var resolution = await scope.ServiceProvider.GetRequiredService<ResultCodeResolver>().ResolveAsync("sandbox", ChannelFlow.Query, result, CancellationToken.None);
            resolution.Effect.ShouldBe(ChannelOutcome.Unknown);
        })));

        var row = await gateway.WithDbAsync(db => db.UnmappedResultCodes.AsNoTracking().SingleAsync(u => u.RawCode == code));
        row.Count.ShouldBe(50);
        row.Flow.ShouldBe("query");
        row.RawSubCode.ShouldBe("");
    }

    [Fact]
    public async Task An_override_changes_how_the_next_answer_is_mapped_on_every_node_and_every_change_is_audited()
    {
        await using var nodeB = gateway.StartNode("test-node-result-codes-b");
        using var merchantA = gateway.Merchant();
        using var merchantB = nodeB.Client(gateway.Demo.ApiKey);
        using var admin = gateway.Admin();
        var sub = Unique("RC");
        var answer = $"PAYMENT_DECLINED/{sub}";
        var auditId = $"sandbox/pay/PAYMENT_DECLINED/{sub}";

        // Before: the sandbox default for a declined payment; node B has loaded the rules in force.
        (await PayAsync(merchantB, answer)).GetProperty("failure").Str("code").ShouldBe("channel_rejected");

        var rule = new Dictionary<string, object?>
        {
            ["protocol"] = "sandbox", ["flow"] = "pay", ["raw_code"] = "PAYMENT_DECLINED", ["raw_sub_code"] = sub,
            ["unified_code"] = "risk_declined", ["effect"] = "failed", ["retryable"] = false,
            ["message_en"] = "Declined by the channel's risk control.", ["message_zh"] = "渠道风控拒绝了该笔支付。",
        };
        var put = await PutOverrideAsync(admin, rule);
        put.Str("source").ShouldBe("override");

        // Node A made the change and applies it at once; node B has not checked the catalog version yet.
        var onA = await PayAsync(merchantA, answer);
        onA.GetProperty("failure").Str("code").ShouldBe("risk_declined");
        onA.GetProperty("failure").Str("message").ShouldBe("Declined by the channel's risk control.");
        (await PayAsync(merchantB, answer)).GetProperty("failure").Str("code").ShouldBe("channel_rejected");

        gateway.Clock.Advance(ChannelCatalog.CheckInterval + TimeSpan.FromMilliseconds(1));
        var onB = await PayAsync(merchantB, answer, "zh-CN");
        onB.GetProperty("failure").Str("code").ShouldBe("risk_declined");
        onB.GetProperty("failure").Str("message").ShouldBe("渠道风控拒绝了该笔支付。");

        // Remapping the effect: the same answer now leaves the payment open (pending the channel's word).
        rule["effect"] = "unknown";
        rule["unified_code"] = "channel_result_unknown";
        await PutOverrideAsync(admin, rule);
        var open = await PayAsync(merchantA, answer);
        open.Str("status").ShouldBe("created");
        open.GetProperty("failure").ValueKind.ShouldBe(JsonValueKind.Null);

        var listed = await (await admin.GetAsync("/admin/api/result-codes?protocol=sandbox")).ReadJsonAsync();
        var entries = listed.EnumerateArray().Where(e => e.Str("raw_code") == "PAYMENT_DECLINED").ToList();
        entries.Single(e => e.GetProperty("raw_sub_code").ValueKind == JsonValueKind.String && e.Str("raw_sub_code") == sub).Str("source").ShouldBe("override");
        entries.Single(e => e.GetProperty("raw_sub_code").ValueKind == JsonValueKind.Null).Str("source").ShouldBe("default");

        var delete = await admin.DeleteAsync($"/admin/api/result-codes/overrides?protocol=sandbox&flow=pay&raw_code=PAYMENT_DECLINED&raw_sub_code={sub}");
        delete.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await PayAsync(merchantA, answer)).GetProperty("failure").Str("code").ShouldBe("channel_rejected");
        (await admin.DeleteAsync($"/admin/api/result-codes/overrides?protocol=sandbox&flow=pay&raw_code=PAYMENT_DECLINED&raw_sub_code={sub}"))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var audit = (await (await admin.GetAsync($"/admin/api/audit?entityType=result_code_override&entityId={Uri.EscapeDataString(auditId)}")).ReadJsonAsync())
            .EnumerateArray().Reverse().ToList();
        audit.Select(a => a.Str("action")).ShouldBe(["create", "update", "delete"]);
        audit[0].GetProperty("old_value").ValueKind.ShouldBe(JsonValueKind.Null);
        audit[0].Str("new_value").ShouldContain("risk_declined");
        audit[1].Str("old_value").ShouldContain("\"effect\":\"failed\"");
        audit[1].Str("new_value").ShouldContain("\"effect\":\"unknown\"");
        audit[2].Str("old_value").ShouldContain("channel_result_unknown");
        audit[2].GetProperty("new_value").ValueKind.ShouldBe(JsonValueKind.Null);
        audit.ShouldAllBe(a => a.Str("actor").Length > 0);
    }

    [Fact]
    public async Task A_channel_notice_takes_its_effect_from_the_map_not_from_the_adapter()
    {
        using var merchant = gateway.Merchant();
        using var admin = gateway.Admin();
        await PutOverrideAsync(admin, new
        {
            protocol = "sandbox", flow = "notify", raw_code = "SUCCESS", raw_sub_code = "FAILED", unified_code = "risk_declined",
            effect = "pending", message_en = "Under review.", message_zh = "审核中。",
        });
        try
        {
            var created = await merchant.CreatePaymentAsync(Unique("NOTICE-"));
            await merchant.PayOnCashierAsync(created, "decline");

            // The adapter reports the declined notice as failed; the operator's rule says pending, so nothing moves.
            var log = await Api.EventuallyAsync(
                () => gateway.WithDbAsync(db => db.ChannelCallbacks.AsNoTracking().Where(c => c.OrderId == created.Str("id")).ToListAsync()),
                logs => logs.Count > 0, "the declined notice to be logged");
            log.Single().Outcome.ShouldBe("pending");
            log.Single().Effect.ShouldBe("no_change");
            (await merchant.GetPaymentAsync(created.Str("id"))).Str("status").ShouldBe("pending");
        }
        finally
        {
            (await admin.DeleteAsync("/admin/api/result-codes/overrides?protocol=sandbox&flow=notify&raw_code=SUCCESS&raw_sub_code=FAILED"))
                .StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        // Without the override the default applies again: the next declined notice fails its payment.
        var next = await merchant.CreatePaymentAsync(Unique("NOTICE-"));
        await merchant.PayOnCashierAsync(next, "decline");
        var failed = await Api.EventuallyAsync(() => merchant.GetPaymentAsync(next.Str("id")), p => p.Str("status") == "failed", "the payment to fail");
        failed.GetProperty("failure").Str("code").ShouldBe("channel_rejected");
    }

    [Fact]
    public async Task An_override_of_a_default_key_replaces_it_in_the_listing_until_it_is_deleted()
    {
        using var admin = gateway.Admin();
        async Task<List<JsonElement>> EntriesAsync() => (await (await admin.GetAsync("/admin/api/result-codes?protocol=sandbox")).ReadJsonAsync())
            .EnumerateArray().Where(e => e.Str("raw_code") == "REFUND_AMOUNT_EXCEEDS").ToList();

        var before = (await EntriesAsync()).Single();
        before.Str("source").ShouldBe("default");
        before.GetProperty("flow").ValueKind.ShouldBe(JsonValueKind.Null);
        before.Str("unified_code").ShouldBe("refund_amount_exceeds");

        await PutOverrideAsync(admin, new
        {
            protocol = "sandbox", raw_code = "REFUND_AMOUNT_EXCEEDS", unified_code = "amount_limit_exceeded", effect = "failed",
            message_en = "Too much.", message_zh = "金额过大。",
        });
        var overridden = (await EntriesAsync()).Single();
        overridden.Str("source").ShouldBe("override");
        overridden.Str("unified_code").ShouldBe("amount_limit_exceeded");
        overridden.GetProperty("retryable").GetBoolean().ShouldBeFalse();

        (await admin.DeleteAsync("/admin/api/result-codes/overrides?protocol=sandbox&raw_code=REFUND_AMOUNT_EXCEEDS")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await EntriesAsync()).Single().Str("source").ShouldBe("default");
    }

    [Fact]
    public async Task Racing_writes_of_one_override_leave_one_rule_and_one_audit_line_each()
    {
        using var admin = gateway.Admin();
        var code = Unique("RACED_");

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            using var response = await admin.PutAsync("/admin/api/result-codes/overrides", Api.JsonBody(new
            {
                protocol = "sandbox", raw_code = code, unified_code = UnifiedResultCodes.All.Keys.Order(StringComparer.Ordinal).ElementAt(i), effect = "failed", message_en = "Raced.", message_zh = "竞争。",
            }));
            return response.StatusCode;
        }));

        answers.ShouldAllBe(s => s == HttpStatusCode.OK);
        var rows = await gateway.WithDbAsync(db => db.ResultCodeOverrides.AsNoTracking().Where(o => o.RawCode == code).ToListAsync());
        rows.Count.ShouldBe(1);
        var actions = await gateway.WithDbAsync(db => db.AuditEntries.AsNoTracking()
            .Where(a => a.EntityType == AdminResultCodeEndpoints.AuditType && a.EntityId == $"sandbox/*/{code}/*").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
        actions.ShouldBe(["create", .. Enumerable.Repeat("update", 9)]);
        (await admin.DeleteAsync($"/admin/api/result-codes/overrides?protocol=sandbox&raw_code={code}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Bad_override_requests_get_a_problem_with_a_unified_code_and_store_nothing()
    {
        using var admin = gateway.Admin();
        var code = Unique("BAD_");
        Dictionary<string, object?> Valid() => new()
        {
            ["protocol"] = "sandbox", ["flow"] = "pay", ["raw_code"] = code, ["raw_sub_code"] = null,
            ["unified_code"] = "channel_declined", ["effect"] = "failed", ["retryable"] = true, ["message_en"] = "Failed.", ["message_zh"] = "失败。",
        };
        Dictionary<string, object?> With(string field, object? value)
        {
            var body = Valid();
            body[field] = value;
            return body;
        }

        var versionBefore = await CatalogVersionAsync();
        (string Body, string Code, string? Field)[] cases =
        [
            (JsonSerializer.Serialize(With("protocol", "paypal")), "invalid_field", "protocol"),
            (JsonSerializer.Serialize(With("protocol", null)), "missing_field", "protocol"),
            (JsonSerializer.Serialize(With("effect", "declined")), "invalid_field", "effect"),
            (JsonSerializer.Serialize(With("effect", "Failed")), "invalid_field", "effect"),
            (JsonSerializer.Serialize(With("effect", null)), "missing_field", "effect"),
            (JsonSerializer.Serialize(With("flow", "payment")), "invalid_field", "flow"),
            (JsonSerializer.Serialize(With("raw_code", "")), "missing_field", "raw_code"),
            (JsonSerializer.Serialize(With("raw_code", " " + code)), "invalid_field", "raw_code"),
            (JsonSerializer.Serialize(With("raw_code", new string('X', 129))), "invalid_field", "raw_code"),
            (JsonSerializer.Serialize(With("raw_sub_code", "")), "invalid_field", "raw_sub_code"),
            (JsonSerializer.Serialize(With("unified_code", "")), "missing_field", "unified_code"),
            (JsonSerializer.Serialize(With("unified_code", "Not A Code")), "invalid_field", "unified_code"),
            (JsonSerializer.Serialize(With("unified_code", "made_up_code")), "invalid_field", "unified_code"),
            (JsonSerializer.Serialize(With("message_en", "  ")), "missing_field", "message_en"),
            (JsonSerializer.Serialize(With("message_zh", null)), "missing_field", "message_zh"),
            (JsonSerializer.Serialize(With("message_zh", new string('长', 513))), "invalid_field", "message_zh"),
            (JsonSerializer.Serialize(With("retryable", "yes")), "malformed_json", null),
            ("{\"protocol\": \"sandbox\",", "malformed_json", null),
            ("null", "malformed_json", null),
        ];

        foreach (var (body, expected, field) in cases)
        {
            using var response = await admin.PutAsync("/admin/api/result-codes/overrides", Api.JsonBody(body));
            var problem = await response.ReadJsonAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body);
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
            problem.Str("code").ShouldBe(expected, body);
            if (field is not null)
            {
                problem.Str("field").ShouldBe(field, body);
            }
        }

        (await admin.DeleteAsync("/admin/api/result-codes/overrides?protocol=sandbox&flow=nope&raw_code=X")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.DeleteAsync("/admin/api/result-codes/overrides?protocol=sandbox")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.GetAsync("/admin/api/result-codes?protocol=nope")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await admin.GetAsync("/admin/api/result-codes/unmapped?protocol=nope")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var anonymous = gateway.Anonymous();
        (await anonymous.PutAsync("/admin/api/result-codes/overrides", Api.JsonBody(Valid()))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        (await gateway.WithDbAsync(db => db.ResultCodeOverrides.CountAsync(o => o.RawCode == code))).ShouldBe(0);
        (await gateway.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.EntityType == AdminResultCodeEndpoints.AuditType && a.EntityId.Contains(code)))).ShouldBe(0);
        (await CatalogVersionAsync()).ShouldBe(versionBefore);
    }
}

public sealed class ResultCodeSqliteTests(SqliteGateway gateway) : ResultCodeTests(gateway), IClassFixture<SqliteGateway>;

public sealed class ResultCodePostgresTests(PostgresGateway gateway) : ResultCodeTests(gateway), IClassFixture<PostgresGateway>;
