using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Common;
using Sluice.Data;
using Sluice.Server.Api;
using Sluice.Webhooks;

namespace Sluice.Server.Webhooks;

/// <summary>
/// Adds webhook deliveries to the same unit of work as the state change they announce, so an event is delivered
/// if and only if its change was committed (transactional outbox).
/// </summary>
public sealed class WebhookOutbox(SluiceDbContext db, IdGenerator ids, AppWebhookSettingsReader apps, TimeProvider clock)
{
    public sealed record WebhookEvent(string Id, string Type, DateTimeOffset CreatedAt, object Data);

    /// <summary>Stages one delivery of <paramref name="type"/> to the order's notify URL or the app's default.</summary>
    public async Task StageAsync(string appId, string orderId, string? orderNotifyUrl, string type, object data, CancellationToken ct)
    {
        var url = orderNotifyUrl ?? (await apps.ForAsync(appId, ct))?.NotifyUrl;
        if (string.IsNullOrEmpty(url))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var evt = new WebhookEvent(ids.Next("evt"), type, now, data);
        db.WebhookDeliveries.Add(new WebhookDelivery
        {
            Id = ids.Next("whd"),
            EventId = evt.Id,
            EventType = type,
            AppId = appId,
            OrderId = orderId,
            Url = url,
            Payload = JsonSerializer.Serialize(evt, SluiceJson.Options),
            Status = WebhookDeliveryStatus.Pending,
            NextAttemptAt = now,
            CreatedAt = now,
        });
    }
}
