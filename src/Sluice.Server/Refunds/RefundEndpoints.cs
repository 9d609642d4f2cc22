using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Sluice.Errors;
using Sluice.Refunds;
using Sluice.Server.Api;
using Sluice.Server.Orders;
using Sluice.Server.Auth;
using Sluice.Server.Idempotency;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;

namespace Sluice.Server.Refunds;

/// <summary>The merchant API for refunds.</summary>
public static class RefundEndpoints
{
    private const string Operation = "create_refund";

    public static void MapRefundEndpoints(this RouteGroupBuilder merchant)
    {
        var group = merchant.MapGroup("/refunds").WithTags("Refunds");

        group.MapPost("/", CreateAsync)
            .WithName("CreateRefund")
            .WithSummary("Refund (part of) a succeeded payment")
            .WithDescription("Refunds through the payment's own channel account. The merchant refund number is unique per app; " +
                             "the refunds of a payment that have not failed never exceed what was paid. An Idempotency-Key header replays the first answer.")
            .Produces<RefundView>(201)
            .Produces<RefundView>(200)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        group.MapGet("/{id}", GetAsync).WithName("GetRefund").WithSummary("Get a refund by Sluice id")
            .WithDescription("With ?refresh=true a pending refund is first asked about at its channel (bounded by Sluice:Requery:RefreshTimeout).");
        group.MapGet("/", FindByRefundNoAsync).WithName("ListRefunds").WithSummary("List the app's refunds, newest first, or look one up by merchant_refund_no")
            .WithDescription("With only ?merchant_refund_no= (and &refresh=true to ask the channel first) it answers that refund. With any list parameter " +
                             "(limit, starting_after, ending_before, status, created[gte], created[lt], payment_id) or none it answers a page, newest first.");
    }

    private static async Task<IResult> CreateAsync(
        [FromBody] CreateRefundRequest? request,
        [FromHeader(Name = IdempotencyStore.Header)] string? idempotencyKey,
        HttpContext http,
        RefundService refunds,
        IdempotencyStore idempotency,
        CancellationToken ct)
    {
        if (request is null)
        {
            return Problems.Of(400, UnifiedCode.MalformedJson, "The request needs a JSON object body.");
        }

        if (RefundValidation.Validate(request) is { } invalid)
        {
            return invalid;
        }

        var caller = http.User.Caller();
        if (idempotencyKey is null)
        {
            return ToResult(await refunds.CreateAsync(caller, request, ct), http);
        }

        return await idempotency.RunAsync(http, caller.AppId, idempotencyKey, Operation, IdempotencyStore.HashOf(Operation, request), async () =>
        {
            var outcome = await refunds.CreateAsync(caller, request, ct);
            return OrderResults.ToIdempotentAnswer(outcome, o => ForCaller(RefundView.From(o), http), Location);
        }, ct);
    }

    private static async Task<Results<Ok<RefundView>, ProblemHttpResult>> GetAsync(
        string id, [FromQuery(Name = "refresh")] bool? refresh, HttpContext http, RefundService refunds, IOptions<RequeryOptions> requery, CancellationToken ct)
    {
        var appId = http.User.Caller().AppId;
        var refund = refresh == true
            ? await refunds.RefreshAsync(appId, id, null, requery.Value.RefreshTimeout, ct)
            : await refunds.FindAsync(appId, id, ct);
        return refund is null ? Problems.NotFound("refund") : TypedResults.Ok(ForCaller(RefundView.From(refund), http));
    }

    private static async Task<Results<Ok<RefundView>, Ok<ListPage<RefundView>>, ProblemHttpResult>> FindByRefundNoAsync(
        [FromQuery(Name = "merchant_refund_no")] string? merchantRefundNo, [FromQuery(Name = "refresh")] bool? refresh,
        HttpContext http, RefundService refunds, IOptions<RequeryOptions> requery, Sluice.Data.SluiceDbContext db, CancellationToken ct)
    {
        if (ListQuery.IsListRequest(http.Request, "merchant_refund_no"))
        {
            var (query, invalid) = ListQuery.From(http.Request, Statuses);
            if (invalid is not null)
            {
                return invalid;
            }

            var paymentId = http.Request.Query["payment_id"].ToString();
            System.Linq.Expressions.Expression<Func<RefundOrder, bool>>? filter = (merchantRefundNo, paymentId) switch
            {
                (null, "") => null,
                (null, _) => r => r.PaymentId == paymentId,
                (_, "") => r => r.MerchantRefundNo == merchantRefundNo,
                _ => r => r.MerchantRefundNo == merchantRefundNo && r.PaymentId == paymentId,
            };
            return TypedResults.Ok(await MerchantLists.PageAsync<RefundOrder, RefundStatus, RefundView>(
                db.Refunds, http.User.Caller().AppId, query!, RefundStateMachine.WireName, filter, r => ForCaller(RefundView.From(r), http), "/v1/refunds", ct));
        }

        if (string.IsNullOrWhiteSpace(merchantRefundNo))
        {
            return Problems.Validation(UnifiedCode.MissingField, "merchant_refund_no", "Give ?merchant_refund_no=... to look a refund up.");
        }

        var appId = http.User.Caller().AppId;
        var refund = refresh == true
            ? await refunds.RefreshAsync(appId, null, merchantRefundNo, requery.Value.RefreshTimeout, ct)
            : await refunds.FindByRefundNoAsync(appId, merchantRefundNo, ct);
        return refund is null ? Problems.NotFound("refund") : TypedResults.Ok(ForCaller(RefundView.From(refund), http));
    }

    private static readonly string[] Statuses = Enum.GetValues<RefundStatus>().Select(RefundStateMachine.WireName).ToArray();

    private static RefundView ForCaller(RefundView refund, HttpContext http) => refund.Localized(MessageLanguage.PrefersChinese(http.Request));

    public static Results<Created<RefundView>, Ok<RefundView>, ProblemHttpResult> ToResult(OrderResult<RefundOrder> outcome, HttpContext http) =>
        OrderResults.ToHttp(outcome, o => ForCaller(RefundView.From(o), http), Location);

    private static string Location(RefundView refund) => $"/v1/refunds/{refund.Id}";
}
