using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sluice.Errors;
using Sluice.Security;
using Sluice.Server.Api;
using Sluice.Server.Auth;
using Sluice.Server.Channels;
using Sluice.Server.Idempotency;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;

namespace Sluice.Server.Payments;

/// <summary>The merchant API for payments.</summary>
public static class PaymentEndpoints
{
    public static void MapPaymentEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/payments").RequireAuthorization(SluiceAuth.MerchantPolicy).WithTags("Payments");

        group.MapPost("/", CreateAsync)
            .WithName("CreatePayment")
            .WithSummary("Create a payment")
            .WithDescription("Routes the payment to a channel account of the merchant and asks the channel for it. " +
                             "The merchant order number is unique per app; an Idempotency-Key header replays the first answer.")
            .Produces<PaymentView>(201)
            .Produces<PaymentView>(200)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(422);

        group.MapGet("/{id}", GetAsync).WithName("GetPayment").WithSummary("Get a payment by Sluice id")
            .WithDescription("With ?refresh=true a payment not yet terminal is first queried at its channel (within a few seconds) " +
                             "and the channel's answer applied, as the supplementary-query worker would.");
        group.MapGet("/", FindByOrderNoAsync).WithName("FindPaymentByOrderNo").WithSummary("Look a payment up by merchant_order_no");
        group.MapPost("/{id}/close", CloseAsync).WithName("ClosePayment")
            .WithSummary("Close an unpaid payment, at the channel first")
            .Produces<PaymentView>(200).ProducesProblem(404).ProducesProblem(409).ProducesProblem(503);
    }

    private static async Task<IResult> CreateAsync(
        [FromBody] CreatePaymentRequest? request,
        [FromHeader(Name = IdempotencyStore.Header)] string? idempotencyKey,
        HttpContext http,
        PaymentService payments,
        IdempotencyStore idempotency,
        ChannelCatalog catalog,
        CardFingerprints cards,
        CancellationToken ct)
    {
        if (request is null)
        {
            return Problems.Of(400, UnifiedCode.MalformedJson, "The request needs a JSON object body.");
        }

        if (PaymentValidation.Validate(request, await catalog.GetAsync(ct)) is { } invalid)
        {
            return invalid;
        }

        var caller = http.User.Caller();
        if (idempotencyKey is null)
        {
            return ToResult(await payments.CreateAsync(caller, request, ct), http);
        }

        if (!IdempotencyStore.IsValidKey(idempotencyKey))
        {
            return Problems.Validation(UnifiedCode.InvalidIdempotencyKey, "Idempotency-Key", "The Idempotency-Key header must be 1-255 printable ASCII characters.");
        }

        var begin = await idempotency.BeginAsync(caller.AppId, idempotencyKey, "create_payment", IdempotencyStore.HashOf("create_payment", request.WithoutCardNumber(cards)), ct);
        switch (begin)
        {
            case IdempotencyBegin.Replay replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                return Results.Content(replay.Body, replay.Status >= 400 ? "application/problem+json" : "application/json", statusCode: replay.Status);
            case IdempotencyBegin.Mismatch:
                return Problems.Of(422, UnifiedCode.IdempotencyKeyReused, "This Idempotency-Key was already used with a different request body.");
            case IdempotencyBegin.InProgress:
                return Problems.Of(409, UnifiedCode.IdempotencyInProgress, "A request with this Idempotency-Key is still being processed; retry shortly.");
        }

        var recordId = ((IdempotencyBegin.Started)begin).RecordId;
        ApiOutcome outcome;
        try
        {
            outcome = await payments.CreateAsync(caller, request, ct);
        }
        catch
        {
            await idempotency.AbandonAsync(recordId);
            throw;
        }

        var body = outcome.Payment is not null
            ? JsonSerializer.Serialize(ForCaller(outcome.Payment, http), SluiceJson.Options)
            : JsonSerializer.Serialize(outcome.Problem!.ProblemDetails, SluiceJson.Options);
        await idempotency.CompleteAsync(recordId, outcome.Status, body, CancellationToken.None);
        return ToResult(outcome, http);
    }

    private static async Task<Results<Ok<PaymentView>, ProblemHttpResult>> GetAsync(
        string id, [FromQuery(Name = "refresh")] bool? refresh, HttpContext http, PaymentService payments, IOptions<RequeryOptions> requery, CancellationToken ct)
    {
        var appId = http.User.Caller().AppId;
        var order = refresh == true
            ? await payments.RefreshAsync(appId, id, requery.Value.RefreshTimeout, ct)
            : await payments.FindAsync(appId, id, ct);
        return order is null ? Problems.NotFound("payment") : TypedResults.Ok(ForCaller(PaymentView.From(order), http));
    }

    private static async Task<Results<Ok<PaymentView>, ProblemHttpResult>> FindByOrderNoAsync(
        [FromQuery(Name = "merchant_order_no")] string? merchantOrderNo, HttpContext http, PaymentService payments, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(merchantOrderNo))
        {
            return Problems.Validation(UnifiedCode.MissingField, "merchant_order_no", "Give ?merchant_order_no=... to look a payment up.");
        }

        var order = await payments.FindByOrderNoAsync(http.User.Caller().AppId, merchantOrderNo, ct);
        return order is null ? Problems.NotFound("payment") : TypedResults.Ok(ForCaller(PaymentView.From(order), http));
    }

    private static async Task<IResult> CloseAsync(string id, HttpContext http, PaymentService payments, CancellationToken ct) =>
        ToResult(await payments.CloseAsync(http.User.Caller(), id, ct), http);

    private static PaymentView ForCaller(PaymentView payment, HttpContext http) => payment.Localized(MessageLanguage.PrefersChinese(http.Request));

    /// <summary>The outcome as an HTTP result; a failure's message in the language the request prefers.</summary>
    private static IResult ToResult(ApiOutcome outcome, HttpContext http)
    {
        if (outcome.Problem is { } problem)
        {
            return problem;
        }

        var payment = ForCaller(outcome.Payment!, http);
        return outcome.Status == 201 ? TypedResults.Created($"/v1/payments/{payment.Id}", payment) : TypedResults.Ok(payment);
    }
}
