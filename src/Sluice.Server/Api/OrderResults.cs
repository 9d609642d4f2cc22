using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Server.Idempotency;
using Sluice.Server.Orders;

namespace Sluice.Server.Api;

/// <summary>A service's <see cref="OrderResult{TOrder}"/> at the HTTP edge: 201 with its location, 200, or the refusal's problem.</summary>
public static class OrderResults
{
    public static Results<Created<TView>, Ok<TView>, ProblemHttpResult> ToHttp<TOrder, TView>(
        OrderResult<TOrder> outcome, Func<TOrder, TView> view, Func<TView, string> location)
        where TOrder : class
    {
        if (outcome.Refusal is { } refusal)
        {
            return Problems.Of(refusal);
        }

        var body = view(outcome.Order!);
        return outcome.Created ? TypedResults.Created(location(body), body) : TypedResults.Ok(body);
    }

    /// <summary>The same answer as kept for an Idempotency-Key's replays: its status, its body and the result itself.</summary>
    public static IdempotentAnswer ToIdempotentAnswer<TOrder, TView>(OrderResult<TOrder> outcome, Func<TOrder, TView> view, Func<TView, string> location)
        where TOrder : class
    {
        if (outcome.Refusal is { } refusal)
        {
            var problem = Problems.Of(refusal);
            return new IdempotentAnswer(problem.StatusCode, problem.ProblemDetails, problem);
        }

        var body = view(outcome.Order!);
        return new IdempotentAnswer(outcome.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK, body!,
            outcome.Created ? TypedResults.Created(location(body), body) : TypedResults.Ok(body));
    }
}
