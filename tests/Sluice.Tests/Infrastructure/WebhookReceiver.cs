using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sluice.Tests.Infrastructure;

/// <summary>One request a <see cref="WebhookReceiver"/> got, with the exact bytes of its body.</summary>
public sealed record ReceivedWebhook(int Number, string Method, IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredWith)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}

/// <summary>
/// A merchant's webhook endpoint for tests: a small Kestrel app on 127.0.0.1 (a port of its own) that records every
/// request to its URL and answers with the status the test chooses. Requests to any other path (deliveries left
/// over from earlier tests that happen to reach a reused port) are answered 404 and not recorded.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _path = "/hooks/" + Guid.NewGuid().ToString("N");
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;
    private volatile Func<int, int> _statusFor = _ => 200;
    private TaskCompletionSource? _holding;

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    /// <summary>Every recorded request, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Received => [.. _received.OrderBy(r => r.Number)];

    /// <summary>The recorded requests of one event type (<c>Sluice-Event-Type</c>), in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> OfType(string eventType) => [.. Received.Where(r => r.Header("Sluice-Event-Type") == eventType)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var receiver = new WebhookReceiver(builder.Build());
        receiver._app.Run(receiver.HandleAsync);
        await receiver._app.StartAsync();
        var address = receiver._app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        receiver.Url = new Uri(new Uri(address), receiver._path);
        return receiver;
    }

    /// <summary>Answers every request with <paramref name="status"/> from now on.</summary>
    public void AnswerAlways(int status) => _statusFor = _ => status;

    /// <summary>Answers the first <paramref name="failures"/> requests with <paramref name="status"/>, then 200.</summary>
    public void FailFirst(int failures, int status = 500) => _statusFor = n => n <= failures ? status : 200;

    /// <summary>
    /// Makes the next request hang (the merchant is slow) until <see cref="Release"/>; the returned task completes
    /// when that request has arrived, so a test knows the sender is waiting on it.
    /// </summary>
    public Task HoldNextRequest()
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _holding, arrived);
        return arrived.Task;
    }

    /// <summary>Lets every held request go (they are answered if the sender still waits).</summary>
    public void Release() => _released.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != _path)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var number = Interlocked.Increment(ref _count);
        var status = _statusFor(number);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _received.Enqueue(new ReceivedWebhook(number, context.Request.Method, headers, buffer.ToArray(), status));

        if (Interlocked.Exchange(ref _holding, null) is { } arrived)
        {
            arrived.TrySetResult();
            try
            {
                await _released.Task.WaitAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        context.Response.StatusCode = status;
        await context.Response.WriteAsync(status < 300 ? "ok" : "nope");
    }
}
