using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Refunds;
using Sluice.Server.Hosting;
using Sluice.Server.Webhooks;

namespace Sluice.Server.Refunds;

/// <summary>
/// Refund settings (section <c>Sluice:Refunds</c>): how long each channel may take to finish a refund before it is
/// flagged overdue. A channel code's own timeout wins over its protocol's, which wins over the protocol's channel profile
/// (<see cref="IChannelProfile.RefundOverdueTimeout"/>), which wins over the default.
/// </summary>
public sealed class RefundOptions
{
    public const string Section = "Sluice:Refunds";

    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Timeouts by channel code, e.g. <c>Sluice:Refunds:ChannelTimeouts:alipay-main = 12:00:00</c>.</summary>
    public Dictionary<string, TimeSpan> ChannelTimeouts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Timeouts by protocol, e.g. <c>Sluice:Refunds:ProtocolTimeouts:alipay = 2.00:00:00</c>, over the channel profile's.</summary>
    public Dictionary<string, TimeSpan> ProtocolTimeouts { get; set; } = new(StringComparer.Ordinal);

    public TimeSpan TimeoutFor(string channelCode, string? protocol, ChannelAdapterRegistry channels) =>
        ChannelTimeouts.TryGetValue(channelCode, out var byChannel) ? byChannel
        : protocol is not null && ProtocolTimeouts.TryGetValue(protocol, out var byProtocol) ? byProtocol
        : protocol is not null && channels.FindProfile(protocol)?.RefundOverdueTimeout is { } byProfile ? byProfile
        : DefaultTimeout;

    /// <summary>The shortest timeout any refund can have: refunds created before now minus it are the ones to look at.</summary>
    public TimeSpan Shortest(ChannelAdapterRegistry channels) =>
        new[] { DefaultTimeout }.Concat(ChannelTimeouts.Values).Concat(ProtocolTimeouts.Values)
            .Concat(channels.Protocols.Where(p => !ProtocolTimeouts.ContainsKey(p)).Select(p => channels.Profile(p).RefundOverdueTimeout).OfType<TimeSpan>())
            .Min();
}

/// <summary>
/// Flags refunds overdue: one still not final past its channel's refund timeout, or one in the exception queue (it
/// cannot take its original route). Flagging is a conditional update (<c>overdue_at IS NULL</c>) committed with the
/// timeline line and the <c>refund.overdue</c> webhook, so every refund is flagged and notified once, whichever node
/// and however many nodes scan at the same moment.
/// </summary>
public sealed class RefundOverdueScanner(
    IServiceScopeFactory scopes, IOptions<RefundOptions> options, ChannelAdapterRegistry channels, TimeProvider clock,
    ILogger<RefundOverdueScanner> logger)
{
    private const int BatchSize = 200;

    /// <summary>One scan; returns how many refunds this call flagged.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
        var now = clock.GetUtcNow();
        var settings = options.Value;
        var oldEnough = now - settings.Shortest(channels);
        var candidates = await db.Refunds.AsNoTracking()
            .Where(r => r.OverdueAt == null
                        && (r.Status == RefundStatus.Exception
                            || ((r.Status == RefundStatus.Created || r.Status == RefundStatus.Pending || r.Status == RefundStatus.PayingBack) && r.CreatedAt <= oldEnough)))
            .OrderBy(r => r.CreatedAt).Take(BatchSize).ToListAsync(ct);
        var accountIds = candidates.Select(r => r.ChannelAccountId).Distinct().ToList();
        var protocols = await db.ChannelAccounts.AsNoTracking().Where(a => accountIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Protocol, ct);

        var flagged = 0;
        foreach (var refund in candidates)
        {
            var timeout = settings.TimeoutFor(refund.ChannelCode, protocols.GetValueOrDefault(refund.ChannelAccountId), channels);
            var why = refund.Status == RefundStatus.Exception
                ? "cannot take its original route: " + refund.ExceptionReason
                : refund.CreatedAt + timeout <= now ? $"not final {timeout} after creation (the channel's refund timeout)" : null;
            if (why is not null && await FlagAsync(db, scope.ServiceProvider.GetRequiredService<WebhookOutbox>(), refund, why, now, ct))
            {
                flagged++;
            }
        }

        return flagged;
    }

    private async Task<bool> FlagAsync(SluiceDbContext db, WebhookOutbox outbox, RefundOrder refund, string why, DateTimeOffset now, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.Refunds.Where(r => r.Id == refund.Id && r.OverdueAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.OverdueAt, now), ct);
        if (taken != 1)
        {
            return false;
        }

        refund.OverdueAt = now;
        db.RefundEvents.Add(new RefundEvent { RefundId = refund.Id, Kind = "overdue", Source = "refund_overdue", Detail = why, CreatedAt = now });
        await outbox.StageAsync(refund.AppId, refund.Id, refund.NotifyUrl, "refund.overdue", RefundEventData.Of(refund), ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        logger.RefundOverdue(refund.Id, why);
        return true;
    }
}

/// <summary>Runs the overdue scan on every node when background workers are enabled.</summary>
public sealed class RefundOverdueService(RefundOverdueScanner scanner, IOptions<SluiceOptions> options, TimeProvider clock, ILogger<RefundOverdueService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Overdue is measured in hours and days: a scan every 30 poll intervals is plenty.
        using var timer = new PeriodicTimer(options.Value.Workers.PollInterval * 30, clock);
        do
        {
            try
            {
                await scanner.RunOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.RefundOverdueScanFailed(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
