using System.Globalization;
using System.Linq.Expressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Errors;

namespace Sluice.Server.Api;

/// <summary>A page of a merchant's list, newest first: <c>{"object":"list","data":[…],"has_more":…,"url":…}</c>.</summary>
public sealed record ListPage<T>(IReadOnlyList<T> Data, bool HasMore, string Url)
{
    public string Object => "list";
}

/// <summary>
/// The list parameters every merchant list takes, Stripe-style: <c>limit</c> (1-100, default 10), <c>starting_after</c>
/// / <c>ending_before</c> (an id of the list: the page after or before it), <c>created[gte]</c> / <c>created[lt]</c>
/// (unix seconds or ISO 8601), <c>status</c> and the kind's own number filter.
/// </summary>
public sealed record ListQuery(int Limit, string? StartingAfter, string? EndingBefore, DateTimeOffset? CreatedGte, DateTimeOffset? CreatedLt, string? Status)
{
    public const int DefaultLimit = 10;
    public const int MaxLimit = 100;

    /// <summary>The query parameters that make a request a list (rather than a look-up by the merchant's own number).</summary>
    public static readonly string[] Parameters = ["limit", "starting_after", "ending_before", "created[gte]", "created[lt]", "status"];

    public static bool IsListRequest(HttpRequest request, string numberParameter) =>
        !request.Query.ContainsKey(numberParameter) || Parameters.Any(request.Query.ContainsKey);

    public static (ListQuery? Query, ProblemHttpResult? Problem) From(HttpRequest request, IReadOnlyCollection<string> statuses)
    {
        var q = request.Query;
        var limit = DefaultLimit;
        if (q.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            return (null, Problems.Validation(UnifiedCode.InvalidField, "limit", $"limit must be an integer from 1 to {MaxLimit}."));
        }

        string? after = q["starting_after"], before = q["ending_before"];
        if (!string.IsNullOrEmpty(after) && !string.IsNullOrEmpty(before))
        {
            return (null, Problems.Validation(UnifiedCode.InvalidField, "ending_before", "Give starting_after or ending_before, not both."));
        }

        foreach (var (name, value) in new[] { ("starting_after", after), ("ending_before", before) })
        {
            if (value is not null && (value.Length is 0 or > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                return (null, Problems.Validation(UnifiedCode.InvalidField, name, $"{name} must be the id of an object of this list."));
            }
        }

        DateTimeOffset? gte = null, lt = null;
        foreach (var name in new[] { "created[gte]", "created[lt]" })
        {
            if (!q.TryGetValue(name, out var raw))
            {
                continue;
            }

            if (!TryTime(raw.ToString(), out var at))
            {
                return (null, Problems.Validation(UnifiedCode.InvalidField, name, $"{name} must be unix seconds or an ISO 8601 time with an offset."));
            }

            if (name == "created[gte]")
            {
                gte = at;
            }
            else
            {
                lt = at;
            }
        }

        string? status = q["status"];
        if (status is not null && !statuses.Contains(status))
        {
            return (null, Problems.Validation(UnifiedCode.InvalidField, "status", statuses.Count == 0
                ? "This list has no status filter."
                : "status must be one of " + string.Join(", ", statuses) + "."));
        }

        return (new ListQuery(limit, NullIfEmpty(after), NullIfEmpty(before), gte, lt, status), null);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static bool TryTime(string raw, out DateTimeOffset at)
    {
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= 253402300799)
        {
            at = DateTimeOffset.FromUnixTimeSeconds(seconds);
            return true;
        }

        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
    }
}

/// <summary>
/// One list mechanism for a merchant's payments, refunds, withdrawals and events: an app's own rows, newest first by a
/// key that sorts by creation time (Sluice ids do), keyset-paginated on the <c>(app_id, key)</c> index, so a page costs
/// the same at any depth.
/// </summary>
public static class MerchantLists
{
    /// <summary>A page of orders of one kind: <paramref name="wireName"/> turns the list's <c>status</c> into the kind's state.</summary>
    public static Task<ListPage<TView>> PageAsync<TOrder, TStatus, TView>(
        IQueryable<TOrder> orders, string appId, ListQuery q, Func<TStatus, string> wireName, Expression<Func<TOrder, bool>>? filter,
        Func<TOrder, TView> view, string url, CancellationToken ct)
        where TOrder : ChannelOrder<TStatus>
        where TStatus : struct, Enum
    {
        var query = orders.Where(o => o.AppId == appId);
        if (filter is not null)
        {
            query = query.Where(filter);
        }

        if (q.Status is not null)
        {
            var status = Enum.GetValues<TStatus>().First(s => wireName(s) == q.Status);
            var o = Expression.Parameter(typeof(TOrder), "o");
            query = query.Where(Expression.Lambda<Func<TOrder, bool>>(
                Expression.Equal(Expression.Property(o, nameof(ChannelOrder<TStatus>.Status)), Expression.Constant(status, typeof(TStatus))), o));
        }

        return PageAsync(query, o => o.Id, o => o.CreatedAt, q, view, url, ct);
    }

    /// <summary>A page of <paramref name="rows"/> (already narrowed to the app) by <paramref name="key"/>, newest first.</summary>
    public static async Task<ListPage<TView>> PageAsync<TRow, TView>(
        IQueryable<TRow> rows, Expression<Func<TRow, string>> key, Expression<Func<TRow, DateTimeOffset>> created, ListQuery q,
        Func<TRow, TView> view, string url, CancellationToken ct)
        where TRow : class
    {
        var query = rows.AsNoTracking();
        if (q.CreatedGte is { } gte)
        {
            query = query.Where(Compare(created, Expression.GreaterThanOrEqual, gte));
        }

        if (q.CreatedLt is { } lt)
        {
            query = query.Where(Compare(created, Expression.LessThan, lt));
        }

        List<TRow> page;
        bool hasMore;
        if (q.EndingBefore is { } before)
        {
            // The page just before the cursor (newer rows): read upwards, then show newest first.
            page = await query.Where(KeyBeyond(key, before, newer: true)).OrderBy(key).Take(q.Limit + 1).ToListAsync(ct);
            hasMore = page.Count > q.Limit;
            page = page.Take(q.Limit).Reverse().ToList();
        }
        else
        {
            if (q.StartingAfter is { } after)
            {
                query = query.Where(KeyBeyond(key, after, newer: false));
            }

            page = await query.OrderByDescending(key).Take(q.Limit + 1).ToListAsync(ct);
            hasMore = page.Count > q.Limit;
            page = page.Take(q.Limit).ToList();
        }

        return new ListPage<TView>(page.Select(view).ToList(), hasMore, url);
    }

    /// <summary><c>string.Compare(key(x), cursor) &gt; 0</c> (newer) or <c>&lt; 0</c>, the cursor as a query parameter.</summary>
    private static Expression<Func<TRow, bool>> KeyBeyond<TRow>(Expression<Func<TRow, string>> key, string cursor, bool newer)
    {
        var compare = Expression.Call(typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!, key.Body, Captured(cursor));
        var zero = Expression.Constant(0);
        return Expression.Lambda<Func<TRow, bool>>(newer ? Expression.GreaterThan(compare, zero) : Expression.LessThan(compare, zero), key.Parameters);
    }

    private static Expression<Func<TRow, bool>> Compare<TRow>(
        Expression<Func<TRow, DateTimeOffset>> created, Func<Expression, Expression, BinaryExpression> op, DateTimeOffset at) =>
        Expression.Lambda<Func<TRow, bool>>(op(created.Body, Captured(at)), created.Parameters);

    /// <summary>A value as a closure member, so EF sends it as a parameter instead of inlining it into the SQL.</summary>
    private static MemberExpression Captured<T>(T value) => Expression.Property(Expression.Constant(new Box<T>(value)), nameof(Box<T>.Value));

    private sealed record Box<T>(T Value);
}
