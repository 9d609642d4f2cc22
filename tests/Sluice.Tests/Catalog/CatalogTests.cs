using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Server.Channels;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Catalog;

/// <summary>
/// Channel information through the admin API: payment methods, channels, status, maintenance windows, bank mappings,
/// validated before anything is written, audited with old and new values, and in force on every node without a restart.
/// </summary>
public abstract class CatalogTests(GatewayFixture gateway)
{
    private static string NewCode(string prefix = "ch") => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    private static Dictionary<string, object?> ChannelBody(string code) => new()
    {
        ["code"] = code,
        ["institution_name"] = "Bank of Tests",
        ["business_type"] = "payment",
        ["protocol"] = "alipay",
        ["payment_methods"] = new[] { "alipay_qr", "alipay_wap" },
        ["environments"] = new[] { "h5", "pc_web" },
        ["product_codes"] = new[] { "FAST_INSTANT_TRADE_PAY" },
        ["currencies"] = new[] { "CNY", "HKD" },
        ["fee_rate_ppm"] = new Dictionary<string, int> { ["alipay_qr"] = 6000, ["alipay_wap"] = 5500 },
        ["weight"] = 80,
        ["limit_currency"] = "CNY",
        ["single_min"] = 100,
        ["single_max"] = 5_000_000,
        ["daily_limit"] = 100_000_000,
        ["status"] = "online",
    };

    private static async Task<JsonElement> CreateChannelAsync(HttpClient admin, Dictionary<string, object?> body)
    {
        var response = await admin.PostAsync("/admin/api/channels", Api.JsonBody(body));
        var json = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json.ToString());
        return json;
    }

    private static async Task<List<JsonElement>> AuditAsync(HttpClient admin, string type, string id) =>
        (await (await admin.GetAsync($"/admin/api/audit?entityType={type}&entityId={Uri.EscapeDataString(id)}")).ReadJsonAsync()).EnumerateArray().Reverse().ToList();

    private Task<(int Channels, int Windows, int Banks, int Methods, int Audit, long Version)> CountsAsync() =>
        gateway.WithDbAsync(async db => (
            await db.Channels.CountAsync(), await db.MaintenanceWindows.CountAsync(), await db.ChannelBanks.CountAsync(),
            await db.PaymentMethods.CountAsync(), await db.AuditEntries.CountAsync(),
            await db.CatalogVersions.Select(v => v.Version).SingleAsync()));

    private static async Task ShouldBeProblemAsync(HttpResponseMessage response, string code, string field)
    {
        var body = await response.ReadJsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, body.ToString());
        body.Str("code").ShouldBe(code, body.ToString());
        body.Str("field").ShouldBe(field, body.ToString());
    }

    [Fact]
    public async Task Payment_methods_are_listed_created_and_updated_with_audit_and_versions()
    {
        using var admin = gateway.Admin();
        var listed = (await (await admin.GetAsync("/admin/api/payment-methods")).ReadJsonAsync()).EnumerateArray().ToList();
        listed.ShouldContain(m => m.Str("code") == "alipay_qr" && m.Str("kind") == "payment");
        listed.ShouldContain(m => m.Str("code") == "withdraw_bank_account" && m.Str("kind") == "withdrawal");

        var code = "pm_" + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.PostAsync("/admin/api/payment-methods", Api.JsonBody(new { code, name = "Digital wallet", kind = "payment" }));
        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var duplicate = await admin.PostAsync("/admin/api/payment-methods", Api.JsonBody(new { code, name = "Again" }));
        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await duplicate.ReadJsonAsync()).Str("code").ShouldBe("already_exists");
        await ShouldBeProblemAsync(await admin.PostAsync("/admin/api/payment-methods", Api.JsonBody(new { code = "Bad Code!", name = "x" })), "invalid_field", "code");
        await ShouldBeProblemAsync(await admin.PostAsync("/admin/api/payment-methods", Api.JsonBody(new { code = "pm_kind", name = "x", kind = "barter" })), "invalid_field", "kind");

        var updated = await admin.PutAsync($"/admin/api/payment-methods/{code}", Api.JsonBody(new { name = "Digital wallet (e-CNY)", enabled = false, version = 1 }));
        var updatedJson = await updated.ReadJsonAsync();
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, updatedJson.ToString());
        updatedJson.GetProperty("version").GetInt32().ShouldBe(2);
        updatedJson.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        var stale = await admin.PutAsync($"/admin/api/payment-methods/{code}", Api.JsonBody(new { name = "Lost update", version = 1 }));
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await stale.ReadJsonAsync()).Str("code").ShouldBe("concurrent_modification");

        var audit = await AuditAsync(admin, "payment_method", code);
        audit.Select(a => a.Str("action")).ShouldBe(["create", "update"]);
        audit[1].Str("old_value").ShouldContain("\"name\":\"Digital wallet\"");
        audit[1].Str("new_value").ShouldContain("Digital wallet (e-CNY)");
        audit[1].Str("actor").ShouldNotBeNullOrWhiteSpace();
        var catalog = await gateway.Services.GetRequiredService<ChannelCatalog>().GetAsync(CancellationToken.None);
        catalog.Methods[code].Name.ShouldBe("Digital wallet (e-CNY)");
        catalog.Methods[code].Enabled.ShouldBeFalse();
    }

    [Fact]
    public async Task A_channel_is_created_read_listed_and_replaced_with_optimistic_concurrency_and_audit()
    {
        using var admin = gateway.Admin();
        var code = NewCode();
        var created = await CreateChannelAsync(admin, ChannelBody(code));
        created.Str("status").ShouldBe("online");
        created.GetProperty("version").GetInt32().ShouldBe(1);
        created.GetProperty("fee_rate_ppm").GetProperty("alipay_wap").GetInt32().ShouldBe(5500);

        var fetched = await (await admin.GetAsync($"/admin/api/channels/{code}")).ReadJsonAsync();
        fetched.Str("institution_name").ShouldBe("Bank of Tests");
        fetched.GetProperty("environments").EnumerateArray().Select(e => e.GetString()).ShouldBe(["h5", "pc_web"]);
        fetched.GetProperty("product_codes")[0].GetString().ShouldBe("FAST_INSTANT_TRADE_PAY");
        fetched.GetProperty("daily_limit").GetInt64().ShouldBe(100_000_000);
        var all = (await (await admin.GetAsync("/admin/api/channels")).ReadJsonAsync()).EnumerateArray().Select(c => c.Str("code")).ToList();
        all.ShouldContain(code);
        all.ShouldContain("sandbox");
        (await admin.PostAsync("/admin/api/channels", Api.JsonBody(ChannelBody(code)))).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        var replace = ChannelBody(code);
        replace.Remove("status");
        replace["weight"] = 30;
        replace["payment_methods"] = new[] { "alipay_qr" };
        replace["fee_rate_ppm"] = new Dictionary<string, int> { ["alipay_qr"] = 3800 };
        replace["daily_limit"] = null;
        replace["version"] = 1;
        var updated = await admin.PutAsync($"/admin/api/channels/{code}", Api.JsonBody(replace));
        var updatedJson = await updated.ReadJsonAsync();
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, updatedJson.ToString());
        updatedJson.GetProperty("version").GetInt32().ShouldBe(2);
        updatedJson.GetProperty("weight").GetInt32().ShouldBe(30);
        updatedJson.GetProperty("daily_limit").ValueKind.ShouldBe(JsonValueKind.Null);
        var stale = await admin.PutAsync($"/admin/api/channels/{code}", Api.JsonBody(replace));
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await stale.ReadJsonAsync()).Str("code").ShouldBe("concurrent_modification");
        (await gateway.WithDbAsync(db => db.ChannelMethodFees.Where(f => f.ChannelCode == code).Select(f => f.PaymentMethod + "=" + f.RatePpm).ToListAsync()))
            .ShouldBe(["alipay_qr=3800"]);

        var audit = await AuditAsync(admin, "channel", code);
        audit.Select(a => a.Str("action")).ShouldBe(["create", "update"]);
        audit[1].Str("old_value").ShouldContain("\"weight\":80");
        audit[1].Str("new_value").ShouldContain("\"weight\":30");
        audit[1].Str("old_value").ShouldContain("\"alipay_wap\":5500");

        var info = (await gateway.Services.GetRequiredService<ChannelCatalog>().GetAsync(CancellationToken.None)).ByCode[code];
        info.Weight.ShouldBe(30);
        info.DailyLimitMinor.ShouldBeNull();
        info.TryGetFeeRatePpm("alipay_qr", out var rate).ShouldBeTrue();
        rate.ShouldBe(3800);
        info.Supports("alipay_wap").ShouldBeFalse();
    }

    [Fact]
    public async Task Racing_updates_with_the_same_version_let_exactly_one_through()
    {
        using var admin = gateway.Admin();
        var code = NewCode();
        await CreateChannelAsync(admin, ChannelBody(code));

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
        {
            var body = ChannelBody(code);
            body.Remove("status");
            body["version"] = 1;
            body["weight"] = 10 + i;
            return admin.PutAsync($"/admin/api/channels/{code}", Api.JsonBody(body));
        }));

        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
        var stored = await gateway.WithDbAsync(db => db.Channels.AsNoTracking().SingleAsync(c => c.Code == code));
        stored.Version.ShouldBe(2);
        (await AuditAsync(admin, "channel", code)).Count(a => a.Str("action") == "update").ShouldBe(1);
    }

    [Fact]
    public async Task Invalid_channels_are_refused_with_unified_codes_and_nothing_is_written()
    {
        using var admin = gateway.Admin();
        var before = await CountsAsync();
        var cases = new (string Field, object? Value, string Code, string ProblemField)[]
        {
            ("payment_methods", new[] { "alipay_qr", "carrier_pigeon" }, "invalid_field", "payment_methods"),
            ("payment_methods", new[] { "withdraw_wallet" }, "invalid_field", "payment_methods"),
            ("currencies", new[] { "CNY", "XXX" }, "unsupported_currency", "currencies"),
            ("limit_currency", "USD", "unsupported_currency", "limit_currency"),
            ("single_min", 6_000_000L, "invalid_amount", "single_min"),
            ("single_min", -1L, "invalid_amount", "single_min"),
            ("single_max", -5L, "invalid_amount", "single_max"),
            ("daily_limit", -100L, "invalid_amount", "daily_limit"),
            ("fee_rate_ppm", new Dictionary<string, int> { ["alipay_qr"] = 1_000_001 }, "invalid_field", "fee_rate_ppm"),
            ("fee_rate_ppm", new Dictionary<string, int> { ["alipay_qr"] = -1 }, "invalid_field", "fee_rate_ppm"),
            ("fee_rate_ppm", new Dictionary<string, int> { ["wechat_h5"] = 10 }, "invalid_field", "fee_rate_ppm"),
            ("environments", new[] { "smart_fridge" }, "invalid_field", "environments"),
            ("protocol", "carrier-pigeon", "invalid_field", "protocol"),
            ("business_type", "lending", "invalid_field", "business_type"),
            ("weight", 10_001, "invalid_field", "weight"),
            ("status", "sleeping", "invalid_field", "status"),
            ("code", "Not A Code", "invalid_field", "code"),
            ("institution_name", null, "missing_field", "institution_name"),
        };

        foreach (var (field, value, code, problemField) in cases)
        {
            var body = ChannelBody(NewCode());
            body[field] = value;
            await ShouldBeProblemAsync(await admin.PostAsync("/admin/api/channels", Api.JsonBody(body)), code, problemField);
        }

        // The same checks guard updates.
        var existing = NewCode();
        await CreateChannelAsync(admin, ChannelBody(existing));
        var afterCreate = await CountsAsync();
        var bad = ChannelBody(existing);
        bad.Remove("status");
        bad["version"] = 1;
        bad["single_min"] = 9_000_000L;
        await ShouldBeProblemAsync(await admin.PutAsync($"/admin/api/channels/{existing}", Api.JsonBody(bad)), "invalid_amount", "single_min");
        await ShouldBeProblemAsync(await admin.PutAsync($"/admin/api/channels/{existing}/status", Api.JsonBody(new { status = "paused" })), "invalid_field", "status");

        before.Channels.ShouldBe(afterCreate.Channels - 1);
        before.Audit.ShouldBe(afterCreate.Audit - 1);
        before.Version.ShouldBe(afterCreate.Version - 1);
        (await CountsAsync()).ShouldBe(afterCreate);
        (await (await admin.GetAsync($"/admin/api/channels/{existing}")).ReadJsonAsync()).GetProperty("single_min").GetInt64().ShouldBe(100);
    }

    [Fact]
    public async Task Status_changes_are_audited_and_served_by_the_catalog()
    {
        using var admin = gateway.Admin();
        var code = NewCode();
        await CreateChannelAsync(admin, ChannelBody(code));
        var catalog = gateway.Services.GetRequiredService<ChannelCatalog>();
        (await catalog.GetAsync(CancellationToken.None)).ByCode[code].IsOnline.ShouldBeTrue();

        var stale = await admin.PutAsync($"/admin/api/channels/{code}/status", Api.JsonBody(new { status = "offline", version = 7 }));
        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var offline = await admin.PutAsync($"/admin/api/channels/{code}/status", Api.JsonBody(new { status = "offline", version = 1 }));
        var offlineJson = await offline.ReadJsonAsync();
        offline.StatusCode.ShouldBe(HttpStatusCode.OK, offlineJson.ToString());
        offlineJson.Str("status").ShouldBe("offline");

        (await catalog.GetAsync(CancellationToken.None)).ByCode[code].IsOnline.ShouldBeFalse();
        var audit = await AuditAsync(admin, "channel", code);
        audit.Last().Str("action").ShouldBe("set_status");
        audit.Last().Str("old_value").ShouldContain("\"status\":\"online\"");
        audit.Last().Str("new_value").ShouldContain("\"status\":\"offline\"");
        (await admin.PutAsync("/admin/api/channels/no-such-channel/status", Api.JsonBody(new { status = "offline" }))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Maintenance_windows_are_added_listed_deleted_validated_and_evaluated_by_the_catalog()
    {
        using var admin = gateway.Admin();
        var code = NewCode();
        await CreateChannelAsync(admin, ChannelBody(code));
        var url = $"/admin/api/channels/{code}/maintenance-windows";
        var before = await CountsAsync();

        await ShouldBeProblemAsync(await admin.PostAsync(url, Api.JsonBody(new { kind = "daily", local_start = "23:30", local_end = "00:30", time_zone = "Mars/Olympus_Mons" })), "invalid_field", "time_zone");
        await ShouldBeProblemAsync(await admin.PostAsync(url, Api.JsonBody(new { kind = "daily", local_start = "25:00", local_end = "00:30", time_zone = "Asia/Shanghai" })), "invalid_field", "local_start");
        await ShouldBeProblemAsync(await admin.PostAsync(url, Api.JsonBody(new { kind = "daily", local_start = "01:00", local_end = "01:00", time_zone = "Asia/Shanghai" })), "invalid_field", "local_end");
        await ShouldBeProblemAsync(await admin.PostAsync(url, Api.JsonBody(new { kind = "weekly", local_start = "01:00", local_end = "02:00", time_zone = "Asia/Shanghai" })), "missing_field", "days");
        await ShouldBeProblemAsync(await admin.PostAsync(url, Api.JsonBody(new { kind = "weekly", local_start = "01:00", local_end = "02:00", time_zone = "Asia/Shanghai", days = new[] { "someday" } })), "invalid_field", "days");
        await ShouldBeProblemAsync(await admin.PostAsync(url, Api.JsonBody(new { kind = "one_off", starts_at = "2026-12-01T04:00:00Z", ends_at = "2026-12-01T02:00:00Z" })), "invalid_field", "ends_at");
        await ShouldBeProblemAsync(await admin.PostAsync(url, Api.JsonBody(new { kind = "sometimes" })), "invalid_field", "kind");
        (await CountsAsync()).ShouldBe(before);

        var daily = await admin.PostAsync(url, Api.JsonBody(new { kind = "daily", local_start = "23:30", local_end = "00:30", time_zone = "Asia/Shanghai", reason = "Nightly settlement" }));
        var dailyJson = await daily.ReadJsonAsync();
        daily.StatusCode.ShouldBe(HttpStatusCode.Created, dailyJson.ToString());
        dailyJson.Str("local_start").ShouldBe("23:30");
        var weekly = await (await admin.PostAsync(url, Api.JsonBody(new { kind = "weekly", local_start = "02:00", local_end = "04:00", time_zone = "Asia/Shanghai", days = new[] { "sun", "wed" } }))).ReadJsonAsync();
        weekly.GetProperty("days").EnumerateArray().Select(d => d.GetString()).ShouldBe(["wed", "sun"]);
        var oneOff = await (await admin.PostAsync(url, Api.JsonBody(new { kind = "one_off", starts_at = "2026-12-01T10:00:00+08:00", ends_at = "2026-12-01T12:00:00+08:00" }))).ReadJsonAsync();
        oneOff.GetProperty("starts_at").GetDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 12, 1, 2, 0, 0, TimeSpan.Zero));

        var listed = (await (await admin.GetAsync(url)).ReadJsonAsync()).EnumerateArray().ToList();
        listed.Count.ShouldBe(3);

        var info = (await gateway.Services.GetRequiredService<ChannelCatalog>().GetAsync(CancellationToken.None)).ByCode[code];
        info.MaintenanceWindows.Length.ShouldBe(3);
        info.IsInMaintenanceAt(new DateTimeOffset(2026, 12, 2, 0, 10, 0, TimeSpan.FromHours(8))).ShouldBeTrue();   // daily, after midnight
        info.IsInMaintenanceAt(new DateTimeOffset(2026, 12, 1, 11, 0, 0, TimeSpan.FromHours(8))).ShouldBeTrue();   // one-off
        info.IsInMaintenanceAt(new DateTimeOffset(2026, 12, 2, 3, 0, 0, TimeSpan.FromHours(8))).ShouldBeTrue();    // Wednesday 03:00
        info.IsInMaintenanceAt(new DateTimeOffset(2026, 12, 3, 3, 0, 0, TimeSpan.FromHours(8))).ShouldBeFalse();   // Thursday 03:00
        info.IsAvailableAt(new DateTimeOffset(2026, 12, 1, 14, 0, 0, TimeSpan.FromHours(8))).ShouldBeTrue();

        var id = dailyJson.Str("id");
        (await admin.DeleteAsync($"{url}/{id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.DeleteAsync($"{url}/{id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await admin.GetAsync(url)).ReadJsonAsync()).GetArrayLength().ShouldBe(2);
        (await gateway.Services.GetRequiredService<ChannelCatalog>().GetAsync(CancellationToken.None)).ByCode[code]
            .IsInMaintenanceAt(new DateTimeOffset(2026, 12, 2, 0, 10, 0, TimeSpan.FromHours(8))).ShouldBeFalse();

        var audit = await AuditAsync(admin, "maintenance_window", id);
        audit.Select(a => a.Str("action")).ShouldBe(["create", "delete"]);
        audit[1].Str("old_value").ShouldContain("Asia/Shanghai");
        audit[1].TryGetProperty("new_value", out var newValue).ShouldBeTrue();
        newValue.ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Bank_mappings_are_put_listed_deleted_validated_and_served_by_the_catalog()
    {
        using var admin = gateway.Admin();
        var code = NewCode();
        var body = ChannelBody(code);
        body["payment_methods"] = new[] { "bank_card" };
        body["fee_rate_ppm"] = new Dictionary<string, int> { ["bank_card"] = 2500 };
        body["protocol"] = "unionpay";
        await CreateChannelAsync(admin, body);
        var url = $"/admin/api/channels/{code}/banks";
        var before = await CountsAsync();

        await ShouldBeProblemAsync(await admin.PutAsync($"{url}/ICBC/prepaid", Api.JsonBody(new { single_max = 100 })), "invalid_field", "card_type");
        await ShouldBeProblemAsync(await admin.PutAsync($"{url}/icbc!/debit", Api.JsonBody(new { single_max = 100 })), "invalid_field", "bank_code");
        await ShouldBeProblemAsync(await admin.PutAsync($"{url}/ICBC/debit", Api.JsonBody(new { single_max = -100 })), "invalid_amount", "single_max");
        await ShouldBeProblemAsync(await admin.PutAsync($"{url}/ICBC/debit", Api.JsonBody(new { single_max = 1000, daily_limit = 500 })), "invalid_amount", "daily_limit");
        await ShouldBeProblemAsync(await admin.PutAsync($"{url}/ICBC/debit", Api.JsonBody(new { daily_limit = 500 })), "missing_field", "single_max");
        (await admin.PutAsync($"/admin/api/channels/no-such-channel/banks/ICBC/debit", Api.JsonBody(new { single_max = 100 }))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await CountsAsync()).ShouldBe(before);

        (await admin.PutAsync($"{url}/ICBC/debit", Api.JsonBody(new { single_max = 5_000_000, daily_limit = 20_000_000 }))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PutAsync($"{url}/CMB/credit", Api.JsonBody(new { single_max = 1_000_000 }))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var changed = await (await admin.PutAsync($"{url}/ICBC/debit", Api.JsonBody(new { single_max = 2_000_000, daily_limit = 20_000_000 }))).ReadJsonAsync();
        changed.GetProperty("single_max").GetInt64().ShouldBe(2_000_000);

        var listed = (await (await admin.GetAsync(url)).ReadJsonAsync()).EnumerateArray().Select(b => $"{b.Str("bank_code")}/{b.Str("card_type")}").ToList();
        listed.ShouldBe(["CMB/credit", "ICBC/debit"]);
        var info = (await gateway.Services.GetRequiredService<ChannelCatalog>().GetAsync(CancellationToken.None)).ByCode[code];
        info.TryGetBank("ICBC", CardType.Debit, out var icbc).ShouldBeTrue();
        icbc!.SingleMaxMinor.ShouldBe(2_000_000);
        icbc.DailyLimitMinor.ShouldBe(20_000_000);
        info.TryGetBank("ICBC", CardType.Credit, out _).ShouldBeFalse();

        var audit = await AuditAsync(admin, "channel_bank", $"{code}:ICBC:debit");
        audit.Select(a => a.Str("action")).ShouldBe(["create", "update"]);
        audit[1].Str("old_value").ShouldContain("\"single_max\":5000000");
        audit[1].Str("new_value").ShouldContain("\"single_max\":2000000");

        (await admin.DeleteAsync($"{url}/CMB/credit")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await admin.DeleteAsync($"{url}/CMB/credit")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await (await admin.GetAsync(url)).ReadJsonAsync()).GetArrayLength().ShouldBe(1);
        (await gateway.Services.GetRequiredService<ChannelCatalog>().GetAsync(CancellationToken.None)).ByCode[code].TryGetBank("CMB", CardType.Credit, out _).ShouldBeFalse();
    }

    [Fact]
    public async Task Channel_accounts_need_an_existing_channel_that_takes_their_methods_and_never_show_credentials()
    {
        using var admin = gateway.Admin();
        var code = NewCode("sbx");
        var body = ChannelBody(code);
        body["protocol"] = "sandbox";
        await CreateChannelAsync(admin, body);
        const string secret = "catalog-secret-4e1f0a9b7c2d";
        object Account(string channel, string protocol, string[] methods) => new
        {
            channel_code = channel, protocol, merchant_id = gateway.Demo.MerchantId, payment_methods = methods,
            credentials = new Dictionary<string, string> { ["merchant_no"] = "SBXCATALOG", ["api_secret"] = secret },
        };

        await ShouldBeProblemAsync(await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(Account("no-such-channel", "sandbox", ["alipay_qr"]))), "invalid_field", "channel_code");
        await ShouldBeProblemAsync(await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(Account(code, "sandbox", ["wechat_native"]))), "invalid_field", "payment_methods");

        var created = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(Account(code, "sandbox", ["alipay_qr"])));
        var text = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, text);
        text.ShouldNotContain(secret);
        text.ShouldContain("api_secret");
        (await admin.GetStringAsync("/admin/api/channel-accounts")).ShouldNotContain(secret);
        (await admin.GetStringAsync("/admin/api/audit")).ShouldNotContain(secret);
        (await gateway.WithDbAsync(db => db.ChannelAccounts.Where(a => a.ChannelCode == code).Select(a => a.CredentialsCiphertext).SingleAsync())).ShouldNotContain(secret);
    }

    [Fact]
    public async Task A_channel_account_is_disabled_narrowed_and_rotated_with_audit_and_no_credential_ever_shown()
    {
        using var admin = gateway.Admin();
        const string oldSecret = "rotate-old-secret-5c8e1a2b";
        const string newSecret = "rotate-new-secret-9d3f7e6a";
        var created = await (await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(new
        {
            channel_code = "sandbox", protocol = "sandbox", merchant_id = gateway.Demo.MerchantId, payment_methods = new[] { "alipay_qr", "wechat_native" },
            credentials = new Dictionary<string, string> { ["merchant_no"] = "SBXROTATE", ["api_secret"] = oldSecret },
        }))).ReadJsonAsync();
        var id = created.Str("id");
        var url = $"/admin/api/channel-accounts/{id}";
        var cipherBefore = await gateway.WithDbAsync(db => db.ChannelAccounts.Where(a => a.Id == id).Select(a => a.CredentialsCiphertext).SingleAsync());

        await ShouldBeProblemAsync(await admin.PatchAsync(url, Api.JsonBody(new { payment_methods = new[] { "withdraw_wallet" } })), "invalid_field", "payment_methods");
        await ShouldBeProblemAsync(await admin.PatchAsync(url, Api.JsonBody(new { })), "missing_field", "enabled");
        (await admin.PatchAsync("/admin/api/channel-accounts/cha_missing", Api.JsonBody(new { enabled = false }))).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var updated = await admin.PatchAsync(url, Api.JsonBody(new
        {
            enabled = false, payment_methods = new[] { "alipay_qr" },
            credentials = new Dictionary<string, string> { ["merchant_no"] = "SBXROTATE", ["api_secret"] = newSecret, ["app_cert_sn"] = "abc" },
        }));
        var text = await updated.Content.ReadAsStringAsync();
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, text);
        text.ShouldNotContain(newSecret);
        text.ShouldContain("app_cert_sn");
        var json = JsonDocument.Parse(text).RootElement;
        json.GetProperty("enabled").GetBoolean().ShouldBeFalse();
        json.GetProperty("payment_methods").EnumerateArray().Select(m => m.GetString()).ShouldBe(["alipay_qr"]);

        var cipherAfter = await gateway.WithDbAsync(db => db.ChannelAccounts.Where(a => a.Id == id).Select(a => a.CredentialsCiphertext).SingleAsync());
        cipherAfter.ShouldNotBe(cipherBefore);
        cipherAfter.ShouldNotContain(newSecret);
        var audit = await AuditAsync(admin, "channel_account", id);
        audit.Select(a => a.Str("action")).ShouldBe(["create", "update_rotate_credentials"]);
        audit[1].Str("old_value").ShouldContain("\"enabled\":true");
        audit[1].Str("new_value").ShouldContain("\"enabled\":false");
        var auditText = await admin.GetStringAsync("/admin/api/audit");
        auditText.ShouldNotContain(oldSecret);
        auditText.ShouldNotContain(newSecret);
    }

    [Fact]
    public async Task Partner_mode_accounts_belong_to_the_merchants_service_provider_and_carry_a_sub_merchant_id()
    {
        using var admin = gateway.Admin();
        const string secret = "partner-secret-93b1c07d5e";
        var otherSp = (await (await admin.PostAsync("/admin/api/service-providers", Api.JsonBody(new { name = "Other ISV" }))).ReadJsonAsync()).Str("id");
        object Account(string? sp, string? sub) => new
        {
            channel_code = "sandbox", protocol = "sandbox", merchant_id = gateway.Demo.MerchantId, service_provider_id = sp, sub_merchant_id = sub,
            payment_methods = new[] { "alipay_qr" }, credentials = new Dictionary<string, string> { ["merchant_no"] = "SBXPARTNER", ["api_secret"] = secret },
        };

        await ShouldBeProblemAsync(await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(Account(gateway.Demo.ServiceProviderId, null))), "missing_field", "sub_merchant_id");
        await ShouldBeProblemAsync(await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(Account(otherSp, "SUB-1"))), "invalid_field", "service_provider_id");
        await ShouldBeProblemAsync(await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(Account(null, "SUB-1"))), "invalid_field", "sub_merchant_id");

        var created = await admin.PostAsync("/admin/api/channel-accounts", Api.JsonBody(Account(gateway.Demo.ServiceProviderId, "SUB-1")));
        var json = await created.ReadJsonAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, json.ToString());
        json.Str("service_provider_id").ShouldBe(gateway.Demo.ServiceProviderId);
        json.Str("sub_merchant_id").ShouldBe("SUB-1");
        json.ToString().ShouldNotContain(secret);
        (await admin.GetStringAsync("/admin/api/channel-accounts")).ShouldNotContain(secret);
    }

    [Fact]
    public async Task A_change_made_through_one_node_is_in_force_on_another_within_the_check_interval_without_a_restart()
    {
        await using var nodeB = gateway.StartNode("test-node-catalog-b");
        var catalogA = gateway.Services.GetRequiredService<ChannelCatalog>();
        var catalogB = nodeB.Services.GetRequiredService<ChannelCatalog>();
        using var adminA = gateway.Admin();
        using var adminB = nodeB.Client(GatewayFixture.AdminToken);
        var code = NewCode("mn");
        var versionBefore = (await catalogB.GetAsync(CancellationToken.None)).Version;

        await CreateChannelAsync(adminA, ChannelBody(code));

        // Node A changed it and serves it at once; node B has not checked yet (the clock has not moved).
        (await catalogA.GetAsync(CancellationToken.None)).ByCode.ContainsKey(code).ShouldBeTrue();
        (await catalogB.GetAsync(CancellationToken.None)).ByCode.ContainsKey(code).ShouldBeFalse();
        catalogB.Current.Version.ShouldBe(versionBefore);

        gateway.Clock.Advance(ChannelCatalog.CheckInterval + TimeSpan.FromMilliseconds(1));
        var seenOnB = await catalogB.GetAsync(CancellationToken.None);
        seenOnB.ByCode.ContainsKey(code).ShouldBeTrue();
        seenOnB.Version.ShouldBe((await catalogA.GetAsync(CancellationToken.None)).Version);
        var stateB = await (await adminB.GetAsync("/admin/api/catalog")).ReadJsonAsync();
        stateB.GetProperty("online_channels").EnumerateArray().Select(c => c.GetString()).ShouldContain(code);

        // And the other way round, through the non-blocking read path: B takes the channel offline, A sees it.
        (await adminB.PutAsync($"/admin/api/channels/{code}/status", Api.JsonBody(new { status = "offline" }))).StatusCode.ShouldBe(HttpStatusCode.OK);
        catalogA.Current.ByCode[code].IsOnline.ShouldBeTrue();
        gateway.Clock.Advance(ChannelCatalog.CheckInterval + TimeSpan.FromMilliseconds(1));
        await Api.EventuallyAsync(() => Task.FromResult(catalogA.Current), s => !s.ByCode[code].IsOnline, "node A to see the channel offline");
    }

    [Fact]
    public async Task A_database_from_before_the_catalog_gets_its_sandbox_channel_at_start()
    {
        // Simulate an upgraded database: merchants and sandbox accounts exist, the sandbox channel does not.
        await gateway.WithDbAsync(async db =>
        {
            await db.ChannelMethodFees.Where(f => f.ChannelCode == "sandbox").ExecuteDeleteAsync();
            return await db.Channels.Where(c => c.Code == "sandbox").ExecuteDeleteAsync();
        });
        (await gateway.WithDbAsync(db => db.Channels.AnyAsync(c => c.Code == "sandbox"))).ShouldBeFalse();

        await using var nodeB = gateway.StartNode("test-node-catalog-upgrade");

        var sandbox = (await nodeB.Services.GetRequiredService<ChannelCatalog>().GetAsync(CancellationToken.None)).ByCode["sandbox"];
        sandbox.IsOnline.ShouldBeTrue();
        sandbox.Protocol.ShouldBe("sandbox");
        sandbox.Supports("alipay_qr").ShouldBeTrue();
        sandbox.Supports("withdraw_wallet").ShouldBeFalse();
        (await gateway.WithDbAsync(db => db.ServiceProviders.CountAsync(s => s.Name == "Demo Service Provider"))).ShouldBe(1);
    }

    [Fact]
    public async Task An_idle_node_is_refreshed_in_the_background_every_check_interval()
    {
        await using var nodeB = gateway.StartNode("test-node-catalog-idle");
        var catalogB = nodeB.Services.GetRequiredService<ChannelCatalog>();
        var refresher = ActivatorUtilities.CreateInstance<ChannelCatalogRefresher>(nodeB.Services);
        await refresher.StartAsync(CancellationToken.None);
        try
        {
            using var adminA = gateway.Admin();
            var code = NewCode("idle");
            await CreateChannelAsync(adminA, ChannelBody(code));
            catalogB.Loaded.ByCode.ContainsKey(code).ShouldBeFalse();

            gateway.Clock.Advance(ChannelCatalog.CheckInterval + TimeSpan.FromMilliseconds(1));
            await Api.EventuallyAsync(() => Task.FromResult(catalogB.Loaded), s => s.ByCode.ContainsKey(code), "the refresher to load the new channel on node B");
        }
        finally
        {
            await refresher.StopAsync(CancellationToken.None);
        }
    }
}

public sealed class CatalogSqliteTests(SqliteGateway gateway) : CatalogTests(gateway), IClassFixture<SqliteGateway>;

public sealed class CatalogPostgresTests(PostgresGateway gateway) : CatalogTests(gateway), IClassFixture<PostgresGateway>;
