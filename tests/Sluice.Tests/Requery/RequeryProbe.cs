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
        var probed = new ChannelAdapterRegistry(registry.Protocols.Select(p => (IChannelAdapter)new ProbedAdapter(registry.For(p), this)).ToList());
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

    private sealed class ProbedAdapter(IChannelAdapter real, RequeryProbe probe) : IChannelAdapter
    {
        public string Protocol => real.Protocol;

        public IReadOnlyList<ResultCodeRule> DefaultResultCodes => real.DefaultResultCodes;

        public Task<ChannelPayResult> PayAsync(ChannelAccountContext account, ChannelPayRequest request, CancellationToken ct) => real.PayAsync(account, request, ct);

        public Task<ChannelReport> QueryPaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
            probe.WatchAsync(order.OrderId, () => real.QueryPaymentAsync(account, order, ct));

        public Task<ChannelReport> ClosePaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct) =>
            probe.WatchAsync(order.OrderId, () => real.ClosePaymentAsync(account, order, ct));

        public Task<ChannelReport> RefundAsync(ChannelAccountContext account, ChannelRefundRequest request, CancellationToken ct) => real.RefundAsync(account, request, ct);

        public Task<ChannelReport> QueryRefundAsync(ChannelAccountContext account, string refundId, string orderId, CancellationToken ct) =>
            probe.WatchAsync(refundId, () => real.QueryRefundAsync(account, refundId, orderId, ct));

        public Task<ChannelReport> WithdrawAsync(ChannelAccountContext account, ChannelWithdrawRequest request, CancellationToken ct) => real.WithdrawAsync(account, request, ct);

        public Task<ChannelReport> QueryWithdrawalAsync(ChannelAccountContext account, string withdrawalId, CancellationToken ct) =>
            real.QueryWithdrawalAsync(account, withdrawalId, ct);

        public ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct) =>
            real.ParseCallbackAsync(account, request, ct);

        public ChannelCallbackAnswer AnswerCallback(bool accepted) => real.AnswerCallback(accepted);
    }
}
