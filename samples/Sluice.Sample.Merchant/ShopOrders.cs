using System.Collections.Concurrent;
using Sluice.Client;

namespace Sluice.Sample.Merchant;

/// <summary>One order of the shop and what it learnt about it from Sluice.</summary>
public sealed class ShopOrder(string orderNo, string paymentId, long amount, string status)
{
    private readonly Lock _lock = new();
    private readonly List<string> _events = [];
    private int _paymentVersion = -1;

    public string OrderNo { get; } = orderNo;

    public string PaymentId { get; } = paymentId;

    public long Amount { get; } = amount;

    public string PaymentStatus { get; private set; } = status;

    public ConcurrentDictionary<string, Refund> Refunds { get; } = new(StringComparer.Ordinal);

    /// <summary>Applies an event once: webhooks may repeat and arrive in any order, so the newest version of each order wins.</summary>
    public void Apply(SluiceEvent evt)
    {
        lock (_lock)
        {
            _events.Add(evt.Type);
            if (evt.AsPayment() is { } payment && (payment.Version ?? 0) > _paymentVersion)
            {
                _paymentVersion = payment.Version ?? 0;
                PaymentStatus = payment.Status;
            }
            else if (evt.AsRefund() is { } refund)
            {
                Refunds.AddOrUpdate(refund.Id, refund, (_, known) => (refund.Version ?? 0) >= (known.Version ?? 0) ? refund : known);
            }
        }
    }

    public object View()
    {
        lock (_lock)
        {
            return new
            {
                order_no = OrderNo,
                payment_id = PaymentId,
                amount = Amount,
                payment_status = PaymentStatus,
                refunds = Refunds.Values.OrderBy(r => r.CreatedAt).Select(r => new { id = r.Id, amount = r.Amount, status = r.Status }).ToList(),
                events = _events.ToList(),
            };
        }
    }
}

/// <summary>The shop's orders, in memory, with the webhook events it already handled (deduplicated by event id).</summary>
public sealed class ShopOrders
{
    private readonly ConcurrentDictionary<string, ShopOrder> _byOrderNo = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _byPaymentId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _seenEvents = new(StringComparer.Ordinal);

    public void Add(ShopOrder order)
    {
        _byOrderNo[order.OrderNo] = order;
        _byPaymentId[order.PaymentId] = order.OrderNo;
    }

    public ShopOrder? Find(string orderNo) => _byOrderNo.GetValueOrDefault(orderNo);

    public void RecordRefund(string orderNo, Refund refund) => Find(orderNo)?.Refunds.TryAdd(refund.Id, refund);

    /// <summary>Applies a verified event to its order, once per event id.</summary>
    public void Apply(SluiceEvent evt)
    {
        if (!_seenEvents.TryAdd(evt.Id, true))
        {
            return;
        }

        var paymentId = evt.AsPayment()?.Id ?? evt.AsRefund()?.PaymentId;
        if (paymentId is not null && _byPaymentId.TryGetValue(paymentId, out var orderNo) && Find(orderNo) is { } order)
        {
            order.Apply(evt);
        }
    }
}
