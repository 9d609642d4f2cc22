using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels.Sandbox;
using Sluice.Common;
using Sluice.Data;
using Sluice.Money;
using Sluice.Sandbox;
using Sluice.Security;
using static Sluice.Channels.Sandbox.SandboxProtocol;

namespace Sluice.Demo.Sandbox;

/// <summary>
/// The sandbox channel itself: a small upstream institution served by the gateway for the quick start. It verifies
/// the merchant's request signatures, signs its answers and keeps its own books; its cashier page
/// (<see cref="SandboxCashier"/>) lets a payer pay or decline, and <see cref="SandboxNotifier"/> sends its signed notices.
/// Test control: a payment subject containing <c>[sandbox-answer:CODE]</c> or <c>[sandbox-answer:CODE/STATUS]</c> makes
/// the pay call answer with that result code (and order status) instead of opening an order, so any raw code, a decline
/// or one no result-code rule knows, can be produced on demand (e.g. subject <c>"Tea [sandbox-answer:PAYMENT_DECLINED]"</c>).
/// </summary>
public static partial class SandboxUpstream
{
    public static void MapSandboxChannel(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/sandbox/api").ExcludeFromDescription().AllowAnonymous();
        api.MapPost("/pay", (HttpContext h) => Signed<SandboxPayRequest>(h, r => r.MerchantNo, PayAsync));
        api.MapPost("/query", (HttpContext h) => Signed<SandboxOrderRequest>(h, r => r.MerchantNo, QueryAsync));
        api.MapPost("/close", (HttpContext h) => Signed<SandboxOrderRequest>(h, r => r.MerchantNo, CloseAsync));
        api.MapPost("/refund", (HttpContext h) => Signed<SandboxRefundRequest>(h, r => r.MerchantNo, RefundAsync));
        api.MapPost("/refund/query", (HttpContext h) => Signed<SandboxRefundQuery>(h, r => r.MerchantNo, QueryRefundAsync));
        api.MapPost("/payout", (HttpContext h) => Signed<SandboxPayoutRequest>(h, r => r.MerchantNo, PayoutAsync));
        api.MapPost("/payout/query", (HttpContext h) => Signed<SandboxPayoutQuery>(h, r => r.MerchantNo, QueryPayoutAsync));
    }

    private delegate Task<SandboxAnswer> Operation<in T>(SluiceDbContext db, T request, TimeProvider clock, CancellationToken ct);

    private static async Task Signed<T>(HttpContext http, Func<T, string> merchantOf, Operation<T> operation)
    {
        var keys = http.RequestServices.GetRequiredService<SandboxKeys>();
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();

        T? request;
        try
        {
            request = JsonSerializer.Deserialize<T>(body, Json);
        }
        catch (JsonException)
        {
            request = default;
        }

        if (request is null)
        {
            await WriteAsync(http, null, new SandboxAnswer(Codes.InvalidRequest, "body is not a valid request"), 400);
            return;
        }

        var merchantNo = merchantOf(request);
        var secret = keys.SecretFor(merchantNo);
        if (!HmacSignature.Verify(secret, http.Request.Headers[SignatureHeader].ToString(), body, clock.GetUtcNow(), SignatureTolerance))
        {
            await WriteAsync(http, null, new SandboxAnswer(Codes.SignError, "signature does not verify"), 401);
            return;
        }

        var db = http.RequestServices.GetRequiredService<SluiceDbContext>();
        var answer = await operation(db, request, clock, http.RequestAborted);
        if (answer.CashierUrl is { } path)
        {
            answer = answer with { CashierUrl = new Uri(http.RequestServices.GetRequiredService<SluiceDemoOptions>().PublicBase, path).ToString() };
        }

        await WriteAsync(http, secret, answer, 200);
    }

    private static async Task WriteAsync(HttpContext http, string? secret, SandboxAnswer answer, int status)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(answer, Json);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json; charset=utf-8";
        if (secret is not null)
        {
            var clock = http.RequestServices.GetRequiredService<TimeProvider>();
            http.Response.Headers[SignatureHeader] = HmacSignature.Sign(secret, clock.GetUtcNow().ToUnixTimeSeconds(), bytes);
        }

        await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
    }

    private static async Task<SandboxAnswer> PayAsync(SluiceDbContext db, SandboxPayRequest r, TimeProvider clock, CancellationToken ct)
    {
        if (RequestedAnswer().Match(r.Subject ?? "") is { Success: true } requested)
        {
            var status = requested.Groups[2].Success ? requested.Groups[2].Value : null;
            return new SandboxAnswer(requested.Groups[1].Value, "answer requested by the subject", OutTradeNo: r.OutTradeNo, Status: status);
        }

        if (r.Amount <= 0 || !Currency.TryGet(r.Currency, out _) || string.IsNullOrEmpty(r.OutTradeNo))
        {
            return new SandboxAnswer(Codes.InvalidRequest, "amount, currency and out_trade_no are required");
        }

        var now = clock.GetUtcNow();
        var trade = new SandboxTransaction
        {
            TradeNo = NewTradeNo(now),
            Kind = "payment",
            MerchantNo = r.MerchantNo,
            OutTradeNo = r.OutTradeNo,
            Amount = r.Amount,
            Currency = r.Currency,
            Subject = r.Subject,
            NotifyUrl = r.NotifyUrl,
            ReturnUrl = r.ReturnUrl,
            Status = Statuses.WaitPay,
            CreatedAt = now,
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(r.ExpireAt),
        };
        db.SandboxTransactions.Add(trade);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
        {
            // A repeated request: the same order answers as before, different parameters are refused.
            db.ChangeTracker.Clear();
            var existing = await db.SandboxTransactions.AsNoTracking()
                .FirstAsync(t => t.MerchantNo == r.MerchantNo && t.Kind == "payment" && t.OutTradeNo == r.OutTradeNo, ct);
            return existing.Amount == r.Amount && existing.Currency == r.Currency
                ? Answer(existing) with { CashierUrl = CashierPath(existing.TradeNo) }
                : new SandboxAnswer(Codes.DuplicateOrder, "out_trade_no already used with other parameters");
        }

        return Answer(trade) with { CashierUrl = CashierPath(trade.TradeNo) };
    }

    private static async Task<SandboxAnswer> QueryAsync(SluiceDbContext db, SandboxOrderRequest r, TimeProvider clock, CancellationToken ct)
    {
        await ExpireIfDueAsync(db, r.MerchantNo, r.OutTradeNo, clock, ct);
        return await FindAsync(db, r.MerchantNo, "payment", r.OutTradeNo, ct);
    }

    private static Task<SandboxAnswer> QueryRefundAsync(SluiceDbContext db, SandboxRefundQuery r, TimeProvider clock, CancellationToken ct) =>
        FindAsync(db, r.MerchantNo, "refund", r.OutRefundNo, ct);

    private static Task<SandboxAnswer> QueryPayoutAsync(SluiceDbContext db, SandboxPayoutQuery r, TimeProvider clock, CancellationToken ct) =>
        FindAsync(db, r.MerchantNo, "payout", r.OutPayoutNo, ct);

    private static async Task<SandboxAnswer> FindAsync(SluiceDbContext db, string merchantNo, string kind, string outTradeNo, CancellationToken ct)
    {
        var trade = await db.SandboxTransactions.AsNoTracking()
            .FirstOrDefaultAsync(t => t.MerchantNo == merchantNo && t.Kind == kind && t.OutTradeNo == outTradeNo, ct);
        return trade is null ? new SandboxAnswer(Codes.OrderNotExist, "no such order") : Answer(trade);
    }

    private static async Task<SandboxAnswer> CloseAsync(SluiceDbContext db, SandboxOrderRequest r, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var closed = await db.SandboxTransactions
            .Where(t => t.MerchantNo == r.MerchantNo && t.Kind == "payment" && t.OutTradeNo == r.OutTradeNo && t.Status == Statuses.WaitPay)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, Statuses.Closed).SetProperty(t => t.CompletedAt, now), ct);
        var current = await FindAsync(db, r.MerchantNo, "payment", r.OutTradeNo, ct);
        return closed == 1 || current.Code != Codes.Success
            ? current
            : current.Status switch
            {
                Statuses.Success => current with { Code = Codes.OrderPaid, Message = "order is already paid" },
                Statuses.Closed => current with { Code = Codes.OrderClosed, Message = "order is already closed" },
                _ => current with { Code = Codes.InvalidRequest, Message = "order cannot be closed" },
            };
    }

    private static async Task<SandboxAnswer> RefundAsync(SluiceDbContext db, SandboxRefundRequest r, TimeProvider clock, CancellationToken ct)
    {
        var payment = await db.SandboxTransactions.AsNoTracking()
            .FirstOrDefaultAsync(t => t.MerchantNo == r.MerchantNo && t.Kind == "payment" && t.OutTradeNo == r.OutTradeNo, ct);
        if (payment is null)
        {
            return new SandboxAnswer(Codes.OrderNotExist, "no such order");
        }

        var existing = await FindAsync(db, r.MerchantNo, "refund", r.OutRefundNo, ct);
        if (existing.Code == Codes.Success)
        {
            return existing;
        }

        var refunded = await db.SandboxTransactions
            .Where(t => t.MerchantNo == r.MerchantNo && t.Kind == "refund" && t.OriginalTradeNo == payment.TradeNo && t.Status == Statuses.Success)
            .SumAsync(t => t.Amount, ct);
        if (payment.Status != Statuses.Success || r.Amount <= 0 || refunded + r.Amount > payment.Amount)
        {
            return new SandboxAnswer(Codes.RefundExceeds, "refund amount exceeds what is refundable");
        }

        return await RecordCompletedAsync(db, clock, "refund", r.MerchantNo, r.OutRefundNo, payment.TradeNo, r.Amount, r.Currency, r.NotifyUrl, ct);
    }

    private static Task<SandboxAnswer> PayoutAsync(SluiceDbContext db, SandboxPayoutRequest r, TimeProvider clock, CancellationToken ct) =>
        r.Amount <= 0 || string.IsNullOrEmpty(r.AccountNo)
            ? Task.FromResult(new SandboxAnswer(Codes.InvalidRequest, "amount and account_no are required"))
            : RecordCompletedAsync(db, clock, "payout", r.MerchantNo, r.OutPayoutNo, null, r.Amount, r.Currency, r.NotifyUrl, ct);

    private static async Task<SandboxAnswer> RecordCompletedAsync(
        SluiceDbContext db, TimeProvider clock, string kind, string merchantNo, string outNo, string? originalTradeNo,
        long amount, string currency, string notifyUrl, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var trade = new SandboxTransaction
        {
            TradeNo = NewTradeNo(now),
            Kind = kind,
            MerchantNo = merchantNo,
            OutTradeNo = outNo,
            OriginalTradeNo = originalTradeNo,
            Amount = amount,
            Currency = currency,
            NotifyUrl = notifyUrl,
            Status = Statuses.Success,
            CreatedAt = now,
            ExpiresAt = now,
            CompletedAt = now,
        };
        db.SandboxTransactions.Add(trade);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            return await FindAsync(db, merchantNo, kind, outNo, ct);
        }

        return Answer(trade);
    }

    private static async Task ExpireIfDueAsync(SluiceDbContext db, string merchantNo, string outTradeNo, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.SandboxTransactions
            .Where(t => t.MerchantNo == merchantNo && t.Kind == "payment" && t.OutTradeNo == outTradeNo && t.Status == Statuses.WaitPay && t.ExpiresAt < now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.Status, Statuses.Closed).SetProperty(t => t.CompletedAt, now), ct);
    }

    /// <summary>The sandbox's own trade number: its time of creation and ten random characters.</summary>
    private static string NewTradeNo(DateTimeOffset now) =>
        "SBX" + now.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + ApiKeys.RandomToken(10).ToUpperInvariant();

    internal static SandboxAnswer Answer(SandboxTransaction t) => new(
        Codes.Success,
        TradeNo: t.TradeNo,
        OutTradeNo: t.OutTradeNo,
        Status: t.Status,
        Amount: t.Amount,
        Currency: t.Currency,
        CompletedAt: t.CompletedAt?.ToUnixTimeSeconds(),
        Kind: t.Kind,
        Message: t.FailCode);

    /// <summary>A cashier path, made absolute against the public base URL when the answer is written.</summary>
    private static string CashierPath(string tradeNo) => "sandbox/cashier/" + tradeNo;

    [GeneratedRegex(@"\[sandbox-answer:([A-Z0-9_]{1,64})(?:/([A-Z0-9_]{1,64}))?\]")]
    private static partial Regex RequestedAnswer();
}
