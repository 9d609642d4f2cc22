using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
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
using Sluice.Server.Routing;

using static Sluice.Server.ResultCodes.ChannelAnswers;

namespace Sluice.Server.Payments;

/// <summary>The result of an API operation: a status with a body, or a problem.</summary>
public sealed record ApiOutcome(int Status, PaymentView? Payment, ProblemHttpResult? Problem)
{
    public static ApiOutcome Ok(int status, PaymentView payment) => new(status, payment, null);

    public static ApiOutcome Fail(ProblemHttpResult problem) => new(problem.StatusCode, null, problem);
}

/// <summary>The payment flows: create (choose a channel account, ask the channel), apply channel outcomes, close.</summary>
public sealed partial class PaymentService(
    SluiceDbContext db,
    ChannelAdapterRegistry adapters,
    ChannelAccountContexts accounts,
    PaymentRouter router,
    DailyLimitLedger ledger,
    ChannelHealthMonitor health,
    CardFingerprints cards,
    PaymentTransitions transitions,
    ResultCodeMap resultCodes,
    ChannelQueryBook queries,
    IdGenerator ids,
    TimeProvider clock,
    SluiceMetrics metrics,
    ILogger<PaymentService> logger)
{
    public async Task<ApiOutcome> CreateAsync(MerchantCaller caller, CreatePaymentRequest r, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var routed = await router.RouteAsync(db, caller.MerchantId, new RoutingRequest(
            ChannelBusinessType.Payment, r.PaymentMethod!, r.Amount!.Value, r.Currency!, now,
            ProductCode: r.ProductCode, Environment: r.PaymentEnvironment, BankCode: r.BankCode,
            CardType: PaymentValidation.CardTypeOf(r.CardType), CardNumberHash: cards.Of(r.CardNumber), BuyerId: r.BuyerId, SellerId: r.SellerId,
            RoutingKey: caller.AppId + "/" + r.MerchantOrderNo), ct);
        var candidates = routed.Candidates;
        var orderId = ids.Next("pay");

        // The chosen channel's daily limit is reserved before the order exists; a channel whose limit another request
        // just took is passed over for the next one before any channel is asked.
        var first = await ledger.ReserveFirstAsync(db, orderId, candidates, 0, routed.Decision.Request, ct);
        if (first < 0)
        {
            LogNoChannel(logger, caller.MerchantId, r.PaymentMethod!, r.Amount!.Value, r.Currency!,
                string.Join("; ", routed.Decision.Explain().Where(l => !l.Eligible).Select(l => $"{l.Channel}: {l.DroppedBy}")));
            return ApiOutcome.Fail(Problems.Of(422, UnifiedCode.NoChannelAvailable,
                $"No channel can take this {r.PaymentMethod} payment right now. Operators can see the reasons per channel."));
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
            await ledger.ReleaseAsync(db, orderId, CancellationToken.None);
            var winner = await FindByOrderNoAsync(caller.AppId, r.MerchantOrderNo!, ct);
            return winner is not null && SameOrder(winner, r) ? ApiOutcome.Ok(200, PaymentView.From(winner)) : DuplicateOrderNo(winner);
        }

        metrics.PaymentsCreated.Add(1, new KeyValuePair<string, object?>("channel", channel.Code));

        // The order is acknowledged from here on: a merchant hanging up must not cut the channel call.
        order = await PayWithFailoverAsync(order, candidates, first, routed.Decision.Request, CancellationToken.None);
        return ApiOutcome.Ok(201, PaymentView.From(order));
    }

    /// <summary>
    /// Asks the candidates in order. Only a definite "not taken" (connection refused, the channel busy before
    /// accepting) whose result the result-code map resolves to failed moves the still-created order to the next
    /// candidate, giving back its share of the daily limit; after any other answer, and above all after an unknown or
    /// unmapped one, the order stays with the channel that may hold it.
    /// </summary>
    private async Task<PaymentOrder> PayWithFailoverAsync(
        PaymentOrder order, IReadOnlyList<(ChannelInfo Channel, ChannelAccount Account)> candidates, int current, RoutingRequest request, CancellationToken ct)
    {
        for (var i = current; ; )
        {
            var pay = await CallPayAsync(order, candidates[i].Account, request.BuyerId, ct);
            var result = pay.Result;
            var resolution = await resultCodes.ResolveAsync(db, candidates[i].Account.Protocol, ChannelFlow.Pay, result, ct);
            var next = resolution.Effect == ChannelOutcome.Failed && result.NotTakenByChannel && i < candidates.Count - 1
                ? await ledger.ReserveNextAsync(db, order.Id, candidates, i, request, ct)
                : -1;
            if (next < 0)
            {
                await ApplyPayResultAsync(order, candidates[i].Account, pay, resolution, ct);
                return order;
            }

            var from = order.ChannelAccountId;
            var (channel, account) = candidates[next];
            order.ChannelAccountId = account.Id;
            order.ChannelCode = channel.Code;
            order.Version++;
            order.UpdatedAt = clock.GetUtcNow();
            db.PaymentEvents.Add(new PaymentEvent
            {
                PaymentId = order.Id, Kind = "failover", Source = "routing", CreatedAt = order.UpdatedAt,
                Detail = $"{from} did not take the order ({result.RawCode}); trying {account.Id} ({channel.Code})",
            });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // A notice moved the order meanwhile: it is no longer ours to re-route; answer with what is stored.
                db.ChangeTracker.Clear();
                return await db.Payments.AsNoTracking().FirstAsync(p => p.Id == order.Id, ct);
            }

            i = next;
        }
    }

    private async Task<ChannelPayResult> CallPayAsync(PaymentOrder order, ChannelAccount account, string? payerId, CancellationToken ct)
    {
        using var activity = SluiceTracing.StartChannelCall("pay", account.Protocol, account.Id, order.Id);
        var started = Stopwatch.GetTimestamp();
        ChannelPayResult pay;
        try
        {
            pay = await adapters.Payments(account.Protocol).PayAsync(accounts.For(account), new ChannelPayRequest(
                order.Id, order.Amount, order.Currency, order.Subject, order.PaymentMethod, order.ExpiresAt, order.ClientIp, order.ReturnUrl, payerId), ct);
        }
        catch (ChannelFlowNotSupportedException unsupported)
        {
            pay = new ChannelPayResult(unsupported.Result, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An adapter bug must not lose the order: it stays created with outcome unknown and will be re-queried.
            LogAdapterFault(logger, ex, order.Id, account.Protocol);
            pay = new ChannelPayResult(ChannelResult.Unknown(ChannelTransport.AdapterFault, ex.GetType().Name), null);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        health.Record(account.ChannelCode, ChannelHealthMonitor.Answered(pay.Result), elapsed);
        metrics.ChannelCallDuration.Record(elapsed.TotalMilliseconds,
            new KeyValuePair<string, object?>("protocol", account.Protocol), new KeyValuePair<string, object?>("operation", "pay"));

        activity?.SetTag("sluice.channel.outcome", pay.Result.Outcome.ToString().ToLowerInvariant());
        activity?.SetTag("sluice.channel.raw_code", pay.Result.RawCode);
        return pay;
    }

    /// <summary>Applies the channel's answer to a new order with the effect the result-code map gave it (not the adapter's own).</summary>
    private async Task ApplyPayResultAsync(PaymentOrder order, ChannelAccount account, ChannelPayResult pay, ResultResolution resolution, CancellationToken ct)
    {
        var result = pay.Result;
        void Record(PaymentOrder o)
        {
            o.RecordAnswer(result, resolution);
            o.ChannelTradeNo ??= result.ChannelReference;
        }

        switch (resolution.Effect)
        {
            case ChannelOutcome.Pending:
                // The payer has yet to pay: should the channel's notice be lost, a query (committed with this state) finds out.
                queries.Schedule(db, ChannelQueryKind.Payment, order.Id, account, order.ExpiresAt);
                await transitions.ApplyAsync(db, order, PaymentStatus.Pending, "channel_pay", result.RawCode, o =>
                {
                    Record(o);
                    o.PayUrl = pay.Action?.Value;
                    o.PayActionType = pay.Action?.Type;
                }, ct);
                break;
            case ChannelOutcome.Succeeded:
                await transitions.ApplyAsync(db, order, PaymentStatus.Succeeded, "channel_pay", result.RawCode, o =>
                {
                    Record(o);
                    o.PaidAt = clock.GetUtcNow();
                }, ct);
                break;
            case ChannelOutcome.Failed:
                await transitions.ApplyAsync(db, order, PaymentStatus.Failed, "channel_pay", result.RawCode, o =>
                {
                    Record(o);
                    o.RecordFailure(resolution);
                }, ct);
                break;
            default:
                // Unknown (or a code no rule maps): the channel may hold the order. Never fail it; keep it created for a re-query.
                Record(order);
                queries.Schedule(db, ChannelQueryKind.Payment, order.Id, account, order.ExpiresAt);
                db.PaymentEvents.Add(new PaymentEvent
                {
                    PaymentId = order.Id, Kind = resolution.Mapped ? "channel_outcome_unknown" : "unmapped_result_code", Source = "channel_pay",
                    Detail = $"{result.RawCode}/{result.RawSubCode}: {Truncate(result.RawMessage, 512)}", CreatedAt = clock.GetUtcNow(),
                });
                await SaveIgnoringRaceAsync(order, ct);
                break;
        }
    }

    public async Task<PaymentOrder?> FindAsync(string appId, string id, CancellationToken ct) =>
        await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.AppId == appId, ct);

    public Task<PaymentOrder?> FindByOrderNoAsync(string appId, string merchantOrderNo, CancellationToken ct) =>
        db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.AppId == appId && p.MerchantOrderNo == merchantOrderNo, ct);

    /// <summary>Closes an unpaid payment: at the channel first, then locally. A channel that says it is paid wins.</summary>
    public async Task<ApiOutcome> CloseAsync(MerchantCaller caller, string id, CancellationToken ct)
    {
        var order = await db.Payments.FirstOrDefaultAsync(p => p.Id == id && p.AppId == caller.AppId, ct);
        if (order is null)
        {
            return ApiOutcome.Fail(Problems.NotFound("payment"));
        }

        if (order.Status == PaymentStatus.Closed)
        {
            return ApiOutcome.Ok(200, PaymentView.From(order));
        }

        if (PaymentStateMachine.IsTerminal(order.Status))
        {
            return ApiOutcome.Fail(Problems.Of(409, UnifiedCode.PaymentNotClosable,
                $"The payment is {PaymentStateMachine.WireName(order.Status)} and cannot be closed.",
                new Dictionary<string, object?> { ["status"] = PaymentStateMachine.WireName(order.Status) }));
        }

        await CloseAtChannelAsync(order, "merchant_close", ct);
        if (order.Status == PaymentStatus.Closed)
        {
            return ApiOutcome.Ok(200, PaymentView.From(order));
        }

        return order.Status == PaymentStatus.Succeeded
            ? ApiOutcome.Fail(Problems.Of(409, UnifiedCode.PaymentNotClosable, "The payment was paid at the channel and cannot be closed.",
                new Dictionary<string, object?> { ["status"] = "succeeded" }))
            : ApiOutcome.Fail(Problems.Of(503, UnifiedCode.ChannelUnavailable, "The channel did not confirm the close; try again later.",
                new Dictionary<string, object?> { ["status"] = PaymentStateMachine.WireName(order.Status) }));
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
        var (close, closed) = await CallChannelAsync(order, account, ChannelFlow.Close, ct, ct);
        if (closed.Effect == ChannelOutcome.Succeeded)
        {
            await transitions.ApplyAsync(db, order, PaymentStatus.Closed, source, close.Result.RawCode, o => o.ClosedAt = clock.GetUtcNow(), ct);
            return Answer("close", close, closed);
        }

        var (report, seen) = await CallChannelAsync(order, account, ChannelFlow.Query, ct, ct);
        if (seen.Effect == ChannelOutcome.Succeeded)
        {
            await ApplyReportAsync(order, report, seen, "close_query", ct);
        }

        return Answer("close", close, closed) + "; " + Answer("query", report, seen);
    }

    /// <summary>
    /// Asks the channel what it holds for an order and applies the answer (the re-query worker and a merchant's live
    /// refresh). <paramref name="channelCt"/> bounds the channel call only: an answer that came is always applied.
    /// </summary>
    public async Task<string> QueryAtChannelAsync(PaymentOrder order, string source, CancellationToken channelCt, CancellationToken ct)
    {
        var account = await db.ChannelAccounts.AsNoTracking().FirstAsync(a => a.Id == order.ChannelAccountId, ct);
        var (report, seen) = await CallChannelAsync(order, account, ChannelFlow.Query, channelCt, ct);
        var effect = await ApplyReportAsync(order, report, seen, source, ct);
        return Answer("query", report, seen) + " -> " + effect;
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

    /// <summary>One close or query call to the order's channel, resolved by the result-code map for that flow.</summary>
    private async Task<(ChannelReport Report, ResultResolution Resolution)> CallChannelAsync(
        PaymentOrder order, ChannelAccount account, ChannelFlow flow, CancellationToken channelCt, CancellationToken ct)
    {
        var context = accounts.For(account);
        var reference = new ChannelOrderRef(order.Id, order.ChannelTradeNo);
        using var activity = SluiceTracing.StartChannelCall(flow == ChannelFlow.Close ? "close" : "query", account.Protocol, account.Id, order.Id);
        ChannelReport report;
        try
        {
            var payments = adapters.Payments(account.Protocol);
            report = flow == ChannelFlow.Close
                ? await payments.ClosePaymentAsync(context, reference, channelCt)
                : await payments.QueryPaymentAsync(context, reference, channelCt);
        }
        catch (ChannelFlowNotSupportedException unsupported)
        {
            report = new ChannelReport(unsupported.Result);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Only the channel call's own bound ran out: the channel's word is unknown.
            report = new ChannelReport(ChannelResult.Unknown(ChannelTransport.Timeout, "no answer within the bound"));
        }

        activity?.SetTag("sluice.channel.raw_code", report.Result.RawCode);
        return (report, await resultCodes.ResolveAsync(db, account.Protocol, flow, report.Result, ct));
    }

    private static string Answer(string operation, ChannelReport report, ResultResolution resolution) =>
        $"{operation} {report.Result.RawCode}/{report.Result.RawSubCode}: {OutcomeName(resolution.Effect)}";

    /// <summary>
    /// Applies what a channel reported (a query or a verified notice) to an order, with the effect the result-code map
    /// resolved for it (<see cref="ResultCodeMap.ResolveAsync"/>). Amount and currency must match the order before success
    /// is believed. Returns the effect for the callback log.
    /// </summary>
    public async Task<string> ApplyReportAsync(PaymentOrder order, ChannelReport report, ResultResolution resolution, string source, CancellationToken ct)
    {
        var result = report.Result;
        switch (resolution.Effect)
        {
            case ChannelOutcome.Succeeded:
                if (report.Amount is { } amount && (amount != order.Amount || !string.Equals(report.Currency ?? order.Currency, order.Currency, StringComparison.Ordinal)))
                {
                    db.PaymentEvents.Add(new PaymentEvent
                    {
                        PaymentId = order.Id, Kind = "amount_mismatch", Source = source,
                        Detail = $"channel reported {amount} {report.Currency}, order is {order.Amount} {order.Currency}", CreatedAt = clock.GetUtcNow(),
                    });
                    await db.SaveChangesAsync(ct);
                    return "amount_mismatch";
                }

                return Effect(await transitions.ApplyAsync(db, order, PaymentStatus.Succeeded, source, result.RawCode, o =>
                {
                    o.PaidAt = report.CompletedAt?.ToUniversalTime() ?? clock.GetUtcNow(); // PostgreSQL timestamptz takes UTC only
                    o.ChannelTradeNo ??= result.ChannelReference;
                    o.RecordAnswer(result, resolution);
                }, ct), order);
            case ChannelOutcome.Failed:
                return Effect(await transitions.ApplyAsync(db, order, PaymentStatus.Failed, source, result.RawCode, o =>
                {
                    o.RecordAnswer(result, resolution);
                    o.RecordFailure(resolution);
                }, ct), order);
            default:
                return resolution.Mapped ? "no_change" : "unmapped_result_code";
        }
    }


    private static string Effect(TransitionResult result, PaymentOrder order) => result switch
    {
        TransitionResult.Applied => "applied",
        TransitionResult.AlreadyThere => "duplicate",
        _ => "ignored_terminal_" + PaymentStateMachine.WireName(order.Status),
    };

    private async Task SaveIgnoringRaceAsync(PaymentOrder order, CancellationToken ct)
    {
        try
        {
            order.Version++;
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // A notice already moved the order on; the raw codes of the unknown answer are not worth more than that.
            db.ChangeTracker.Clear();
            var current = await db.Payments.AsNoTracking().FirstAsync(p => p.Id == order.Id, ct);
            order.Status = current.Status;
        }
    }

    private static bool SameOrder(PaymentOrder o, CreatePaymentRequest r) =>
        o.Amount == r.Amount && o.Currency == r.Currency && o.Subject == r.Subject && o.PaymentMethod == r.PaymentMethod;

    private static ApiOutcome DuplicateOrderNo(PaymentOrder? existing) =>
        ApiOutcome.Fail(Problems.Of(409, UnifiedCode.DuplicateOrderNo,
            "This merchant_order_no already belongs to a payment with different amount, currency, subject or method.",
            new Dictionary<string, object?> { ["payment_id"] = existing?.Id }));


    [LoggerMessage(Level = LogLevel.Information, Message = "No channel for merchant {MerchantId}: {Method} {Amount} {Currency}; dropped: {Reasons}")]
    private static partial void LogNoChannel(ILogger logger, string merchantId, string method, long amount, string currency, string reasons);

    [LoggerMessage(Level = LogLevel.Error, Message = "Channel adapter {Protocol} threw while paying {PaymentId}; outcome recorded as unknown")]
    private static partial void LogAdapterFault(ILogger logger, Exception exception, string paymentId, string protocol);
}
