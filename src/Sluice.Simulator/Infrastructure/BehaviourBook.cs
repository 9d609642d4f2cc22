using System.Collections.Concurrent;

namespace Sluice.Simulator.Infrastructure;

/// <summary>What a simulated channel does instead of approving normally.</summary>
public enum BehaviourAction
{
    /// <summary>The payer pays at once: the order succeeds right after it is created and the callback is sent.</summary>
    Approve,

    /// <summary>The channel refuses the request with <see cref="Behaviour.Code"/> / <see cref="Behaviour.SubCode"/>.</summary>
    Decline,

    /// <summary>The answer is held for <see cref="Behaviour.DelayMs"/> milliseconds (the request is processed).</summary>
    Delay,

    /// <summary>The request is processed but the answer is held past any client's timeout.</summary>
    Timeout,

    /// <summary>The request is processed and answered with HTTP 500 and no readable body.</summary>
    ServerError,

    /// <summary>Callbacks for the order are never sent.</summary>
    LoseCallback,

    /// <summary>Every callback is sent twice.</summary>
    DuplicateCallback,

    /// <summary>A sequence of callbacks is sent newest first.</summary>
    OutOfOrderCallback,

    /// <summary>Callbacks are signed with a key that is not the channel's.</summary>
    ForgedCallback,

    /// <summary>Refunds are refused with the channel's "refund window passed" code.</summary>
    RefundWindowPassed,

    /// <summary>Payouts fail with the channel's "payee account closed / abnormal" code.</summary>
    PayerAccountClosed,

    /// <summary>Payouts are refused with the channel's "insufficient balance" code.</summary>
    InsufficientBalance,

    /// <summary>
    /// The request is processed, but its answer, signed as usual, names another order: <see cref="Behaviour.Message"/>,
    /// or the order's own number with a <c>9</c> appended (a channel mixing up answers, or a replayed one).
    /// </summary>
    AnswerForAnotherOrder,
}

/// <summary>A behaviour for one channel, optionally for one order (the merchant's order/refund/payout number).</summary>
public sealed record Behaviour(
    BehaviourAction Action,
    string? Code = null,
    string? SubCode = null,
    string? Message = null,
    int? DelayMs = null,
    int? Times = null);

/// <summary>
/// The behaviours set through the control API. An order's own behaviours win over its channel's; a behaviour with
/// <see cref="Behaviour.Times"/> is used up after that many requests.
/// </summary>
public sealed class BehaviourBook
{
    private readonly ConcurrentDictionary<(string Channel, string? OrderId), List<Entry>> _entries = new();

    public void Set(string channel, string? orderId, Behaviour behaviour)
    {
        var list = _entries.GetOrAdd((channel, orderId), _ => []);
        lock (list)
        {
            list.RemoveAll(e => e.Behaviour.Action == behaviour.Action);
            list.Add(new Entry(behaviour) { Remaining = behaviour.Times });
        }
    }

    public void Clear(string? channel = null)
    {
        foreach (var key in _entries.Keys.Where(k => channel is null || k.Channel == channel))
        {
            _entries.TryRemove(key, out _);
        }
    }

    public IReadOnlyList<(string Channel, string? OrderId, Behaviour Behaviour)> All() =>
        [.. _entries.SelectMany(kv => Snapshot(kv.Value).Select(e => (kv.Key.Channel, kv.Key.OrderId, e)))];

    /// <summary>The behaviour of this action in force for the order, using up one of its times.</summary>
    public Behaviour? Take(string channel, string? orderId, BehaviourAction action)
    {
        foreach (var key in orderId is null ? [(channel, (string?)null)] : new[] { (channel, orderId), (channel, null) })
        {
            if (!_entries.TryGetValue(key, out var list))
            {
                continue;
            }

            lock (list)
            {
                var entry = list.FirstOrDefault(e => e.Behaviour.Action == action && e.Remaining is null or > 0);
                if (entry is null)
                {
                    continue;
                }

                if (entry.Remaining is not null)
                {
                    entry.Remaining--;
                }

                return entry.Behaviour;
            }
        }

        return null;
    }

    private static List<Behaviour> Snapshot(List<Entry> list)
    {
        lock (list)
        {
            return [.. list.Where(e => e.Remaining is null or > 0).Select(e => e.Behaviour)];
        }
    }

    private sealed class Entry(Behaviour behaviour)
    {
        public Behaviour Behaviour { get; } = behaviour;
        public int? Remaining { get; set; }
    }
}
