using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sluice.Channels.BankPayout;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.BankPayout.BankPayoutProtocol;

namespace Sluice.Simulator.Channels.BankPayout;

/// <summary>
/// Plays a bank's corporate payout API (protocol in <see cref="BankPayoutProtocol"/>): <c>POST /v1/payouts</c>,
/// <c>GET /v1/payouts/{out_payout_no}</c>, signed notices to <c>notify_url</c> (any 2xx acknowledges; resent after
/// 15 s, 1, 5, 30 min, 2 h and 6 h). Requests are checked for the client, signature, ±5 minute timestamp and a nonce
/// not seen before. A payout is <c>ACCEPTED</c> until the control API completes it, unless a behaviour decides:
/// approve (succeeds at once), decline (refused with the code), insufficient_balance (422), payer_account_closed
/// (accepted, then failed with <c>ACCOUNT_CLOSED</c>).
/// Control: <c>POST /control/bankpayout/clients {client_id}</c> (returns the HMAC secret),
/// <c>POST /control/bankpayout/payouts/{no}/complete {status, failure_code?}</c>, <c>POST …/{no}/approve</c>,
/// <c>GET /control/bankpayout/statements/{client_id}/{yyyy-MM-dd}</c> (CSV).
/// </summary>
public sealed class BankPayoutSimulator(MerchantRegistry merchants, AnswerBehaviours behaviours, CallbackSender callbacks, TimeProvider clock) : ISimulatedChannel
{
    public const string ChannelName = "bankpayout";

    private readonly ConcurrentDictionary<(string ClientId, string OutPayoutNo), SimulatedPayout> _payouts = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);

    /// <summary>Authenticated requests per <c>out_payout_no</c>: how often a client asked to make it and to query it.</summary>
    private readonly ConcurrentDictionary<string, RequestCounts> _requests = new(StringComparer.Ordinal);
    private long _next;

    public string Name => ChannelName;

    public IReadOnlyList<TimeSpan> CallbackRetrySchedule { get; } =
    [
        TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(6),
    ];

    public void MapEndpoints(IEndpointRouteBuilder routes)
    {
        routes.MapPost(PayoutsPath, CreateAsync);
        routes.MapGet(PayoutsPath + "/{outPayoutNo}", QueryAsync);

        var control = routes.MapGroup("/control/bankpayout");
        control.MapPost("/clients", (ClientRequest request) =>
        {
            var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            merchants.Register(new SimulatedMerchant(ChannelName, request.ClientId, new Dictionary<string, string> { ["hmac_secret"] = secret }));
            return Results.Ok(new { client_id = request.ClientId, secret });
        });
        control.MapPost("/payouts/{no}/complete", (string no, CompleteRequest request) =>
            Find(no) is { } payout ? Results.Ok(View(Move(payout, request.Status, request.FailureCode, request.FailureMessage))) : Results.NotFound());
        control.MapPost("/payouts/{no}/approve", (string no) =>
            Find(no) is { } payout ? Results.Ok(View(Move(payout, Statuses.Succeeded, null, null))) : Results.NotFound());
        control.MapGet("/payouts/{no}", (string no) => Find(no) is { } payout ? Results.Ok(View(payout)) : Results.NotFound());
        control.MapGet("/payouts/{no}/requests", (string no) =>
            Results.Ok(_requests.TryGetValue(no, out var counts) ? new { creates = counts.Creates, queries = counts.Queries } : new { creates = 0, queries = 0 }));
        control.MapGet("/statements/{clientId}/{date}", (string clientId, string date) => Results.Text(Statement(clientId, date), "text/csv", Encoding.UTF8));
    }

    private async Task<IResult> CreateAsync(HttpRequest request, CancellationToken ct)
    {
        var (body, client, refusal) = await AuthenticateAsync(request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        BankPayoutRequest? payout;
        try
        {
            payout = JsonSerializer.Deserialize<BankPayoutRequest>(body, Json);
        }
        catch (JsonException)
        {
            payout = null;
        }

        if (payout is null || payout.ClientId != client!.MerchantId || string.IsNullOrWhiteSpace(payout.OutPayoutNo) || payout.Amount <= 0
            || string.IsNullOrWhiteSpace(payout.AccountNo) || string.IsNullOrWhiteSpace(payout.AccountName) || payout.Currency.Length != 3)
        {
            return Answer(request, client!, 400, new BankPayoutAnswer(Codes.InvalidRequest, "client_id, out_payout_no, amount, currency, account_no and account_name are required"));
        }

        var key = payout.OutPayoutNo;
        Interlocked.Increment(ref _requests.GetOrAdd(key, _ => new RequestCounts()).Creates);
        if (behaviours.Decline(ChannelName, key) is { } decline)
        {
            var code = decline.Code ?? Codes.LimitExceeded;
            return await AnsweredAsync(request, client, key, code == Codes.SystemBusy ? 429 : 422, new BankPayoutAnswer(code, decline.Message ?? code), ct);
        }

        if (behaviours.Take(ChannelName, key, BehaviourAction.InsufficientBalance) is not null)
        {
            return await AnsweredAsync(request, client, key, 422, new BankPayoutAnswer(Codes.InsufficientBalance, "the payout account's balance is insufficient"), ct);
        }

        var created = new SimulatedPayout(client.MerchantId, payout, "BP" + clock.GetUtcNow().ToString("yyyyMMdd", CultureInfo.InvariantCulture)
            + Interlocked.Increment(ref _next).ToString("D10", CultureInfo.InvariantCulture), clock.GetUtcNow());
        var stored = _payouts.GetOrAdd((client.MerchantId, payout.OutPayoutNo), created);
        if (!ReferenceEquals(stored, created))
        {
            return await AnsweredAsync(request, client, key, 409, View(stored) with { Code = Codes.DuplicatePayout, Message = "out_payout_no exists" }, ct);
        }

        if (behaviours.Take(ChannelName, key, BehaviourAction.PayerAccountClosed) is not null)
        {
            Move(stored, Statuses.Failed, Codes.AccountClosed, "the payee's account is closed");
        }
        else if (behaviours.Take(ChannelName, key, BehaviourAction.Approve) is not null)
        {
            Move(stored, Statuses.Succeeded, null, null);
        }

        return await AnsweredAsync(request, client, key, 200, View(stored), ct);
    }

    private async Task<IResult> QueryAsync(string outPayoutNo, HttpRequest request, CancellationToken ct)
    {
        var (_, client, refusal) = await AuthenticateAsync(request, ct);
        if (refusal is not null)
        {
            return refusal;
        }

        Interlocked.Increment(ref _requests.GetOrAdd(outPayoutNo, _ => new RequestCounts()).Queries);
        return _payouts.TryGetValue((client!.MerchantId, outPayoutNo), out var payout)
            ? await AnsweredAsync(request, client, outPayoutNo, 200, View(payout), ct)
            : await AnsweredAsync(request, client, outPayoutNo, 404, new BankPayoutAnswer(Codes.PayoutNotFound, "no such payout", outPayoutNo), ct);
    }

    /// <summary>Reads the body and checks client, signature, timestamp window and nonce; a refusal is answered signed when the client is known.</summary>
    private async Task<(byte[] Body, SimulatedMerchant? Client, IResult? Refusal)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        var body = buffer.ToArray();
        var client = merchants.Find(ChannelName, request.Headers[ClientIdHeader].ToString());
        if (client?.Setting("hmac_secret") is not { } secret)
        {
            return (body, null, Results.Json(new BankPayoutAnswer(Codes.ClientUnknown, "unknown X-Client-Id"), Json, statusCode: 401));
        }

        var nonce = request.Headers[NonceHeader].ToString();
        var now = clock.GetUtcNow();
        var error = Check(secret, request.Method, request.Path.Value ?? "", request.Headers[TimestampHeader].ToString(), nonce, request.Headers[SignatureHeader].ToString(), body, now);
        if (error is null)
        {
            foreach (var old in _nonces.Where(n => now - n.Value > Window * 2).Select(n => n.Key).ToList())
            {
                _nonces.TryRemove(old, out _);
            }

            if (!_nonces.TryAdd(client.MerchantId + ":" + nonce, now))
            {
                error = Codes.NonceReused;
            }
        }

        return error is null ? (body, client, null) : (body, client, Answer(request, client, 401, new BankPayoutAnswer(error, "request authentication failed")));
    }

    private async Task<IResult> AnsweredAsync(HttpRequest request, SimulatedMerchant client, string key, int status, BankPayoutAnswer answer, CancellationToken ct) =>
        await behaviours.BeforeAnswerAsync(ChannelName, key, ct)
            ?? Answer(request, client, status, behaviours.AnotherOrder(ChannelName, key) is { } other ? answer with { OutPayoutNo = other } : answer);

    /// <summary>An answer signed with the method and path of the request it answers.</summary>
    private SignedResult Answer(HttpRequest request, SimulatedMerchant client, int status, BankPayoutAnswer answer)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(answer, Json);
        var headers = NewHeaders(client.MerchantId, client.Setting("hmac_secret")!, request.Method, request.Path.Value ?? "", clock.GetUtcNow(), body);
        return new SignedResult(status, body, headers);
    }

    private SimulatedPayout? Find(string no) => _payouts.Values.FirstOrDefault(p => p.Request.OutPayoutNo == no || p.PayoutNo == no);

    /// <summary>Moves a payout to a new status and notifies the client. A succeeded payout may still be returned.</summary>
    private SimulatedPayout Move(SimulatedPayout payout, string status, string? failureCode, string? failureMessage)
    {
        lock (payout)
        {
            var allowed = payout.Status switch
            {
                Statuses.Accepted or Statuses.Processing => status is Statuses.Processing or Statuses.Succeeded or Statuses.Failed,
                Statuses.Succeeded => status == Statuses.Returned,
                _ => false,
            };
            if (!allowed)
            {
                return payout;
            }

            payout.Status = status;
            payout.FailureCode = status switch
            {
                Statuses.Failed => failureCode ?? Codes.InvalidAccount,
                Statuses.Returned => failureCode ?? Codes.ReturnedByBank,
                _ => null,
            };
            payout.FailureMessage = payout.FailureCode is null ? null : failureMessage ?? payout.FailureCode;
            payout.UpdatedAt = clock.GetUtcNow();
        }

        if (Uri.TryCreate(payout.Request.NotifyUrl, UriKind.Absolute, out var url))
        {
            var eventId = "evt_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
            var notice = View(payout) with { EventId = eventId, EventType = "payout.updated" };
            var secret = merchants.Find(ChannelName, payout.ClientId)?.Setting("hmac_secret") ?? "";
            callbacks.Enqueue(new SimulatedCallback(ChannelName, payout.Request.OutPayoutNo, "payout", url, forged =>
            {
                var body = JsonSerializer.SerializeToUtf8Bytes(notice, Json);
                var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                message.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
                NewHeaders(payout.ClientId, forged ? "forged-" + secret : secret, "POST", url.AbsolutePath, clock.GetUtcNow(), body).ApplyTo(message.Headers);
                return message;
            }, (status, _) => status is >= 200 and < 300, CallbackRetrySchedule));
        }

        return payout;
    }

    private static BankPayoutAnswer View(SimulatedPayout p) => new(
        Codes.Success, null, p.Request.OutPayoutNo, p.PayoutNo, p.Status, p.Request.Amount, p.Request.Currency, p.FailureCode, p.FailureMessage, p.UpdatedAt);

    /// <summary>The day's payouts of a client (by last update, UTC) as CSV; account numbers masked to their last 4 digits.</summary>
    private string Statement(string clientId, string date)
    {
        var csv = new StringBuilder("payout_no,out_payout_no,amount,currency,status,failure_code,account_no,bank_code,updated_at\n");
        foreach (var p in _payouts.Values.Where(p => p.ClientId == clientId && p.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) == date)
                     .OrderBy(p => p.PayoutNo, StringComparer.Ordinal))
        {
            var account = p.Request.AccountNo.Length > 4 ? new string('*', p.Request.AccountNo.Length - 4) + p.Request.AccountNo[^4..] : p.Request.AccountNo;
            csv.Append(CultureInfo.InvariantCulture,
                $"{p.PayoutNo},{p.Request.OutPayoutNo},{p.Request.Amount},{p.Request.Currency},{p.Status},{p.FailureCode},{account},{p.Request.BankCode},{p.UpdatedAt:yyyy-MM-ddTHH:mm:ssZ}\n");
        }

        return csv.ToString();
    }

    public sealed record ClientRequest(string ClientId);

    private sealed class RequestCounts
    {
        public int Creates;
        public int Queries;
    }

    public sealed record CompleteRequest(string Status, string? FailureCode, string? FailureMessage);

    private sealed class SignedResult(int status, byte[] body, SignedHeaders headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "application/json; charset=utf-8";
            response.Headers[ClientIdHeader] = headers.ClientId;
            response.Headers[TimestampHeader] = headers.Timestamp;
            response.Headers[NonceHeader] = headers.Nonce;
            response.Headers[SignatureHeader] = headers.Signature;
            return response.Body.WriteAsync(body).AsTask();
        }
    }
}

internal sealed class SimulatedPayout(string clientId, BankPayoutRequest request, string payoutNo, DateTimeOffset at)
{
    public string ClientId { get; } = clientId;
    public BankPayoutRequest Request { get; } = request;
    public string PayoutNo { get; } = payoutNo;
    public string Status { get; set; } = BankPayoutProtocol.Statuses.Accepted;
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = at;
}
