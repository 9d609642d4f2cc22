using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Server.Orders;
using Sluice.Server.Payments;
using Sluice.Server.Refunds;

namespace Sluice.Tests.Requery;

/// <summary>
/// Counts the channel's query and close calls per order (payment queries and closes by payment id, refund queries by
/// refund id) and remembers whether two were ever in flight for one order at once. Each call is held a few milliseconds
/// so that overlapping work would show.
/// </summary>
public sealed class RequeryProbe
{
    private readonly ConcurrentDictionary<string, int> _inFlight = new();
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private int _overlaps;

    public int Overlaps => Volatile.Read(ref _overlaps);

    public int CallsFor(string orderId) => _calls.GetValueOrDefault(orderId);

    public async Task<T> WatchAsync<T>(string orderId, Func<Task<T>> call)
    {
        _calls.AddOrUpdate(orderId, 1, (_, n) => n + 1);
        if (_inFlight.AddOrUpdate(orderId, 1, (_, n) => n + 1) > 1)
        {
            Interlocked.Increment(ref _overlaps);
        }

        try
        {
            await Task.Delay(5);
            return await call();
        }
        finally
        {
            _inFlight.AddOrUpdate(orderId, 0, (_, n) => n - 1);
        }
    }

    /// <summary>
    /// A scope factory whose scopes hand out a <see cref="PaymentService"/> and a <see cref="RefundService"/> speaking to
    /// the channels through this probe; everything else comes from the gateway's own container.
    /// </summary>
    public IServiceScopeFactory Scopes(IServiceProvider gateway)
    {
        var registry = gateway.GetRequiredService<ChannelAdapterRegistry>();
        var probed = new ChannelAdapterRegistry(registry.Channels.Select(c => c with { Adapter = Probed(c) }).ToList());
        return new ProbedScopes(gateway.GetRequiredService<IServiceScopeFactory>(), probed);
    }

    private sealed class ProbedScopes(IServiceScopeFactory inner, ChannelAdapterRegistry probed) : IServiceScopeFactory
    {
        public IServiceScope CreateScope() => new ProbedScope(inner.CreateAsyncScope(), probed);
    }

    private sealed class ProbedScope(AsyncServiceScope inner, ChannelAdapterRegistry probed) : IServiceScope, IServiceProvider, IAsyncDisposable
    {
        public IServiceProvider ServiceProvider => this;

        private ChannelCaller? _caller;

        public object? GetService(Type serviceType) =>
            serviceType == typeof(PaymentService) ? ActivatorUtilities.CreateInstance(inner.ServiceProvider, serviceType, Caller())
            : serviceType == typeof(RefundService) ? ActivatorUtilities.CreateInstance(inner.ServiceProvider, serviceType, probed, Caller())
            : inner.ServiceProvider.GetService(serviceType);

        /// <summary>The scope's channel caller, speaking through the probed adapters.</summary>
        private ChannelCaller Caller() => _caller ??= ActivatorUtilities.CreateInstance<ChannelCaller>(inner.ServiceProvider, probed);

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }

    /// <summary>A channel's adapter with its payment and refund calls watched; a payout-only channel's as it is.</summary>
    private object Probed(RegisteredChannel channel) =>
        !channel.Profile.Flows.Contains(ChannelFlow.Pay) ? channel.Adapter
        : channel.Profile.Flows.Contains(ChannelFlow.Withdraw) ? new ProbedPayingOutAdapter(channel.Adapter, this)
        : new ProbedAdapter(channel.Adapter, this);

    /// <summary>Watches a channel that takes payments and refunds and sends notices (every shipped one that takes payments).</summary>
    private class ProbedAdapter(object real, RequeryProbe probe) : IChannelPayments, IChannelRefunds, IChannelCallbacks
    {
        protected object Real => real;

        public Task<ChannelPayResult> PayAsync(ChannelAccountContext account, ChannelPayRequest request, CancellationToken ct) =>
            ((IChannelPayments)real).PayAsync(account, request, ct);

        public Task<ChannelReport> QueryPaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
            probe.WatchAsync(order.OrderId, () => ((IChannelPayments)real).QueryPaymentAsync(account, order, ct));

        public Task<ChannelReport> ClosePaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
            probe.WatchAsync(order.OrderId, () => ((IChannelPayments)real).ClosePaymentAsync(account, order, ct));

        public Task<ChannelReport> RefundAsync(ChannelAccountContext account, ChannelRefundRequest request, CancellationToken ct) =>
            ((IChannelRefunds)real).RefundAsync(account, request, ct);

        public Task<ChannelReport> QueryRefundAsync(ChannelAccountContext account, string refundId, string orderId, CancellationToken ct) =>
            probe.WatchAsync(refundId, () => ((IChannelRefunds)real).QueryRefundAsync(account, refundId, orderId, ct));

        public ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct) =>
            ((IChannelCallbacks)real).ParseCallbackAsync(account, request, ct);
    }

    private sealed class ProbedPayingOutAdapter(object real, RequeryProbe probe) : ProbedAdapter(real, probe), IChannelPayouts
    {
        public Task<ChannelReport> WithdrawAsync(ChannelAccountContext account, ChannelWithdrawRequest request, CancellationToken ct) =>
            ((IChannelPayouts)Real).WithdrawAsync(account, request, ct);

        public Task<ChannelReport> QueryWithdrawalAsync(ChannelAccountContext account, string withdrawalId, CancellationToken ct) =>
            ((IChannelPayouts)Real).QueryWithdrawalAsync(account, withdrawalId, ct);
    }
}
