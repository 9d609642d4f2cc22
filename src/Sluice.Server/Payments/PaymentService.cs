using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Payments;
using Sluice.Routing;
using Sluice.Security;
using Sluice.Server.Api;
using Sluice.Server.Auth;
using Sluice.Server.ChannelAccounts;
using Sluice.Server.Hosting;
using Sluice.Server.Requery;
using Sluice.Server.ResultCodes;
using Sluice.Server.Orders;
using Sluice.Server.Routing;

using static Sluice.Server.ResultCodes.ChannelAnswers;

namespace Sluice.Server.Payments;

/// <summary>The payment flows: create (choose a channel account, ask the channel), apply channel outcomes, close.</summary>
public sealed class PaymentService(
    SluiceDbContext db,
    PaymentRouter router,
    DailyLimitLedger ledger,
    ChannelCaller channels,
    ChannelFailover failover,
    CardFingerprints cards,
    OrderTransitions<PaymentOrder, PaymentStatus> orders,
    ChannelQueryBook queries,
    IdGenerator ids,
    TimeProvider clock,
    SluiceMetrics metrics,
    ILogger<PaymentService> logger)
{
    public async Task<OrderResult<PaymentOrder>> CreateAsync(MerchantCaller caller, CreatePaymentRequest r, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var routed = await router.RouteAsync(caller.MerchantId, new RoutingRequest(
            ChannelBusinessType.Payment, r.PaymentMethod!, r.Amount!.Value, r.Currency!, now,
            ProductCode: r.ProductCode, Environment: r.PaymentEnvironment, BankCode: r.BankCode,
            CardType: PaymentValidation.CardTypeOf(r.CardType), CardNumberHash: cards.Of(r.CardNumber), BuyerId: r.BuyerId, SellerId: r.SellerId,
            RoutingKey: caller.AppId + "/" + r.MerchantOrderNo), ct);
        var candidates = routed.Candidates;
        var orderId = ids.Next("pay");

        // The chosen channel's daily limit is reserved before the order exists; a channel whose limit another request
        // just took is passed over for the next one before any channel is asked.
        var first = await ledger.ReserveFirstAsync(orderId, candidates, 0, routed.Decision.Request, ct);
        if (first < 0)
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.NoChannelForPayment(caller.MerchantId, r.PaymentMethod!, r.Amount!.Value, r.Currency!,
                    string.Join("; ", routed.Decision.Explain().Where(l => !l.Eligible).Select(l => $"{l.Channel}: {l.DroppedBy}")));
            }

            return Refusal.Of(RefusalKind.Unprocessable, UnifiedCode.NoChannelAvailable,
                $"No channel can take this {r.PaymentMethod} payment right now. Operators can see the reasons per channel.");
        }

        var (channel, account) = candidates[first];
        var order = new PaymentOrder
        {
            Id = orderId,
            AppId = caller.AppId,
            MerchantId = caller.MerchantId,
            MerchantOrderNo = r.MerchantOrderNo!,
            Amount = r.Amount!.Value,
            Currency = r.Currency!,
            Subject = r.Subject!,
            PaymentMethod = r.PaymentMethod!,
            NotifyUrl = r.NotifyUrl,
            ReturnUrl = r.ReturnUrl,
            ClientIp = r.ClientIp,
            MetadataJson = r.Metadata is null ? null : JsonSerializer.Serialize(r.Metadata),
            Status = PaymentStatus.Created,
            ChannelCode = channel.Code,
            ChannelAccountId = account.Id,
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now.AddSeconds(r.ExpiresInSeconds ?? PaymentValidation.DefaultExpirySeconds),
        };

        // Committed before the channel hears of the order, so an order the channel holds is never unknown here; the
        // routing decision is stored with it in the same transaction, so a crash during the channel call loses neither.
        // Its "created" timeline entry is the row itself.
        db.Payments.Add(order);
        db.PaymentRouting.Add(routed.RecordFor(order.Id, now));

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
        {
            // This order number exists (a retry, or a concurrent request won): answer like a retry of that request.
            db.ChangeTracker.Clear();
            await ledger.ReleaseAsync(orderId, CancellationToken.None);
            var winner = await FindByOrderNoAsync(caller.AppId, r.MerchantOrderNo!, ct);
            return winner is not null && SameOrder(winner, r) ? OrderResult<PaymentOrder>.Ok(winner) : DuplicateOrderNo(winner);
        }

        metrics.PaymentsCreated.Add(1, new KeyValuePair<string, object?>("channel", channel.Code));

        // The order is acknowledged from here on: a merchant hanging up must not cut the channel call.
        order = await PayWithFailoverAsync(order, routed, first, CancellationToken.None);
        return OrderResult<PaymentOrder>.New(order);
    }

    /// <summary>Asks the routed candidates in order (<see cref="ChannelFailover"/>) and applies the last answer.</summary>
    private async Task<PaymentOrder> PayWithFailoverAsync(PaymentOrder order, RoutedRequest routed, int current, CancellationToken ct)
    {
        var request = new ChannelPayRequest(order.Id, order.Amount, order.Currency, order.Subject, order.PaymentMethod, order.ExpiresAt,
            order.ClientIp, order.ReturnUrl, routed.Decision.Request.BuyerId);
        var last = await failover.RunAsync(orders, order, routed, current, account => channels.PayAsync(account, request, ct), ct);
        if (last is not null)
        {
            await ApplyPayAnswerAsync(order, last.Account, last.Answer, ct);
        }

        return order;
    }

    /// <summary>Applies the channel's answer to a new order with the effect the result-code map gave it (not the adapter's own).</summary>
    private async Task ApplyPayAnswerAsync(PaymentOrder order, ChannelAccount account, ChannelAnswer<ChannelPayResult> answer, CancellationToken ct)
    {
        var (pay, result, resolution) = answer;
        void Record(PaymentOrder o)
        {
            o.RecordAnswer(result, resolution);
            o.ChannelTradeNo ??= result.ChannelReference;
        }

        switch (resolution.Effect)
        {
            case ChannelOutcome.Pending:
                // The payer has yet to pay: should the channel's notice be lost, a query (committed with this state) finds out.
                queries.Schedule(ChannelQueryKind.Payment, order.Id, account, order.ExpiresAt);
                await orders.ApplyAsync(order, new(PaymentStatus.Pending, "channel_pay", result.RawCode), o =>
                {
                    Record(o);
                    o.PayUrl = pay.Action?.Value;
                    o.PayActionType = pay.Action?.Type;
                }, ct);
                break;
            case ChannelOutcome.Succeeded:
                // A pay answer carries no amount, and a success is believed only for the order's amount: the channel
                // took the order, and its query (or notice), which names the amount, settles it.
                queries.Schedule(ChannelQueryKind.Payment, order.Id, account, order.ExpiresAt);
                orders.Note(order, OrderTransitions<PaymentOrder, PaymentStatus>.AmountMismatchEvent, "channel_pay",
                    orders.AmountDisagreement(order, new ChannelReport(result), amountRequired: true));
                await orders.ApplyAsync(order, new(PaymentStatus.Pending, "channel_pay", result.RawCode), o =>
                {
                    Record(o);
                    o.PayUrl = pay.Action?.Value;
                    o.PayActionType = pay.Action?.Type;
                }, ct);
                break;
            case ChannelOutcome.Failed:
                await orders.ApplyAsync(order, new(PaymentStatus.Failed, "channel_pay", result.RawCode), o =>
                {
                    Record(o);
                    o.RecordFailure(resolution);
                }, ct);
                break;
            default:
                // Unknown (or a code no rule maps): the channel may hold the order. Never fail it; keep it created for a re-query.
                Record(order);
                queries.Schedule(ChannelQueryKind.Payment, order.Id, account, order.ExpiresAt);
                orders.NoteUnknown(order, "channel_pay", result, resolution);
                await orders.SaveAsync(order, ct);
                break;
        }
    }

    public async Task<PaymentOrder?> FindAsync(string appId, string id, CancellationToken ct) =>
        await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.AppId == appId, ct);

    public Task<PaymentOrder?> FindByOrderNoAsync(string appId, string merchantOrderNo, CancellationToken ct) =>
        db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.AppId == appId && p.MerchantOrderNo == merchantOrderNo, ct);

    /// <summary>Closes an unpaid payment: at the channel first, then locally. A channel that says it is paid wins.</summary>
    public async Task<OrderResult<PaymentOrder>> CloseAsync(MerchantCaller caller, string id, CancellationToken ct)
    {
        var order = await db.Payments.FirstOrDefaultAsync(p => p.Id == id && p.AppId == caller.AppId, ct);
        if (order is null)
        {
            return Refusal.NotFound("payment");
        }

        if (order.Status == PaymentStatus.Closed)
        {
            return OrderResult<PaymentOrder>.Ok(order);
        }

        if (PaymentStateMachine.IsTerminal(order.Status))
        {
            return Refusal.Of(RefusalKind.Conflict, UnifiedCode.PaymentNotClosable,
                $"The payment is {PaymentStateMachine.WireName(order.Status)} and cannot be closed.",
                new Dictionary<string, object?> { ["payment_status"] = PaymentStateMachine.WireName(order.Status) });
        }

        await CloseAtChannelAsync(order, "merchant_close", ct);
        if (order.Status == PaymentStatus.Closed)
        {
            return OrderResult<PaymentOrder>.Ok(order);
        }

        return order.Status == PaymentStatus.Succeeded
            ? Refusal.Of(RefusalKind.Conflict, UnifiedCode.PaymentNotClosable, "The payment was paid at the channel and cannot be closed.",
                new Dictionary<string, object?> { ["payment_status"] = "succeeded" })
            : Refusal.Of(RefusalKind.Unavailable, UnifiedCode.ChannelUnavailable, "The channel did not confirm the close; try again later.",
                new Dictionary<string, object?> { ["payment_status"] = PaymentStateMachine.WireName(order.Status) });
    }

    /// <summary>
    /// Closes an unpaid order at the channel first, then locally (the merchant's close, and the expiry of an unpaid
    /// order). A close the channel does not confirm may mean the order is paid: the channel is asked what it holds and
    /// a success is followed; otherwise the order stays as it is, never closed locally without the channel's word.
    /// Returns the channel's answers, for the re-query log.
    /// </summary>
    public async Task<string> CloseAtChannelAsync(PaymentOrder order, string source, CancellationToken ct)
    {
        var account = await db.ChannelAccounts.AsNoTracking().FirstAsync(a => a.Id == order.ChannelAccountId, ct);
        var reference = new ChannelOrderRef(order.Id, order.ChannelTradeNo);
        var close = await channels.ClosePaymentAsync(account, reference, ct, ct);
        if (close.Resolution.Effect == ChannelOutcome.Succeeded)
        {
            await orders.ApplyAsync(order, new(PaymentStatus.Closed, source, close.Result.RawCode), o => o.ClosedAt = clock.GetUtcNow(), ct);
            return Answer("close", close);
        }

        var seen = await channels.QueryPaymentAsync(account, reference, ct, ct);
        if (seen.Resolution.Effect == ChannelOutcome.Succeeded)
        {
            await ApplyReportAsync(order, seen.Value, seen.Resolution, "close_query", ct);
        }

        return Answer("close", close) + "; " + Answer("query", seen);
    }

    /// <summary>
    /// Asks the channel what it holds for an order and applies the answer (the re-query worker and a merchant's live
    /// refresh). <paramref name="channelCt"/> bounds the channel call only: an answer that came is always applied.
    /// </summary>
    public async Task<string> QueryAtChannelAsync(PaymentOrder order, string source, CancellationToken channelCt, CancellationToken ct)
    {
        var account = await db.ChannelAccounts.AsNoTracking().FirstAsync(a => a.Id == order.ChannelAccountId, ct);
        var seen = await channels.QueryPaymentAsync(account, new ChannelOrderRef(order.Id, order.ChannelTradeNo), channelCt, ct);
        var effect = await ApplyReportAsync(order, seen.Value, seen.Resolution, source, ct);
        return Answer("query", seen) + " -> " + effect.WireName;
    }

    /// <summary>A merchant's live re-query: a payment not yet terminal is asked about at the channel, within <paramref name="timeout"/>.</summary>
    public async Task<PaymentOrder?> RefreshAsync(string appId, string id, TimeSpan timeout, CancellationToken ct)
    {
        var order = await db.Payments.FirstOrDefaultAsync(p => p.Id == id && p.AppId == appId, ct);
        if (order is null || PaymentStateMachine.IsTerminal(order.Status))
        {
            return order;
        }

        using var deadline = new CancellationTokenSource(timeout, clock);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        await QueryAtChannelAsync(order, "merchant_refresh", bounded.Token, ct);
        return order;
    }

    private static string Answer(string operation, ChannelAnswer<ChannelReport> answer) =>
        $"{operation} {answer.Result.RawCode}/{answer.Result.RawSubCode}: {OutcomeName(answer.Resolution.Effect)}";

    /// <summary>
    /// Applies what a channel reported (a query or a verified notice) to an order, with the effect the result-code map
    /// resolved for it (<see cref="ResultCodeMap.ResolveAsync"/>). Amount and currency must match the order before success
    /// is believed (a success without a readable amount is not: the order stays open for its re-query). Returns the effect
    /// for the callback log.
    /// </summary>
    public async Task<ReportOutcome> ApplyReportAsync(PaymentOrder order, ChannelReport report, ResultResolution resolution, string source, CancellationToken ct)
    {
        var result = report.Result;
        switch (resolution.Effect)
        {
            case ChannelOutcome.Succeeded:
                return await orders.RefuseMismatchedAmountAsync(order, report, source, amountRequired: true, ct)
                    ?? await orders.ReportAsync(order, new(PaymentStatus.Succeeded, source, result.RawCode), o =>
                    {
                        o.PaidAt = report.CompletedAt?.ToUniversalTime() ?? clock.GetUtcNow(); // PostgreSQL timestamptz takes UTC only
                        o.ChannelTradeNo ??= result.ChannelReference;
                        o.RecordAnswer(result, resolution);
                    }, ct);
            case ChannelOutcome.Failed:
                return await orders.ReportAsync(order, new(PaymentStatus.Failed, source, result.RawCode), o =>
                {
                    o.RecordAnswer(result, resolution);
                    o.RecordFailure(resolution);
                }, ct);
            default:
                return orders.Unchanged(order, resolution);
        }
    }

    private static bool SameOrder(PaymentOrder o, CreatePaymentRequest r) =>
        o.Amount == r.Amount && o.Currency == r.Currency && o.Subject == r.Subject && o.PaymentMethod == r.PaymentMethod;

    private static OrderResult<PaymentOrder> DuplicateOrderNo(PaymentOrder? existing) =>
        Refusal.Of(RefusalKind.Conflict, UnifiedCode.DuplicateOrderNo,
            "This merchant_order_no already belongs to a payment with different amount, currency, subject or method.",
            new Dictionary<string, object?> { ["payment_id"] = existing?.Id });
}
