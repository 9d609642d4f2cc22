using Sluice.Client;

namespace Sluice.Sample.Merchant;

/// <summary>
/// A small shop on Sluice: <c>POST /checkout</c> creates a payment, <c>POST /webhooks/sluice</c> receives and verifies
/// the gateway's webhooks, <c>GET /orders/{orderNo}</c> shows what the shop knows, and <c>POST /orders/{orderNo}/refund</c>
/// refunds. Orders live in memory: a real shop keeps them in its database.
/// </summary>
public static class MerchantSample
{
    /// <summary>Builds the shop; <paramref name="configure"/> lets a test change its settings or services before it is built.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        // Settings come from the environment (Sluice__ApiKey, ...) or the command line; no appsettings.json, so the
        // sample's files never mix with the gateway's where both are built into one folder (the test project).
        builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning).AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        configure?.Invoke(builder);
        var config = builder.Configuration;
        if (string.IsNullOrEmpty(config["Urls"]) && string.IsNullOrEmpty(config["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls("http://127.0.0.1:5100");
        }

        builder.Services.AddSluiceClient(o =>
        {
            o.BaseAddress = new Uri(config["Sluice:BaseAddress"] ?? "http://127.0.0.1:5080/");
            o.ApiKey = Required(config, "Sluice:ApiKey");
            o.RequestSigningSecret = config["Sluice:RequestSigningSecret"] is { Length: > 0 } secret ? secret : null;
        });
        builder.Services.AddSingleton(new WebhookVerifier(Required(config, "Sluice:WebhookSecret")));
        builder.Services.AddSingleton<ShopOrders>();
        builder.Services.AddSingleton(new ShopSettings(new Uri(config["Sample:PublicUrl"] ?? "http://127.0.0.1:5100/")));

        var app = builder.Build();
        app.MapGet("/", () => Results.Text(
            "Sluice sample shop: POST /checkout {\"amount\":2599,\"subject\":\"Coffee beans\"}, then open pay_url and pay; " +
            "GET /orders/{order_no}; POST /orders/{order_no}/refund {\"amount\":1000}.\n"));
        app.MapPost("/checkout", CheckoutAsync);
        app.MapPost("/webhooks/sluice", ReceiveWebhookAsync);
        app.MapGet("/orders/{orderNo}", (string orderNo, ShopOrders orders) =>
            orders.Find(orderNo) is { } order ? Results.Ok(order.View()) : Results.NotFound());
        app.MapPost("/orders/{orderNo}/refund", RefundAsync);
        return app;
    }

    private static async Task<IResult> CheckoutAsync(CheckoutRequest request, SluiceClient sluice, ShopOrders orders, ShopSettings settings, CancellationToken ct)
    {
        var orderNo = "SHOP-" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
        try
        {
            var payment = await sluice.CreatePaymentAsync(new CreatePaymentRequest
            {
                MerchantOrderNo = orderNo,
                Amount = request.Amount,
                Currency = "CNY",
                Subject = request.Subject ?? "Sample order",
                PaymentMethod = request.PaymentMethod ?? "alipay_qr",
                NotifyUrl = new Uri(settings.PublicUrl, "webhooks/sluice"),
            }, cancellationToken: ct);
            orders.Add(new ShopOrder(orderNo, payment.Id, payment.Amount, payment.Status));
            return Results.Ok(new { order_no = orderNo, payment_id = payment.Id, status = payment.Status, pay_url = payment.PayAction?.Value });
        }
        catch (SluiceApiException e)
        {
            return Refused(e);
        }
    }

    /// <summary>Verifies the raw body before reading it; a webhook that does not verify is answered 400 and ignored.</summary>
    private static async Task<IResult> ReceiveWebhookAsync(HttpRequest http, WebhookVerifier verifier, ShopOrders orders, ILoggerFactory logs, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await http.Body.CopyToAsync(buffer, ct);
        try
        {
            var evt = verifier.Verify(http.Headers[WebhookVerifier.SignatureHeader], buffer.ToArray());
            orders.Apply(evt);
            return Results.Ok();
        }
        catch (WebhookVerificationException e)
        {
            logs.CreateLogger("Sluice.Sample.Merchant.Webhooks").WebhookRefused(e.Failure);
            return Results.BadRequest(new { refused = e.Failure.ToString() });
        }
    }

    private static async Task<IResult> RefundAsync(string orderNo, RefundRequest? request, SluiceClient sluice, ShopOrders orders, CancellationToken ct)
    {
        if (orders.Find(orderNo) is not { } order)
        {
            return Results.NotFound();
        }

        try
        {
            var refund = await sluice.CreateRefundAsync(new CreateRefundRequest
            {
                PaymentId = order.PaymentId,
                MerchantRefundNo = $"{orderNo}-R{order.Refunds.Count + 1}",
                Amount = request?.Amount ?? order.Amount,
                Currency = "CNY",
                Reason = request?.Reason ?? "Customer request",
            }, cancellationToken: ct);
            orders.RecordRefund(orderNo, refund);
            return Results.Ok(new { refund_id = refund.Id, status = refund.Status, amount = refund.Amount });
        }
        catch (SluiceApiException e)
        {
            return Refused(e);
        }
    }

    /// <summary>The gateway's refusal, passed on by its unified code (a shop branches on the code, never on the text).</summary>
    private static IResult Refused(SluiceApiException e) =>
        Results.Problem(detail: e.Detail, statusCode: (int)e.Status >= 500 ? 502 : (int)e.Status, title: e.Title,
            extensions: new Dictionary<string, object?> { ["code"] = e.Code, ["field"] = e.Field });

    private static string Required(ConfigurationManager config, string key) =>
        config[key] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Set {key} (environment variable {key.Replace(":", "__", StringComparison.Ordinal)}); " +
                                                  "scripts/run-sample-merchant.sh sets it up against the quick-start gateway.");
}

/// <summary>Where the gateway reaches this shop (its webhooks go to <c>{PublicUrl}webhooks/sluice</c>).</summary>
public sealed record ShopSettings(Uri PublicUrl);

/// <summary>What the shop's checkout page posts.</summary>
public sealed record CheckoutRequest(long Amount, string? Subject = null, string? PaymentMethod = null);

/// <summary>A refund the shop's back office asks for; the whole payment when no amount is given.</summary>
public sealed record RefundRequest(long? Amount = null, string? Reason = null);
