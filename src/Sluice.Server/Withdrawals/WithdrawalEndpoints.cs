using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Payments;
using Sluice.Server.Api;
using Sluice.Server.Orders;
using Sluice.Server.Auth;
using Sluice.Server.Idempotency;
using Sluice.Server.Payments;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;
using Sluice.Withdrawals;

namespace Sluice.Server.Withdrawals;

/// <summary>The merchant API for withdrawals (payouts to a bank account or a wallet account).</summary>
public static class WithdrawalEndpoints
{
    public static void MapWithdrawalEndpoints(this RouteGroupBuilder merchant)
    {
        var group = merchant.MapGroup("/withdrawals").WithTags("Withdrawals");

        group.MapPost("/", CreateAsync)
            .WithName("CreateWithdrawal")
            .WithSummary("Create a withdrawal")
            .WithDescription("Routes the payout among the merchant's withdrawal channels and sends it; when none is available it is held " +
                             "(status held, with hold_reason) and sent as soon as one is, up to the configured hold time. The merchant " +
                             "withdrawal number is unique per app; an Idempotency-Key header replays the first answer.")
            .Produces<WithdrawalView>(201)
            .Produces<WithdrawalView>(200)
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(422);

        group.MapGet("/{id}", GetAsync).WithName("GetWithdrawal").WithSummary("Get a withdrawal by Sluice id")
            .WithDescription("With ?refresh=true a pending withdrawal is first asked about at its channel (bounded by Sluice:Requery:RefreshTimeout).");
        group.MapGet("/", FindByNumberAsync).WithName("ListWithdrawals").WithSummary("List the app's withdrawals, newest first, or look one up by merchant_withdrawal_no")
            .WithDescription("With only ?merchant_withdrawal_no= it answers that withdrawal. With any list parameter (limit, starting_after, ending_before, " +
                             "status, created[gte], created[lt]) or none it answers a page, newest first.");
    }

    public static void MapAdminWithdrawalEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("/withdrawals").WithTags("Admin: withdrawals");
        admin.MapGet("/{id}", AdminGetAsync).WithSummary("A withdrawal with raw channel codes and its timeline");
        admin.MapGet("/", AdminListAsync).WithSummary("The newest withdrawals, optionally of one status (e.g. held)");
        admin.MapPost("/{id}/cancel", CancelAsync)
            .WithSummary("Cancel a held withdrawal (no channel has it), with a note")
            .WithDescription("Fails it with withdrawal_cancelled, gives its daily-limit share back, notifies the merchant (withdrawal.failed) " +
                             "and, for a refund pay-back, puts the refund back in the exception queue. Any other state is refused with 409.");
    }

    private static async Task<IResult> CancelAsync(string id, [FromBody] OperatorNoteRequest? body, HttpContext http, WithdrawalService withdrawals, CancellationToken ct) =>
        OperatorNotes.Validate(body?.Note) is { } invalid
            ? invalid
            : ToResult(await withdrawals.CancelHeldAsync(http.User, id, body!.Note!.Trim(), ct), http);

    private static async Task<Results<Ok<AdminWithdrawalView>, ProblemHttpResult>> AdminGetAsync(string id, SluiceDbContext db, CancellationToken ct)
    {
        var o = await db.Withdrawals.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id, ct);
        if (o is null)
        {
            return Problems.NotFound("withdrawal");
        }

        var events = (await db.WithdrawalEvents.AsNoTracking().Where(e => e.WithdrawalId == id).OrderBy(e => e.Id).ToListAsync(ct))
            .Select(OrderEventView.Of).ToList();
        var nextQueryAt = await db.ChannelQueries.AsNoTracking()
            .Where(q => q.Kind == ChannelQueryKind.Withdrawal && q.OrderId == id && q.Status == ChannelQueryStatus.Pending)
            .Select(q => (DateTimeOffset?)q.NextQueryAt).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(AdminWithdrawalView.From(o, nextQueryAt, events));
    }

    private static async Task<Results<Ok<List<AdminWithdrawalView>>, ProblemHttpResult>> AdminListAsync(
        [FromQuery(Name = "status")] string? status, SluiceDbContext db, CancellationToken ct)
    {
        var query = db.Withdrawals.AsNoTracking();
        if (status is not null)
        {
            var wanted = Enum.GetValues<WithdrawalStatus>().Where(s => WithdrawalStateMachine.WireName(s) == status).ToList();
            if (wanted.Count == 0)
            {
                return Problems.Validation(UnifiedCode.InvalidField, "status", "status must be created, held, pending, succeeded or failed.");
            }

            query = query.Where(w => w.Status == wanted[0]);
        }

        var rows = await query.OrderByDescending(w => w.CreatedAt).Take(100)
            .Select(w => new
            {
                Order = w,
                NextQueryAt = db.ChannelQueries
                    .Where(q => q.Kind == ChannelQueryKind.Withdrawal && q.OrderId == w.Id && q.Status == ChannelQueryStatus.Pending)
                    .Select(q => (DateTimeOffset?)q.NextQueryAt).FirstOrDefault(),
            })
            .ToListAsync(ct);
        return TypedResults.Ok(rows.Select(r => AdminWithdrawalView.From(r.Order, r.NextQueryAt, [])).ToList());
    }

    private static async Task<IResult> CreateAsync(
        [FromBody] CreateWithdrawalRequest? request,
        [FromHeader(Name = IdempotencyStore.Header)] string? idempotencyKey,
        HttpContext http,
        WithdrawalService withdrawals,
        IdempotencyStore idempotency,
        PayeeAccounts payees,
        CancellationToken ct)
    {
        if (request is null)
        {
            return Problems.Of(400, UnifiedCode.MalformedJson, "The request needs a JSON object body.");
        }

        if (WithdrawalValidation.Validate(request) is { } invalid)
        {
            return invalid;
        }

        var caller = http.User.Caller();
        if (idempotencyKey is null)
        {
            return ToResult(await withdrawals.CreateAsync(caller, request, ct), http);
        }

        return await idempotency.RunAsync(http, caller.AppId, idempotencyKey, "create_withdrawal",
            IdempotencyStore.HashOf("create_withdrawal", request.WithoutAccountNo(payees)), async () =>
            {
                var outcome = await withdrawals.CreateAsync(caller, request, ct);
                return OrderResults.ToIdempotentAnswer(outcome, o => ForCaller(WithdrawalView.From(o), http), Location);
            }, ct);
    }

    private static async Task<Results<Ok<WithdrawalView>, ProblemHttpResult>> GetAsync(
        string id, [FromQuery(Name = "refresh")] bool? refresh, HttpContext http, WithdrawalService withdrawals, IOptions<RequeryOptions> requery, CancellationToken ct)
    {
        var appId = http.User.Caller().AppId;
        var order = refresh == true
            ? await withdrawals.RefreshAsync(appId, id, requery.Value.RefreshTimeout, ct)
            : await withdrawals.FindAsync(appId, id, ct);
        return order is null ? Problems.NotFound("withdrawal") : TypedResults.Ok(ForCaller(WithdrawalView.From(order), http));
    }

    private static async Task<Results<Ok<WithdrawalView>, Ok<ListPage<WithdrawalView>>, ProblemHttpResult>> FindByNumberAsync(
        [FromQuery(Name = "merchant_withdrawal_no")] string? number, HttpContext http, WithdrawalService withdrawals, SluiceDbContext db, CancellationToken ct)
    {
        if (ListQuery.IsListRequest(http.Request, "merchant_withdrawal_no"))
        {
            var (query, invalid) = ListQuery.From(http.Request, Statuses);
            if (invalid is not null)
            {
                return invalid;
            }

            return TypedResults.Ok(await MerchantLists.PageAsync<WithdrawalOrder, WithdrawalStatus, WithdrawalView>(
                db.Withdrawals, http.User.Caller().AppId, query!, WithdrawalStateMachine.WireName,
                number is null ? null : w => w.MerchantWithdrawalNo == number, w => ForCaller(WithdrawalView.From(w), http), "/v1/withdrawals", ct));
        }

        if (string.IsNullOrWhiteSpace(number))
        {
            return Problems.Validation(UnifiedCode.MissingField, "merchant_withdrawal_no", "Give ?merchant_withdrawal_no=... to look a withdrawal up.");
        }

        var order = await withdrawals.FindByNumberAsync(http.User.Caller().AppId, number, ct);
        return order is null ? Problems.NotFound("withdrawal") : TypedResults.Ok(ForCaller(WithdrawalView.From(order), http));
    }

    private static readonly string[] Statuses = Enum.GetValues<WithdrawalStatus>().Select(WithdrawalStateMachine.WireName).ToArray();

    private static WithdrawalView ForCaller(WithdrawalView withdrawal, HttpContext http) => withdrawal.Localized(MessageLanguage.PrefersChinese(http.Request));

    private static Results<Created<WithdrawalView>, Ok<WithdrawalView>, ProblemHttpResult> ToResult(OrderResult<WithdrawalOrder> outcome, HttpContext http) =>
        OrderResults.ToHttp(outcome, o => ForCaller(WithdrawalView.From(o), http), Location);

    private static string Location(WithdrawalView withdrawal) => $"/v1/withdrawals/{withdrawal.Id}";
}
