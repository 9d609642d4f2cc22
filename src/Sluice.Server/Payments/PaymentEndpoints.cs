using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Security;
using Sluice.Payments;
using Sluice.Server.Api;
using Sluice.Server.Orders;
using Sluice.Server.Auth;
using Sluice.Server.Channels;
using Sluice.Server.Idempotency;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;

namespace Sluice.Server.Payments;

/// <summary>The merchant API for payments.</summary>
public static class PaymentEndpoints
{
    /// <summary>Maps <c>/payments</c> into the merchant API group (<c>/v1</c>, whose policy admits apps only).</summary>
    public static void MapPaymentEndpoints(this RouteGroupBuilder merchant)
    {
        var group = merchant.MapGroup("/payments").WithTags("Payments");

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
        group.MapGet("/", FindByOrderNoAsync).WithName("ListPayments").WithSummary("List the app's payments, newest first, or look one up by merchant_order_no")
            .WithDescription("With only ?merchant_order_no= it answers that payment (404 when there is none). With any list parameter (limit 1-100, " +
                             "starting_after or ending_before an id, status, created[gte], created[lt] as unix seconds or ISO 8601), or none, it answers a " +
                             "page {object: list, data, has_more, url}, newest first; merchant_order_no then filters the list.");
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

        return await idempotency.RunAsync(http, caller.AppId, idempotencyKey, "create_payment",
            IdempotencyStore.HashOf("create_payment", request.WithoutCardNumber(cards)), async () =>
            {
                var outcome = await payments.CreateAsync(caller, request, ct);
                return OrderResults.ToIdempotentAnswer(outcome, o => ForCaller(PaymentView.From(o), http), Location);
            }, ct);
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

    private static async Task<Results<Ok<PaymentView>, Ok<ListPage<PaymentView>>, ProblemHttpResult>> FindByOrderNoAsync(
        [FromQuery(Name = "merchant_order_no")] string? merchantOrderNo, HttpContext http, PaymentService payments, SluiceDbContext db, CancellationToken ct)
    {
        if (ListQuery.IsListRequest(http.Request, "merchant_order_no"))
        {
            var (query, invalid) = ListQuery.From(http.Request, Statuses);
            if (invalid is not null)
            {
                return invalid;
            }

            return TypedResults.Ok(await MerchantLists.PageAsync<PaymentOrder, PaymentStatus, PaymentView>(
                db.Payments, http.User.Caller().AppId, query!, PaymentStateMachine.WireName,
                merchantOrderNo is null ? null : p => p.MerchantOrderNo == merchantOrderNo, o => ForCaller(PaymentView.From(o), http), "/v1/payments", ct));
        }

        if (string.IsNullOrWhiteSpace(merchantOrderNo))
        {
            return Problems.Validation(UnifiedCode.MissingField, "merchant_order_no", "Give ?merchant_order_no=... to look a payment up.");
        }

        var order = await payments.FindByOrderNoAsync(http.User.Caller().AppId, merchantOrderNo, ct);
        return order is null ? Problems.NotFound("payment") : TypedResults.Ok(ForCaller(PaymentView.From(order), http));
    }

    private static async Task<Results<Created<PaymentView>, Ok<PaymentView>, ProblemHttpResult>> CloseAsync(
        string id, HttpContext http, PaymentService payments, CancellationToken ct) =>
        ToResult(await payments.CloseAsync(http.User.Caller(), id, ct), http);

    private static readonly string[] Statuses = Enum.GetValues<PaymentStatus>().Select(PaymentStateMachine.WireName).ToArray();

    private static PaymentView ForCaller(PaymentView payment, HttpContext http) => payment.Localized(MessageLanguage.PrefersChinese(http.Request));

    /// <summary>The outcome as an HTTP result; a failure's message in the language the request prefers.</summary>
    private static Results<Created<PaymentView>, Ok<PaymentView>, ProblemHttpResult> ToResult(OrderResult<PaymentOrder> outcome, HttpContext http) =>
        OrderResults.ToHttp(outcome, o => ForCaller(PaymentView.From(o), http), Location);

    private static string Location(PaymentView payment) => $"/v1/payments/{payment.Id}";
}
