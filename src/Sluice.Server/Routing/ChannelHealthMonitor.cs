using System.Collections.Concurrent;
using Sluice.Channels;
using Sluice.Routing;

namespace Sluice.Server.Routing;

/// <summary>
/// Recent health of each channel as this node sees it, for routing's success-rate and latency factors: every call the
/// channel caller makes (pay, query, close, refund, payout and their queries) is recorded with whether the channel answered definitively (accepted or declined the order — a decline is the
/// channel working) or not (timeout, 5xx, refused connection, unverifiable answer), and how long it took. Figures cover
/// the last <see cref="Window"/> in buckets by the gateway clock, so old trouble ages out. The success rate is smoothed
/// towards healthy by <see cref="PriorCalls"/> imaginary good calls so one failure on a quiet channel does not bury it.
/// A call not answered counts at least <see cref="FailureLatency"/>, so failing fast never scores as fast. Per node on
/// purpose: each node measures the path it actually uses to the channel; the circuit breaker that takes a failing
/// channel out is shared (<see cref="ChannelBreakers"/>).
/// </summary>
public sealed class ChannelHealthMonitor(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    public const int Buckets = 10;
    public const double PriorCalls = 5;

    private static readonly long BucketTicks = Window.Ticks / Buckets;
    private static readonly ChannelHealth NoHistory = new(1.0, 0);
    private readonly ConcurrentDictionary<string, Ring> _channels = new(StringComparer.Ordinal);

    /// <summary>Whether a channel's answer counts as the channel working (see the class summary).</summary>
    public static bool Answered(ChannelResult result) => result.Outcome != ChannelOutcome.Unknown && !result.NotTakenByChannel;

    /// <summary>
    /// The latency a call the channel did not answer counts with, at least: a channel that refuses at once is not
    /// fast, it is down, and must never score better on latency than one that answers.
    /// </summary>
    public static readonly TimeSpan FailureLatency = TimeSpan.FromSeconds(10);

    public void Record(string channelCode, bool answered, TimeSpan latency) =>
        _channels.GetOrAdd(channelCode, _ => new Ring()).Add(clock.GetUtcNow().UtcTicks / BucketTicks, answered,
            answered ? latency.TotalMilliseconds : Math.Max(latency.TotalMilliseconds, FailureLatency.TotalMilliseconds));

    public ChannelHealth Health(string channelCode)
    {
        if (!_channels.TryGetValue(channelCode, out var ring))
        {
            return NoHistory;
        }

        var (calls, answered, latencySum) = ring.Sum(clock.GetUtcNow().UtcTicks / BucketTicks);
        return calls == 0
            ? NoHistory
            : new ChannelHealth((answered + PriorCalls) / (calls + PriorCalls), latencySum / calls);
    }

    private sealed class Ring
    {
        private readonly long[] _bucket = new long[Buckets];
        private readonly int[] _calls = new int[Buckets];
        private readonly int[] _answered = new int[Buckets];
        private readonly double[] _latency = new double[Buckets];

        public void Add(long bucket, bool answered, double latencyMs)
        {
            var i = (int)(bucket % Buckets);
            lock (this)
            {
                if (_bucket[i] != bucket)
                {
                    (_bucket[i], _calls[i], _answered[i], _latency[i]) = (bucket, 0, 0, 0);
                }

                _calls[i]++;
                _answered[i] += answered ? 1 : 0;
                _latency[i] += latencyMs;
            }
        }

        public (int Calls, int Answered, double LatencySum) Sum(long currentBucket)
        {
            int calls = 0, answered = 0;
            double latency = 0;
            lock (this)
            {
                for (var i = 0; i < Buckets; i++)
                {
                    if (_calls[i] > 0 && currentBucket - _bucket[i] < Buckets)
                    {
                        calls += _calls[i];
                        answered += _answered[i];
                        latency += _latency[i];
                    }
                }
            }

            return (calls, answered, latency);
        }
    }
}
