using System.Text;
using System.Text.Json;
using Sluice.Channels.Contracts;
using Sluice.Security;
using static Sluice.Channels.Sandbox.SandboxProtocol;

namespace Sluice.Channels.Sandbox;

/// <summary>
/// Speaks the sandbox channel's protocol. Credentials: <c>merchant_no</c>, <c>api_secret</c>, <c>base_url</c>.
/// </summary>
public sealed class SandboxChannelAdapter(IHttpClientFactory httpClients, TimeProvider clock) : IChannelPayments, IChannelRefunds, IChannelPayouts, IChannelCallbacks
{
    public static readonly string HttpClientName = ChannelTransport.HttpClientName(SandboxProfile.ProtocolName);

    public async Task<ChannelPayResult> PayAsync(ChannelAccountContext account, ChannelPayRequest request, CancellationToken ct)
    {
        var body = new SandboxPayRequest(
            account.Credential("merchant_no"), request.OrderId, request.Amount, request.Currency, request.Subject,
            account.NotifyUrl.ToString(), request.ReturnUrl, request.ExpiresAt.ToUnixTimeSeconds());
        var (answer, failure) = await CallAsync(account, "/sandbox/api/pay", body, ct);
        if (answer is null)
        {
            return new ChannelPayResult(failure!, null);
        }

        var result = (answer.Code switch
        {
            Codes.Success => new ChannelResult(ChannelOutcome.Pending, answer.Code, answer.Status, answer.Message, answer.TradeNo),
            Codes.SystemBusy => new ChannelResult(ChannelOutcome.Failed, answer.Code, null, answer.Message) { NotTakenByChannel = true },
            Codes.DuplicateOrder => new ChannelResult(ChannelOutcome.Unknown, answer.Code, null, answer.Message),
            _ => new ChannelResult(ChannelOutcome.Failed, answer.Code, answer.Status, answer.Message),
        }) with { AnsweredFor = answer.OutTradeNo };
        var action = answer.CashierUrl is null ? null : new PayAction("redirect", answer.CashierUrl);
        return new ChannelPayResult(result, action);
    }

    public async Task<ChannelReport> QueryPaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct)
    {
        var (answer, failure) = await CallAsync(account, "/sandbox/api/query", new SandboxOrderRequest(account.Credential("merchant_no"), order.OrderId), ct);
        return answer is null ? new ChannelReport(failure!) : ReportFrom(answer);
    }

    public async Task<ChannelReport> ClosePaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct)
    {
        var (answer, failure) = await CallAsync(account, "/sandbox/api/close", new SandboxOrderRequest(account.Credential("merchant_no"), order.OrderId), ct);
        if (answer is null)
        {
            return new ChannelReport(failure!);
        }

        var outcome = answer.Code switch
        {
            Codes.Success or Codes.OrderClosed or Codes.OrderNotExist => ChannelOutcome.Succeeded,
            Codes.SystemBusy => ChannelOutcome.Unknown,
            _ => ChannelOutcome.Failed,
        };
        return new ChannelReport(new ChannelResult(outcome, answer.Code, answer.Status, answer.Message, answer.TradeNo) { AnsweredFor = answer.OutTradeNo });
    }

    public async Task<ChannelReport> RefundAsync(ChannelAccountContext account, ChannelRefundRequest request, CancellationToken ct)
    {
        var body = new SandboxRefundRequest(account.Credential("merchant_no"), request.OrderId, request.RefundId, request.RefundAmount,
            request.Currency, account.NotifyUrl.ToString());
        var (answer, failure) = await CallAsync(account, "/sandbox/api/refund", body, ct);
        return answer is null ? new ChannelReport(failure!) : ReportFrom(answer);
    }

    public async Task<ChannelReport> QueryRefundAsync(ChannelAccountContext account, string refundId, string orderId, CancellationToken ct)
    {
        var (answer, failure) = await CallAsync(account, "/sandbox/api/refund/query", new SandboxRefundQuery(account.Credential("merchant_no"), refundId), ct);
        return answer is null ? new ChannelReport(failure!) : ReportFrom(answer);
    }

    public async Task<ChannelReport> WithdrawAsync(ChannelAccountContext account, ChannelWithdrawRequest request, CancellationToken ct)
    {
        var body = new SandboxPayoutRequest(account.Credential("merchant_no"), request.WithdrawalId, request.Amount, request.Currency,
            request.PayeeType == PayeeAccountType.BankAccount ? "bank" : "wallet", request.PayeeAccountNo, request.PayeeName,
            request.BankCode, account.NotifyUrl.ToString());
        var (answer, failure) = await CallAsync(account, "/sandbox/api/payout", body, ct);
        return answer is null ? new ChannelReport(failure!) : ReportFrom(answer);
    }

    public async Task<ChannelReport> QueryWithdrawalAsync(ChannelAccountContext account, string withdrawalId, CancellationToken ct)
    {
        var (answer, failure) = await CallAsync(account, "/sandbox/api/payout/query", new SandboxPayoutQuery(account.Credential("merchant_no"), withdrawalId), ct);
        return answer is null ? new ChannelReport(failure!) : ReportFrom(answer);
    }

    public ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct)
    {
        if (!HmacSignature.Verify(account.Credential("api_secret"), request.Header(SignatureHeader), request.Body, clock.GetUtcNow(), SignatureTolerance))
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("signature verification failed"));
        }

        SandboxAnswer? notice;
        try
        {
            notice = JsonSerializer.Deserialize<SandboxAnswer>(request.Body, Json);
        }
        catch (JsonException)
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("unreadable notice body"));
        }

        if (notice?.OutTradeNo is null || notice.NotifyId is null || notice.Kind is null)
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("notice lacks out_trade_no, notify_id or kind"));
        }

        var kind = notice.Kind switch
        {
            "payment" => ChannelNoticeKind.Payment,
            "refund" => ChannelNoticeKind.Refund,
            "payout" => ChannelNoticeKind.Withdrawal,
            _ => (ChannelNoticeKind?)null,
        };
        return kind is null
            ? ValueTask.FromResult(CallbackParseResult.Rejected($"unknown notice kind '{notice.Kind}'"))
            : ValueTask.FromResult(CallbackParseResult.Accepted(new ChannelNotice(kind.Value, notice.OutTradeNo, ReportFrom(notice), notice.NotifyId)));
    }

    private static ChannelReport ReportFrom(SandboxAnswer answer)
    {
        if (answer.Code != Codes.Success)
        {
            var failed = answer.Code is Codes.SystemBusy ? ChannelOutcome.Unknown : ChannelOutcome.Failed;
            return new ChannelReport(new ChannelResult(failed, answer.Code, answer.Status, answer.Message, answer.TradeNo) { AnsweredFor = answer.OutTradeNo });
        }

        var outcome = answer.Status switch
        {
            Statuses.Success => ChannelOutcome.Succeeded,
            Statuses.WaitPay or Statuses.Processing => ChannelOutcome.Pending,
            Statuses.Closed or Statuses.Failed => ChannelOutcome.Failed,
            _ => ChannelOutcome.Unknown,
        };
        return new ChannelReport(
            new ChannelResult(outcome, answer.Code, answer.Status, answer.Message, answer.TradeNo) { AnsweredFor = answer.OutTradeNo },
            answer.Amount,
            answer.Currency,
            answer.CompletedAt is { } at ? DateTimeOffset.FromUnixTimeSeconds(at) : null);
    }

    private async Task<(SandboxAnswer? Answer, ChannelResult? Failure)> CallAsync<T>(ChannelAccountContext account, string path, T body, CancellationToken ct)
    {
        var secret = account.Credential("api_secret");
        var baseUrl = new Uri(account.Credential("base_url").TrimEnd('/') + "/");
        var payload = JsonSerializer.SerializeToUtf8Bytes(body, Json);
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl, path.TrimStart('/')))
        {
            Content = new ByteArrayContent(payload),
        };
        message.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        message.Headers.TryAddWithoutValidation(SignatureHeader, HmacSignature.Sign(secret, clock.GetUtcNow().ToUnixTimeSeconds(), payload));

        var (http, failure) = await ChannelTransport.SendAsync(httpClients.CreateClient(HttpClientName), message, ct);
        if (http is null)
        {
            return (null, failure);
        }

        if (!HmacSignature.Verify(secret, http.Header(SignatureHeader), http.Body, clock.GetUtcNow(), SignatureTolerance))
        {
            return (null, ChannelResult.Unknown(ChannelTransport.UnverifiedAnswer, $"answer signature did not verify (HTTP {(int)http.Status})"));
        }

        try
        {
            var answer = JsonSerializer.Deserialize<SandboxAnswer>(http.Body, Json);
            return answer is null
                ? (null, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, "empty answer"))
                : (answer, null);
        }
        catch (JsonException)
        {
            return (null, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, "answer is not the expected JSON"));
        }
    }
}
