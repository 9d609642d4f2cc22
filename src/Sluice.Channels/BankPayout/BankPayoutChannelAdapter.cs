using System.Collections.Concurrent;
using System.Text.Json;
using Sluice.Channels.Contracts;
using static Sluice.Channels.BankPayout.BankPayoutProtocol;

namespace Sluice.Channels.BankPayout;

/// <summary>
/// Withdrawals to bank accounts over a generic bank payout API (protocol <c>bank</c>; wire format in
/// <see cref="BankPayoutProtocol"/> and <c>docs/channels/bank-payout.md</c>).
/// Credentials: <c>client_id</c>, <c>secret</c> (the HMAC key), <c>base_url</c>.
/// Payments, closes and refunds are not payout flows: the adapter has no interface for them, so the registry refuses them
/// (<see cref="ChannelFlowNotSupportedException"/>: failed with raw code <c>UNSUPPORTED_FLOW</c>, not taken).
/// Outcomes: <c>SUCCESS</c> + <c>ACCEPTED</c>/<c>PROCESSING</c> = pending, <c>SUCCEEDED</c> = succeeded, <c>FAILED</c> /
/// <c>RETURNED</c> = failed (raw code = the payout's <c>failure_code</c>); <c>DUPLICATE_PAYOUT</c> = unknown (query);
/// <c>SYSTEM_BUSY</c> at create = failed, not taken; an unsigned or mis-signed answer = unknown.
/// </summary>
public sealed class BankPayoutChannelAdapter(IHttpClientFactory httpClients, TimeProvider clock) : IChannelPayouts, IChannelCallbacks
{
    public static readonly string HttpClientName = ChannelTransport.HttpClientName(BankPayoutProfile.ProtocolName);

    /// <summary>Notice nonces seen within the signature window, so a captured notice cannot be replayed to this node.</summary>
    private readonly ConcurrentDictionary<string, DateTimeOffset> _noticeNonces = new(StringComparer.Ordinal);

    public async Task<ChannelReport> WithdrawAsync(ChannelAccountContext account, ChannelWithdrawRequest request, CancellationToken ct)
    {
        if (request.PayeeType != PayeeAccountType.BankAccount)
        {
            return new ChannelReport(new ChannelResult(ChannelOutcome.Failed, BankPayoutResultCodes.UnsupportedPayeeType, null, "the bank pays bank accounts only") { NotTakenByChannel = true });
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new BankPayoutRequest(
            account.Credential("client_id"), request.WithdrawalId, request.Amount, request.Currency, request.PayeeAccountNo,
            request.PayeeName, request.BankCode, request.Remark, account.NotifyUrl.ToString()), Json);
        var (answer, failure) = await CallAsync(account, HttpMethod.Post, PayoutsPath, body, ct);
        return answer is null ? new ChannelReport(failure!) : ReportFrom(answer, ChannelFlow.Withdraw);
    }

    public async Task<ChannelReport> QueryWithdrawalAsync(ChannelAccountContext account, string withdrawalId, CancellationToken ct)
    {
        var (answer, failure) = await CallAsync(account, HttpMethod.Get, PayoutsPath + "/" + Uri.EscapeDataString(withdrawalId), [], ct);
        return answer is null ? new ChannelReport(failure!) : ReportFrom(answer, ChannelFlow.WithdrawQuery);
    }

    public ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var nonce = request.Header(NonceHeader);
        var error = request.Header(ClientIdHeader) != account.Credential("client_id")
            ? Codes.ClientUnknown
            : Check(account.Credential("secret"), request.Method, account.NotifyUrl.AbsolutePath, request.Header(TimestampHeader), nonce,
                request.Header(SignatureHeader), request.Body, now);
        if (error is not null)
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("notice signature: " + error));
        }

        foreach (var seen in _noticeNonces.Where(n => now - n.Value > Window * 2).Select(n => n.Key).ToList())
        {
            _noticeNonces.TryRemove(seen, out _);
        }

        if (!_noticeNonces.TryAdd(account.AccountId + ":" + nonce, now))
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("notice nonce was used before"));
        }

        BankPayoutAnswer? notice;
        try
        {
            notice = JsonSerializer.Deserialize<BankPayoutAnswer>(request.Body, Json);
        }
        catch (JsonException)
        {
            return ValueTask.FromResult(CallbackParseResult.Rejected("unreadable notice body"));
        }

        return notice is { OutPayoutNo: { Length: > 0 } no, EventId: { Length: > 0 } eventId, Status: not null }
            ? ValueTask.FromResult(CallbackParseResult.Accepted(new ChannelNotice(ChannelNoticeKind.Withdrawal, no, ReportFrom(notice, ChannelFlow.Notify), eventId)))
            : ValueTask.FromResult(CallbackParseResult.Rejected("notice lacks out_payout_no, event_id or status"));
    }

    private static ChannelReport ReportFrom(BankPayoutAnswer answer, ChannelFlow flow)
    {
        var failed = answer.Code == Codes.Success && answer.Status is Statuses.Failed or Statuses.Returned && answer.FailureCode is { Length: > 0 };
        var code = failed ? answer.FailureCode! : answer.Code;
        var sub = answer.Code == Codes.Success ? answer.Status : null;
        var outcome = BankPayoutResultCodes.OutcomeOf(flow, code, sub);
        var message = failed ? answer.FailureMessage : answer.Message;
        return new ChannelReport(
            new ChannelResult(outcome, code, sub, message, answer.PayoutNo)
            {
                NotTakenByChannel = flow == ChannelFlow.Withdraw && code == Codes.SystemBusy,
                AnsweredFor = answer.OutPayoutNo,
            },
            answer.Amount,
            answer.Currency,
            answer.Status is Statuses.Succeeded or Statuses.Failed or Statuses.Returned ? answer.UpdatedAt?.ToUniversalTime() : null);
    }

    private async Task<(BankPayoutAnswer? Answer, ChannelResult? Failure)> CallAsync(
        ChannelAccountContext account, HttpMethod method, string path, byte[] body, CancellationToken ct)
    {
        var secret = account.Credential("secret");
        var baseUrl = new Uri(account.Credential("base_url").TrimEnd('/') + "/");
        var url = new Uri(baseUrl, path.TrimStart('/'));
        using var message = new HttpRequestMessage(method, url);
        if (method == HttpMethod.Post)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        }

        NewHeaders(account.Credential("client_id"), secret, method.Method, url.AbsolutePath, clock.GetUtcNow(), body).ApplyTo(message.Headers);
        var (http, failure) = await ChannelTransport.SendAsync(httpClients.CreateClient(HttpClientName), message, ct);
        if (http is null)
        {
            return (null, failure);
        }

        var error = Check(secret, method.Method, url.AbsolutePath, http.Header(TimestampHeader), http.Header(NonceHeader), http.Header(SignatureHeader), http.Body, clock.GetUtcNow());
        if (error is not null)
        {
            return (null, ChannelResult.Unknown(ChannelTransport.UnverifiedAnswer, $"answer {error} (HTTP {(int)http.Status})"));
        }

        try
        {
            var answer = JsonSerializer.Deserialize<BankPayoutAnswer>(http.Body, Json);
            return answer?.Code is null
                ? (null, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, "answer has no code"))
                : (answer, null);
        }
        catch (JsonException)
        {
            return (null, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, "answer is not the expected JSON"));
        }
    }
}
