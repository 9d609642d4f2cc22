using System.Runtime.CompilerServices;

namespace Sluice.Client;

public sealed partial class SluiceClient
{
    /// <summary>One page of the app's payments, newest first (<c>GET /v1/payments</c>).</summary>
    /// <param name="options">Paging and filters; the first page of 10 when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<ListPage<Payment>> ListPaymentsAsync(PaymentListOptions? options = null, CancellationToken cancellationToken = default) =>
        PageAsync<Payment>("v1/payments", options ?? new PaymentListOptions(), cancellationToken);

    /// <summary>Every payment matching <paramref name="options"/>, fetching page after page as the caller reads on.</summary>
    /// <param name="options">Filters and the page size; from the newest when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The payments, newest first (oldest first from an <see cref="ListOptions.EndingBefore"/>).</returns>
    public IAsyncEnumerable<Payment> ListAllPaymentsAsync(PaymentListOptions? options = null, CancellationToken cancellationToken = default) =>
        AllAsync<Payment>("v1/payments", options ?? new PaymentListOptions(), p => p.Id, cancellationToken);

    /// <summary>One page of the app's refunds, newest first (<c>GET /v1/refunds</c>).</summary>
    /// <param name="options">Paging and filters; the first page of 10 when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<ListPage<Refund>> ListRefundsAsync(RefundListOptions? options = null, CancellationToken cancellationToken = default) =>
        PageAsync<Refund>("v1/refunds", options ?? new RefundListOptions(), cancellationToken);

    /// <summary>Every refund matching <paramref name="options"/>, fetching page after page as the caller reads on.</summary>
    /// <param name="options">Filters and the page size; from the newest when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The refunds, newest first.</returns>
    public IAsyncEnumerable<Refund> ListAllRefundsAsync(RefundListOptions? options = null, CancellationToken cancellationToken = default) =>
        AllAsync<Refund>("v1/refunds", options ?? new RefundListOptions(), r => r.Id, cancellationToken);

    /// <summary>One page of the app's withdrawals, newest first (<c>GET /v1/withdrawals</c>).</summary>
    /// <param name="options">Paging and filters; the first page of 10 when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<ListPage<Withdrawal>> ListWithdrawalsAsync(WithdrawalListOptions? options = null, CancellationToken cancellationToken = default) =>
        PageAsync<Withdrawal>("v1/withdrawals", options ?? new WithdrawalListOptions(), cancellationToken);

    /// <summary>Every withdrawal matching <paramref name="options"/>, fetching page after page as the caller reads on.</summary>
    /// <param name="options">Filters and the page size; from the newest when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The withdrawals, newest first.</returns>
    public IAsyncEnumerable<Withdrawal> ListAllWithdrawalsAsync(WithdrawalListOptions? options = null, CancellationToken cancellationToken = default) =>
        AllAsync<Withdrawal>("v1/withdrawals", options ?? new WithdrawalListOptions(), w => w.Id, cancellationToken);

    /// <summary>One page of the app's events (every webhook it was sent), newest first (<c>GET /v1/events</c>).</summary>
    /// <param name="options">Paging and filters; the first page of 10 when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    public Task<ListPage<SluiceEvent>> ListEventsAsync(EventListOptions? options = null, CancellationToken cancellationToken = default) =>
        PageAsync<SluiceEvent>("v1/events", options ?? new EventListOptions(), cancellationToken);

    /// <summary>Every event matching <paramref name="options"/>, fetching page after page as the caller reads on.</summary>
    /// <param name="options">Filters and the page size; from the newest when null.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The events, newest first.</returns>
    public IAsyncEnumerable<SluiceEvent> ListAllEventsAsync(EventListOptions? options = null, CancellationToken cancellationToken = default) =>
        AllAsync<SluiceEvent>("v1/events", options ?? new EventListOptions(), e => e.Id, cancellationToken);

    /// <summary>One event by its id (<c>GET /v1/events/{id}</c>): the body its webhook carried.</summary>
    /// <param name="id">The event's id (<c>evt_…</c>).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The event.</returns>
    public Task<SluiceEvent> GetEventAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<SluiceEvent>(HttpMethod.Get, $"v1/events/{Segment(id)}", null, null, cancellationToken);

    private Task<ListPage<T>> PageAsync<T>(string path, ListOptions options, CancellationToken ct) =>
        SendAsync<ListPage<T>>(HttpMethod.Get, path + options.QueryString(), null, null, ct);

    /// <summary>
    /// Pages on from the last item (<c>starting_after</c>), or, for a list opened with <c>ending_before</c>, back from the
    /// first (<c>ending_before</c>), until the gateway says there is no more.
    /// </summary>
    private async IAsyncEnumerable<T> AllAsync<T>(string path, ListOptions options, Func<T, string> id, [EnumeratorCancellation] CancellationToken ct)
    {
        var backwards = options.EndingBefore is not null;
        var current = options;
        while (true)
        {
            var page = await PageAsync<T>(path, current, ct).ConfigureAwait(false);
            var items = backwards ? page.Data.Reverse() : page.Data;
            foreach (var item in items)
            {
                yield return item;
            }

            if (!page.HasMore || page.Data.Count == 0)
            {
                yield break;
            }

            current = backwards
                ? current with { EndingBefore = id(page.Data[0]), StartingAfter = null }
                : current with { StartingAfter = id(page.Data[^1]), EndingBefore = null };
        }
    }
}
