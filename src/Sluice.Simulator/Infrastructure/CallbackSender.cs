using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Sluice.Simulator.Infrastructure;

/// <summary>
/// A callback a channel sends about one order. <see cref="Build"/> makes the signed request afresh for each attempt
/// (forged: signed with a key that is not the channel's); <see cref="IsAcknowledged"/> reads the merchant's answer
/// the way the channel does (e.g. Alipay wants the body <c>success</c>, WeChat Pay a 200/204).
/// </summary>
public sealed record SimulatedCallback(
    string Channel,
    string OrderId,
    string Kind,
    Uri Url,
    Func<bool, HttpRequestMessage> Build,
    Func<int, string, bool> IsAcknowledged,
    IReadOnlyList<TimeSpan> RetrySchedule);

/// <summary>One attempt to deliver a callback, as the control API lists it.</summary>
public sealed record CallbackAttempt(
    long CallbackId,
    string Channel,
    string OrderId,
    string Kind,
    int Attempt,
    bool Forged,
    DateTimeOffset At,
    int? StatusCode,
    string? Answer,
    bool Acknowledged);

/// <summary>
/// Sends channels' callbacks with each channel's retry schedule until the merchant acknowledges or the schedule ends,
/// applying the lose / duplicate / out-of-order / forged behaviours. Lost callbacks are listed with no attempts.
/// </summary>
public sealed class CallbackSender(
    IHttpClientFactory httpClients,
    TimeProvider clock,
    BehaviourBook behaviours,
    IOptions<SimulatorOptions> options,
    ILogger<CallbackSender> logger) : BackgroundService
{
    public const string HttpClientName = "simulator-callbacks";

    private readonly ConcurrentQueue<Pending> _due = new();
    private readonly ConcurrentQueue<CallbackAttempt> _attempts = new();
    private readonly ConcurrentQueue<(string Channel, string OrderId, string Kind)> _lost = new();
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;

    public IReadOnlyList<CallbackAttempt> Attempts(string? orderId = null) =>
        [.. _attempts.Where(a => orderId is null || a.OrderId == orderId)];

    public IReadOnlyList<(string Channel, string OrderId, string Kind)> Lost => [.. _lost];

    /// <summary>Queues callbacks for one order, in the order the channel would send them.</summary>
    public void Enqueue(params SimulatedCallback[] sequence)
    {
        if (sequence.Length == 0)
        {
            return;
        }

        var first = sequence[0];
        if (behaviours.Take(first.Channel, first.OrderId, BehaviourAction.LoseCallback) is not null)
        {
            foreach (var c in sequence)
            {
                _lost.Enqueue((c.Channel, c.OrderId, c.Kind));
            }

            return;
        }

        var ordered = behaviours.Take(first.Channel, first.OrderId, BehaviourAction.OutOfOrderCallback) is not null
            ? sequence.Reverse().ToArray()
            : sequence;
        var copies = behaviours.Take(first.Channel, first.OrderId, BehaviourAction.DuplicateCallback) is not null ? 2 : 1;
        var forged = behaviours.Take(first.Channel, first.OrderId, BehaviourAction.ForgedCallback) is not null;
        var now = clock.GetUtcNow();
        foreach (var callback in ordered)
        {
            for (var i = 0; i < copies; i++)
            {
                _due.Enqueue(new Pending(Interlocked.Increment(ref _nextId), callback, forged, 1, now));
            }
        }

        _wake.TrySetResult();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var waiting = new List<Pending>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            while (_due.TryDequeue(out var p))
            {
                waiting.Add(p);
            }

            var now = clock.GetUtcNow();
            // Callbacks for one order go out one after another, in queue order; orders do not wait for each other.
            var ready = waiting.Where(p => p.DueAt <= now).ToList();
            foreach (var p in ready)
            {
                waiting.Remove(p);
                var next = await SendAsync(p, stoppingToken);
                if (next is not null)
                {
                    waiting.Add(next);
                }
            }

            var wait = waiting.Count == 0 ? TimeSpan.FromSeconds(1) : waiting.Min(p => p.DueAt) - clock.GetUtcNow();
            wait = wait < TimeSpan.FromMilliseconds(5) ? TimeSpan.FromMilliseconds(5) : wait > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
            try
            {
                await Task.WhenAny(wake.Task, Task.Delay(wait, clock, stoppingToken));
                stoppingToken.ThrowIfCancellationRequested();
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<Pending?> SendAsync(Pending p, CancellationToken ct)
    {
        int? status = null;
        string? answer = null;
        try
        {
            using var request = p.Callback.Build(p.Forged);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
            status = (int)response.StatusCode;
            answer = await response.Content.ReadAsStringAsync(ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.CallbackNotDelivered(p.Callback.Channel, p.Callback.OrderId, ex.Message);
        }

        var acknowledged = status is not null && p.Callback.IsAcknowledged(status.Value, answer ?? "");
        _attempts.Enqueue(new CallbackAttempt(p.Id, p.Callback.Channel, p.Callback.OrderId, p.Callback.Kind, p.Attempt, p.Forged,
            clock.GetUtcNow(), status, answer is { Length: > 200 } ? answer[..200] : answer, acknowledged));
        if (acknowledged)
        {
            return null;
        }

        var schedule = p.Callback.RetrySchedule;
        if (p.Attempt > schedule.Count)
        {
            return null;
        }

        var interval = TimeSpan.FromTicks((long)(schedule[p.Attempt - 1].Ticks * options.Value.RetryScale));
        return p with { Attempt = p.Attempt + 1, DueAt = clock.GetUtcNow() + interval };
    }

    private sealed record Pending(long Id, SimulatedCallback Callback, bool Forged, int Attempt, DateTimeOffset DueAt);
}
