using System.Text;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Data;
using Sluice.Server.ChannelAccounts;
using Sluice.Server.Hosting;
using Sluice.Server.Payments;
using Sluice.Server.ResultCodes;
using Sluice.Server.Withdrawals;

namespace Sluice.Server.Callbacks;

/// <summary>
/// Auto-notify: one endpoint per channel account. The adapter verifies the channel's signature before anything in
/// the body is read; an unverifiable callback is logged and changes nothing. The answer is in the channel's format.
/// </summary>
public static class NotifyEndpoints
{
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>Maps <c>/{channelAccountId}</c> into the callbacks group (<c>/notify</c>): anonymous, the adapter verifies the channel's signature.</summary>
    public static void MapNotifyEndpoints(this RouteGroupBuilder callbacks)
    {
        callbacks.MapPost("/{channelAccountId}", HandleAsync)
            .WithTags("Channel callbacks")
            .WithSummary("Asynchronous notices from an upstream channel")
            .AllowAnonymous()
            .ExcludeFromDescription();
    }

    private static async Task<IResult> HandleAsync(
        string channelAccountId,
        HttpRequest request,
        SluiceDbContext db,
        ChannelAdapterRegistry adapters,
        ChannelAccountContexts contexts,
        PaymentService payments,
        Sluice.Server.Refunds.RefundService refunds,
        WithdrawalService withdrawals,
        ResultCodeResolver resultCodes,
        TimeProvider clock,
        SluiceMetrics metrics,
        ILoggerFactory loggers,
        CancellationToken ct)
    {
        var logger = loggers.CreateLogger("Sluice.Callbacks");
        var account = await db.ChannelAccounts.AsNoTracking().FirstOrDefaultAsync(a => a.Id == channelAccountId, ct);
        if (account is null)
        {
            return Results.NotFound();
        }

        var body = await ReadBodyAsync(request, ct);
        if (body is null)
        {
            return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
        }

        var callbacks = adapters.Callbacks(account.Protocol);
        var acknowledgement = adapters.Profile(account.Protocol).Acknowledgement!;
        var context = contexts.For(account);
        var callback = new ChannelCallbackRequest(
            request.Method,
            request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
            request.ContentType ?? "",
            body);

        using var activity = SluiceTracing.Source.StartActivity("channel.callback", System.Diagnostics.ActivityKind.Server);
        activity?.SetTag("sluice.channel.protocol", account.Protocol);
        activity?.SetTag("sluice.channel.account_id", account.Id);
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 16 * 1024));
        CallbackParseResult parsed;
        try
        {
            // No channel signs a control character; such a notice is refused before the adapter reads it.
            parsed = ForbiddenText(body, request.ContentType) is { } forbidden
                ? CallbackParseResult.Rejected(forbidden)
                : await callbacks.ParseCallbackAsync(context, callback, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // An adapter that throws on a body it cannot read refuses the notice in the channel's format: a 4xx, never a 500.
            logger.CallbackAdapterFault(ex, account.Protocol, account.Id);
            parsed = CallbackParseResult.Rejected("unreadable notice (" + ex.GetType().Name + ")");
        }

        activity?.SetTag("sluice.callback.verified", parsed.Verified);

        // Past verification the notice is processed to the end even if the channel hangs up, so it is never half-applied.
        ct = CancellationToken.None;
        var log = new ChannelCallbackLog
        {
            ChannelAccountId = account.Id,
            ReceivedAt = clock.GetUtcNow(),
            Verified = parsed.Verified,
            RejectionReason = parsed.RejectionReason,
            OrderId = parsed.Notice?.OrderId,
            NoticeId = parsed.Notice?.NoticeId,
            Outcome = parsed.Notice?.Report.Result.Outcome.ToString().ToLowerInvariant(),
            Effect = "rejected",
            Body = PlainText.Scrub(text),
        };

        if (!parsed.Verified || parsed.Notice is null)
        {
            logger.CallbackRejected(account.Id, parsed.RejectionReason ?? "unverified");
            metrics.CallbacksReceived.Add(1, new KeyValuePair<string, object?>("verified", false));
            db.ChannelCallbacks.Add(log);
            await db.SaveChangesAsync(ct);
            var refusal = acknowledgement.Answer(accepted: false);
            return Results.Text(refusal.Body, refusal.ContentType, Encoding.UTF8, refusal.StatusCode);
        }

        metrics.CallbacksReceived.Add(1, new KeyValuePair<string, object?>("verified", true));
        var notice = parsed.Notice;

        // The state change, its webhook and the callback's log row commit together or not at all.
        // The notice's effect is the result-code map's, not the adapter's; a code no rule maps changes nothing and is counted.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var resolution = await resultCodes.ResolveAsync(account.Protocol, ChannelFlow.Notify, notice.Report.Result, ct);
        log.Outcome = resolution.Effect.ToString().ToLowerInvariant();
        if (notice.Kind == ChannelNoticeKind.Payment)
        {
            var order = await db.Payments.FirstOrDefaultAsync(p => p.Id == notice.OrderId && p.ChannelAccountId == account.Id, ct);
            log.Effect = order is null ? "unknown_order" : (await payments.ApplyReportAsync(order, notice.Report, resolution, "channel_notify", ct)).WireName;
        }
        else if (notice.Kind == ChannelNoticeKind.Refund)
        {
            // Every adapter puts Sluice's refund id in a refund notice's OrderId. Alipay's refund_fee is the trade's
            // cumulative refunded amount, so the notice's amount is not compared with the refund's.
            var refund = await db.Refunds.FirstOrDefaultAsync(r => r.Id == notice.OrderId && r.ChannelAccountId == account.Id, ct);
            log.Effect = refund is null ? "unknown_refund" : (await refunds.ApplyReportAsync(refund, notice.Report, resolution, "channel_notify", ct)).WireName;
        }
        else if (notice.Kind == ChannelNoticeKind.Withdrawal)
        {
            var withdrawal = await db.Withdrawals.FirstOrDefaultAsync(w => w.Id == notice.OrderId && w.ChannelAccountId == account.Id, ct);
            log.Effect = withdrawal is null ? "unknown_order" : (await withdrawals.ApplyReportAsync(withdrawal, notice.Report, resolution, "channel_notify", ct)).WireName;
        }
        else
        {
            log.Effect = "not_applied_" + notice.Kind.ToString().ToLowerInvariant();
        }

        db.ChangeTracker.Clear();
        db.ChannelCallbacks.Add(log);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        activity?.SetTag("sluice.callback.effect", log.Effect);
        logger.CallbackApplied(account.Id, notice.OrderId, log.Effect);
        var answer = acknowledgement.Answer(accepted: true);
        return Results.Text(answer.Body, answer.ContentType, Encoding.UTF8, answer.StatusCode);
    }

    /// <summary>Why a notice's body breaks the <see cref="PlainText"/> rule (in its text or a form field's decoded value), or null.</summary>
    private static string? ForbiddenText(byte[] body, string? contentType)
    {
        var text = Encoding.UTF8.GetString(body);
        if (!PlainText.IsAllowed(text))
        {
            return "the body contains a control character (" + PlainText.Describe(text) + ")";
        }

        if (contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            foreach (var (key, values) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text))
            {
                if (!PlainText.IsAllowed(key) || values.Any(v => v is not null && !PlainText.IsAllowed(v)))
                {
                    return $"form field '{PlainText.Scrub(key)}' contains a control character";
                }
            }
        }

        return null;
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
