using System.Collections.Concurrent;
using static Sluice.Tests.Channels.TestChannel.TestPayProtocol;

namespace Sluice.Tests.Channels.TestChannel;

/// <summary>
/// testpay's own side, kept in memory: the orders and refunds it holds and their states. A real channel is reached over
/// HTTP (see <c>ChannelTransport</c> and the shipped adapters); this one needs nothing outside the test process.
/// </summary>
public sealed class TestPayUpstream
{
    private readonly ConcurrentDictionary<string, (string State, long Amount, string Currency)> _orders = new(StringComparer.Ordinal);

    /// <summary>A new order (payment or refund) waiting at the channel; an id it already holds keeps its state.</summary>
    public string Open(string id, string state, long amount, string currency) => _orders.GetOrAdd(id, (state, amount, currency)).State;

    public string? StateOf(string id) => _orders.TryGetValue(id, out var order) ? order.State : null;

    /// <summary>The order as the channel holds it (a query answers its amount, as real channels do), or null.</summary>
    public (string State, long Amount, string Currency)? Find(string id) => _orders.TryGetValue(id, out var order) ? order : null;

    /// <summary>Closes an unpaid order; a paid one stays paid. Returns the state it is in.</summary>
    public string Close(string id) =>
        _orders.AddOrUpdate(id, (Closed, 0, "CNY"), (_, o) => o.State == Paid ? o : o with { State = Closed }).State;

    /// <summary>The payer pays (or a refund completes): the order moves to <paramref name="state"/> and the channel's notice about it is made.</summary>
    public Notice Complete(string kind, string id, string state, DateTimeOffset at)
    {
        var order = _orders.AddOrUpdate(id, _ => throw new InvalidOperationException($"testpay holds no order {id}"), (_, o) => o with { State = state });
        return new Notice("ntf_" + Guid.NewGuid().ToString("N"), kind, id, state, order.Amount, order.Currency, at.ToUnixTimeSeconds());
    }
}
