using System.Diagnostics;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Data;
using Sluice.Security;
using Sluice.Server.Hosting;
using Sluice.Webhooks;

namespace Sluice.Server.Webhooks;

/// <summary>
/// Sends due webhook deliveries. Each round claims a batch with a lease (so two nodes never send the same attempt),
/// posts each payload signed with the app's secret, logs the attempt and schedules the next one with exponential
/// back-off, until the merchant answers 2xx or the schedule (more than 24 hours) is exhausted.
/// </summary>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory httpClients,
    TimeProvider clock,
    NodeIdentity node,
    IOptions<SluiceOptions> options,
    SluiceMetrics metrics,
    ILogger<WebhookDispatcher> logger)
{
    public const string HttpClientName = "webhooks";
    public const string SignatureHeader = "Sluice-Signature";
    private const int BatchSize = 32;
    private const int Parallelism = 8;

    /// <summary>Runs one round: claims due deliveries and attempts each once. Returns how many were attempted.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        IReadOnlyList<string> claimed;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
            claimed = await WorkLeases.ClaimAsync(db, WorkLeases.WebhookDeliveries, node.Id, clock.GetUtcNow(), options.Value.Workers.LeaseDuration, BatchSize, ct);
        }

        // Deliveries are independent (each renews its own lease and uses its own unit of work), so one slow merchant
        // does not hold up the rest of the batch.
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct },
            async (id, token) => await AttemptAsync(id, token));
        return claimed.Count;
    }

    private async Task AttemptAsync(string deliveryId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
        var lease = options.Value.Workers.LeaseDuration;

        // The batch was claimed when the round began, and sending the deliveries before this one may have outlasted
        // that lease. Renew it for this attempt, or leave the delivery to whichever node has claimed it since.
        if (!await WorkLeases.RenewAsync(db, WorkLeases.WebhookDeliveries, deliveryId, node.Id, clock.GetUtcNow(), lease, ct))
        {
            logger.WebhookLeaseExpired(deliveryId);
            return;
        }

        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.LeaseOwner == node.Id, ct);
        if (delivery is null || delivery.Status != WebhookDeliveryStatus.Pending)
        {
            return;
        }

        var secret = (await scope.ServiceProvider.GetRequiredService<AppWebhookSettingsReader>().ForAsync(delivery.AppId, ct))?.WebhookSecret
            ?? throw new InvalidOperationException($"Webhook delivery {delivery.Id} belongs to app {delivery.AppId}, which does not exist.");
        var attemptNumber = delivery.AttemptCount + 1;
        var roundAttempt = delivery.RoundAttemptCount + 1;
        var started = clock.GetUtcNow();
        var stopwatch = Stopwatch.StartNew();
        int? status = null;
        string? error = null;

        // The request must end well inside the renewed lease, so that no other node can claim this delivery while
        // it is in flight, whatever the HTTP client's own timeout is.
        using var deadline = new CancellationTokenSource(lease / 2, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            var body = Encoding.UTF8.GetBytes(delivery.Payload);
            using var message = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
            message.Headers.TryAddWithoutValidation(SignatureHeader, HmacSignature.Sign(secret, started.ToUnixTimeSeconds(), body));
            message.Headers.TryAddWithoutValidation("Sluice-Event-Id", delivery.EventId);
            message.Headers.TryAddWithoutValidation("Sluice-Event-Type", delivery.EventType);
            message.Headers.TryAddWithoutValidation("Sluice-Delivery-Attempt", attemptNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"HTTP {status}";
            }
        }
        catch (HttpRequestException ex)
        {
            error = $"network: {ex.HttpRequestError}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = "timeout";
        }

        var now = clock.GetUtcNow();
        var attempt = new WebhookAttempt
        {
            DeliveryId = delivery.Id,
            AttemptNumber = attemptNumber,
            NodeId = node.Id,
            StartedAt = started,
            ResponseStatus = status,
            Error = error,
            DurationMs = stopwatch.ElapsedMilliseconds,
        };
        db.WebhookAttempts.Add(attempt);
        delivery.AttemptCount = attemptNumber;
        delivery.RoundAttemptCount = roundAttempt;
        delivery.LeaseOwner = null;
        delivery.LeaseExpiresAt = null;
        delivery.LastError = error;
        if (error is null)
        {
            delivery.Status = WebhookDeliveryStatus.Delivered;
            delivery.DeliveredAt = now;
        }
        else if (WebhookRetrySchedule.DelayAfter(roundAttempt) is { } delay)
        {
            delivery.NextAttemptAt = now + delay;
        }
        else
        {
            delivery.Status = WebhookDeliveryStatus.Failed;
        }

        // The request went out, so its outcome is recorded even if the host is stopping.
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Our lease was lost while the request was in flight and another node owns the delivery now: its state
            // is theirs to write, but the merchant did get this request, so it stays in the attempt log.
            db.Entry(delivery).State = EntityState.Detached;
            await db.SaveChangesAsync(CancellationToken.None);
            logger.WebhookLeaseLost(delivery.Id);
            return;
        }

        metrics.WebhookAttempts.Add(1, new KeyValuePair<string, object?>("ok", error is null));
        logger.WebhookAttempted(delivery.Id, delivery.EventType, attemptNumber, status ?? 0, error ?? "ok");
    }
}

/// <summary>Runs the dispatcher on every node; the leases keep them apart.</summary>
public sealed class WebhookDispatcherService(WebhookDispatcher dispatcher, IOptions<SluiceOptions> options, TimeProvider clock, ILogger<WebhookDispatcherService> logger)
    : PollingWorkerService("Webhook dispatch", dispatcher.RunOnceAsync, options, clock, logger);

/// <summary>This node's name in leases and attempt logs.</summary>
public sealed class NodeIdentity(string id)
{
    public string Id { get; } = id;
}
