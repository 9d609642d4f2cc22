using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Sluice.Data;
using Sluice.Money;
using static Sluice.Channels.Sandbox.SandboxProtocol;

namespace Sluice.Demo.Sandbox;

/// <summary>
/// The sandbox channel's cashier page, where a payer pays or declines a sandbox order (<c>/sandbox/cashier/{tradeNo}</c>);
/// a decision is sent to the merchant as the sandbox's signed notice.
/// </summary>
public static class SandboxCashier
{
    public static void MapSandboxCashier(this IEndpointRouteBuilder routes)
    {
        var cashier = routes.MapGroup("/sandbox/cashier").ExcludeFromDescription().AllowAnonymous();
        cashier.MapGet("/{tradeNo}", CashierPageAsync);
        cashier.MapPost("/{tradeNo}/pay", (string tradeNo, HttpContext h) => PayerDecidesAsync(h, tradeNo, Statuses.Success));
        cashier.MapPost("/{tradeNo}/decline", (string tradeNo, HttpContext h) => PayerDecidesAsync(h, tradeNo, Statuses.Failed));
    }

    private static async Task<IResult> CashierPageAsync(string tradeNo, HttpContext http, SluiceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        CashierHeaders(http.Response);
        var trade = await db.SandboxTransactions.AsNoTracking().FirstOrDefaultAsync(t => t.TradeNo == tradeNo && t.Kind == "payment", ct);
        if (trade is null)
        {
            return Results.Content(Page("Order not found", "<h1>Order not found</h1><p>This sandbox order does not exist.</p>"), "text/html; charset=utf-8", statusCode: 404);
        }

        var expired = trade.Status == Statuses.WaitPay && trade.ExpiresAt < clock.GetUtcNow();
        var amount = FormatAmount(trade.Amount, trade.Currency);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"merchant\">Sandbox merchant {Enc(trade.MerchantNo)}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<h1 data-testid=\"amount\">{Enc(amount)}</h1>");
        html.Append(CultureInfo.InvariantCulture, $"<p data-testid=\"subject\">{Enc(trade.Subject ?? "")}</p>");
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"muted\">Trade {Enc(trade.TradeNo)} &middot; order {Enc(trade.OutTradeNo)}</p>");
        var status = expired ? "EXPIRED" : trade.Status;
        html.Append(CultureInfo.InvariantCulture, $"<p>Status: <strong data-testid=\"status\">{Enc(status)}</strong></p>");
        if (trade.Status == Statuses.WaitPay && !expired)
        {
            html.Append(CultureInfo.InvariantCulture, $"""
                <p class="muted">Pay before {Enc(trade.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))} UTC.</p>
                <form method="post" action="/sandbox/cashier/{Enc(Uri.EscapeDataString(trade.TradeNo))}/pay"><button type="submit" data-testid="pay">Pay {Enc(amount)}</button></form>
                <form method="post" action="/sandbox/cashier/{Enc(Uri.EscapeDataString(trade.TradeNo))}/decline"><button type="submit" class="secondary" data-testid="decline">Decline</button></form>
                """);
            return Results.Content(Page("Sandbox cashier", html.ToString()), "text/html; charset=utf-8");
        }

        var outcome = status switch
        {
            Statuses.Success => "Payment received. The merchant is being notified; you can close this page.",
            Statuses.Failed => "You declined this payment. Nothing was charged.",
            "EXPIRED" => "This order has expired and can no longer be paid. Ask the merchant for a new one.",
            Statuses.Closed => "This order is closed and can no longer be paid.",
            _ => "This order can no longer be paid here.",
        };
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"outcome\" data-testid=\"outcome\">{Enc(outcome)}</p>");

        // Only an absolute http(s) link goes back: the signed API accepts any string, a javascript: URL must not become a link.
        if (trade.ReturnUrl is { } back && Uri.TryCreate(back, UriKind.Absolute, out var backUri) && (backUri.Scheme == Uri.UriSchemeHttp || backUri.Scheme == Uri.UriSchemeHttps))
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><a class=\"button\" data-testid=\"return\" href=\"{Enc(back)}\">Back to the merchant</a></p>");
        }

        return Results.Content(Page("Sandbox cashier", html.ToString()), "text/html; charset=utf-8");
    }

    /// <summary>
    /// The cashier always shows the order's current state (never a cached payable page after paying, on reload or
    /// going back), runs no script at all, posts its forms only to itself and cannot be framed by another site.
    /// </summary>
    private static void CashierHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private static async Task<IResult> PayerDecidesAsync(HttpContext http, string tradeNo, string outcome)
    {
        var db = http.RequestServices.GetRequiredService<SluiceDbContext>();
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        var changed = await db.SandboxTransactions
            .Where(t => t.TradeNo == tradeNo && t.Kind == "payment" && t.Status == Statuses.WaitPay && t.ExpiresAt >= now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, outcome)
                .SetProperty(t => t.CompletedAt, now)
                .SetProperty(t => t.FailCode, outcome == Statuses.Failed ? "PAYER_DECLINED" : null), http.RequestAborted);
        if (changed == 1)
        {
            var trade = await db.SandboxTransactions.AsNoTracking().FirstAsync(t => t.TradeNo == tradeNo, http.RequestAborted);
            http.RequestServices.GetRequiredService<SandboxNotifier>().Send(trade);
        }

        return Results.Redirect($"/sandbox/cashier/{Uri.EscapeDataString(tradeNo)}", permanent: false, preserveMethod: false);
    }

    private static string FormatAmount(long minor, string currency)
    {
        var digits = Currency.TryGet(currency, out var c) ? c.MinorUnitDigits : 2;
        var major = minor / (decimal)Math.Pow(10, digits);
        return $"{major.ToString("N" + digits, CultureInfo.InvariantCulture)} {currency}";
    }

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    private static string Page(string title, string body) => $$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Enc(title)}}</title>
        <style>
          body { font-family: system-ui, sans-serif; background: #f4f5f7; margin: 0; }
          main { max-width: 420px; margin: 48px auto; background: #fff; border-radius: 12px; padding: 32px; box-shadow: 0 2px 12px rgba(0,0,0,.08); }
          h1 { font-size: 2.2rem; margin: 8px 0; }
          .muted, .merchant { color: #667; font-size: .85rem; }
          button { width: 100%; padding: 14px; margin-top: 12px; font-size: 1rem; border: 0; border-radius: 8px; background: #1f6feb; color: #fff; cursor: pointer; }
          button.secondary { background: #e6e8eb; color: #222; }
          a.button { display: block; text-align: center; padding: 14px; margin-top: 12px; border-radius: 8px; background: #1f6feb; color: #fff; text-decoration: none; }
          .outcome { background: #f0f3f6; border-radius: 8px; padding: 12px; }
          .badge { display: inline-block; background: #fff3cd; color: #7a5b00; border-radius: 4px; padding: 2px 8px; font-size: .75rem; }
        </style></head>
        <body><main><span class="badge">SANDBOX &mdash; no real money moves</span>{{body}}</main></body></html>
        """;
}
