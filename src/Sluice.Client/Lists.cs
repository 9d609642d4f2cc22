using System.Globalization;

namespace Sluice.Client;

/// <summary>One page of a list, newest first.</summary>
/// <typeparam name="T">What the list holds.</typeparam>
public sealed record ListPage<T>
{
    /// <summary>The page's items, newest first.</summary>
    public IReadOnlyList<T> Data { get; init; } = [];

    /// <summary>Whether there are more items beyond this page (older ones, or newer ones when paging with <c>ending_before</c>).</summary>
    public bool HasMore { get; init; }

    /// <summary>The list's path, e.g. <c>/v1/payments</c>.</summary>
    public string? Url { get; init; }
}

/// <summary>The paging and time filters every list takes.</summary>
public abstract record ListOptions
{
    /// <summary>The page size when <see cref="Limit"/> is null, as the gateway's own default.</summary>
    public const int DefaultLimit = 10;

    /// <summary>Items per page, 1 to 100; 10 when null (always sent: a list filtered by the merchant's own number alone
    /// would otherwise be the gateway's look-up, which answers the order itself rather than a list).</summary>
    public int? Limit { get; init; }

    /// <summary>An item's id: the page starts after it (older items).</summary>
    public string? StartingAfter { get; init; }

    /// <summary>An item's id: the page ends before it (newer items).</summary>
    public string? EndingBefore { get; init; }

    /// <summary>Only items created at or after this instant.</summary>
    public DateTimeOffset? CreatedFrom { get; init; }

    /// <summary>Only items created before this instant.</summary>
    public DateTimeOffset? CreatedBefore { get; init; }

    /// <summary>The list's own filters as query parameters.</summary>
    private protected abstract IEnumerable<(string Name, string? Value)> Filters();

    /// <summary>The query string of this list request, starting with <c>?</c> (or empty).</summary>
    internal string QueryString()
    {
        var parts = new List<(string Name, string? Value)>
        {
            ("limit", (Limit ?? DefaultLimit).ToString(CultureInfo.InvariantCulture)),
            ("starting_after", StartingAfter),
            ("ending_before", EndingBefore),
            ("created[gte]", CreatedFrom?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ("created[lt]", CreatedBefore?.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        parts.AddRange(Filters());
        var given = parts.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => Uri.EscapeDataString(p.Name) + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return given.Count == 0 ? "" : "?" + string.Join("&", given);
    }
}

/// <summary>Filters of <see cref="SluiceClient.ListPaymentsAsync"/>.</summary>
public sealed record PaymentListOptions : ListOptions
{
    /// <summary>Only payments in this status (see <see cref="PaymentStatus"/>).</summary>
    public string? Status { get; init; }

    /// <summary>Only the payment with this merchant order number.</summary>
    public string? MerchantOrderNo { get; init; }

    private protected override IEnumerable<(string Name, string? Value)> Filters() => [("status", Status), ("merchant_order_no", MerchantOrderNo)];
}

/// <summary>Filters of <see cref="SluiceClient.ListRefundsAsync"/>.</summary>
public sealed record RefundListOptions : ListOptions
{
    /// <summary>Only refunds in this status.</summary>
    public string? Status { get; init; }

    /// <summary>Only refunds of this payment.</summary>
    public string? PaymentId { get; init; }

    /// <summary>Only the refund with this merchant refund number.</summary>
    public string? MerchantRefundNo { get; init; }

    private protected override IEnumerable<(string Name, string? Value)> Filters() =>
        [("status", Status), ("payment_id", PaymentId), ("merchant_refund_no", MerchantRefundNo)];
}

/// <summary>Filters of <see cref="SluiceClient.ListWithdrawalsAsync"/>.</summary>
public sealed record WithdrawalListOptions : ListOptions
{
    /// <summary>Only withdrawals in this status.</summary>
    public string? Status { get; init; }

    /// <summary>Only the withdrawal with this merchant withdrawal number.</summary>
    public string? MerchantWithdrawalNo { get; init; }

    private protected override IEnumerable<(string Name, string? Value)> Filters() => [("status", Status), ("merchant_withdrawal_no", MerchantWithdrawalNo)];
}

/// <summary>Filters of <see cref="SluiceClient.ListEventsAsync"/>.</summary>
public sealed record EventListOptions : ListOptions
{
    /// <summary>Only events of this type, e.g. <c>payment.succeeded</c> (see <see cref="SluiceEventTypes"/>).</summary>
    public string? Type { get; init; }

    /// <summary>Only events about this payment, refund or withdrawal id.</summary>
    public string? OrderId { get; init; }

    private protected override IEnumerable<(string Name, string? Value)> Filters() => [("type", Type), ("order_id", OrderId)];
}
