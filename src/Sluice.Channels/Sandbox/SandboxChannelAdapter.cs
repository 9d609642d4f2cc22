using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Sluice.Security;
using static Sluice.Channels.Sandbox.SandboxProtocol;

namespace Sluice.Channels.Sandbox;

/// <summary>
/// Speaks the sandbox channel's protocol. Credentials: <c>merchant_no</c>, <c>api_secret</c>, <c>base_url</c>.
/// </summary>
public sealed class SandboxChannelAdapter(IHttpClientFactory httpClients, TimeProvider clock) : IChannelAdapter
{
    public const string ProtocolName = "sandbox";
    public const string HttpClientName = "channel-sandbox";

    public string Protocol => ProtocolName;

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

        var result = answer.Code switch
        {
            Codes.Success => new ChannelResult(ChannelOutcome.Pending, answer.Code, answer.Status, answer.Message, answer.TradeNo),
            Codes.SystemBusy => new ChannelResult(ChannelOutcome.Failed, answer.Code, null, answer.Message) { NotTakenByChannel = true },
            Codes.DuplicateOrder => new ChannelResult(ChannelOutcome.Unknown, answer.Code, null, answer.Message),
            _ => new ChannelResult(ChannelOutcome.Failed, answer.Code, null, answer.Message),
        };
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
        return new ChannelReport(new ChannelResult(outcome, answer.Code, answer.Status, answer.Message, answer.TradeNo));
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

    public ChannelCallbackAnswer AnswerCallback(bool accepted) =>
        accepted ? new ChannelCallbackAnswer(200, "text/plain", NoticeAnswer) : new ChannelCallbackAnswer(500, "text/plain", "FAIL");

    private static ChannelReport ReportFrom(SandboxAnswer answer)
    {
        if (answer.Code != Codes.Success)
        {
            var failed = answer.Code is Codes.SystemBusy ? ChannelOutcome.Unknown : ChannelOutcome.Failed;
            return new ChannelReport(new ChannelResult(failed, answer.Code, answer.Status, answer.Message, answer.TradeNo));
        }

        var outcome = answer.Status switch
        {
            Statuses.Success => ChannelOutcome.Succeeded,
            Statuses.WaitPay or Statuses.Processing => ChannelOutcome.Pending,
            Statuses.Closed or Statuses.Failed => ChannelOutcome.Failed,
            _ => ChannelOutcome.Unknown,
        };
        return new ChannelReport(
            new ChannelResult(outcome, answer.Code, answer.Status, answer.Message, answer.TradeNo),
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

        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(message, ct);
            var raw = await response.Content.ReadAsByteArrayAsync(ct);
            if ((int)response.StatusCode >= 500)
            {
                return (null, ChannelResult.Unknown($"HTTP_{(int)response.StatusCode}", "channel answered with a server error"));
            }

            var signature = response.Headers.TryGetValues(SignatureHeader, out var values) ? values.FirstOrDefault() : null;
            if (!HmacSignature.Verify(secret, signature, raw, clock.GetUtcNow(), SignatureTolerance))
            {
                return (null, ChannelResult.Unknown("UNVERIFIED_ANSWER", $"answer signature did not verify (HTTP {(int)response.StatusCode})"));
            }

            var answer = JsonSerializer.Deserialize<SandboxAnswer>(raw, Json);
            return answer is null
                ? (null, ChannelResult.Unknown("UNREADABLE_ANSWER", "empty answer"))
                : (answer, null);
        }
        catch (HttpRequestException ex) when (IsRefused(ex))
        {
            return (null, new ChannelResult(ChannelOutcome.Failed, "CONNECTION_REFUSED", null, "channel refused the connection") { NotTakenByChannel = true });
        }
        catch (HttpRequestException ex)
        {
            return (null, ChannelResult.Unknown("NETWORK_ERROR", ex.HttpRequestError.ToString()));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, ChannelResult.Unknown("TIMEOUT", "no answer within the timeout"));
        }
        catch (JsonException)
        {
            return (null, ChannelResult.Unknown("UNREADABLE_ANSWER", "answer is not the expected JSON"));
        }
    }

    private static bool IsRefused(HttpRequestException ex) =>
        ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }
        || ex.InnerException?.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
}
