using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Sluice.Client;

/// <summary>
/// The merchant API of a Sluice gateway. Get it from dependency injection after
/// <see cref="SluiceServiceCollectionExtensions.AddSluiceClient"/>, which gives its <see cref="HttpClient"/> the base
/// address, the API key, retries and request signing. Every create sends an <c>Idempotency-Key</c> (generated when not
/// given) that its retries reuse, so a retried create never makes a second order. A refusal throws
/// <see cref="SluiceApiException"/> with the problem's unified code.
/// </summary>
public sealed partial class SluiceClient
{
    /// <summary>The header that makes a create replay its first answer.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private readonly HttpClient _http;

    /// <summary>Creates the client over an <see cref="HttpClient"/> already pointed at the gateway and authenticated.</summary>
    /// <param name="http">The HTTP client (from <see cref="IHttpClientFactory"/>).</param>
    public SluiceClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    /// <summary>Creates a payment (<c>POST /v1/payments</c>); the answer is usually <c>pending</c> with a <see cref="Payment.PayAction"/>.</summary>
    /// <param name="request">The payment.</param>
    /// <param name="idempotencyKey">The key that makes a repeat of this create replay its first answer; a new one when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The payment as stored.</returns>
    public Task<Payment> CreatePaymentAsync(CreatePaymentRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync<Payment>(HttpMethod.Post, "v1/payments", request, idempotencyKey ?? NewIdempotencyKey(), cancellationToken);

    /// <summary>Gets a payment by its id (<c>GET /v1/payments/{id}</c>).</summary>
    /// <param name="id">The payment's id.</param>
    /// <param name="refresh">Whether the gateway first asks the channel about a payment not yet final.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The payment.</returns>
    public Task<Payment> GetPaymentAsync(string id, bool refresh = false, CancellationToken cancellationToken = default) =>
        SendAsync<Payment>(HttpMethod.Get, $"v1/payments/{Segment(id)}{(refresh ? "?refresh=true" : "")}", null, null, cancellationToken);

    /// <summary>Looks a payment up by the merchant order number (<c>GET /v1/payments?merchant_order_no=</c>).</summary>
    /// <param name="merchantOrderNo">The merchant order number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The payment, or null when this app has none with that number.</returns>
    public Task<Payment?> FindPaymentAsync(string merchantOrderNo, CancellationToken cancellationToken = default) =>
        FindAsync<Payment>($"v1/payments?merchant_order_no={Query(merchantOrderNo)}", cancellationToken);

    /// <summary>Closes an unpaid payment, at the channel first (<c>POST /v1/payments/{id}/close</c>).</summary>
    /// <param name="id">The payment's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The payment, <c>closed</c> (or <c>succeeded</c> when the payer paid meanwhile).</returns>
    public Task<Payment> ClosePaymentAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<Payment>(HttpMethod.Post, $"v1/payments/{Segment(id)}/close", null, null, cancellationToken);

    /// <summary>Refunds (part of) a succeeded payment (<c>POST /v1/refunds</c>).</summary>
    /// <param name="request">The refund.</param>
    /// <param name="idempotencyKey">The key that makes a repeat of this create replay its first answer; a new one when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refund as stored.</returns>
    public Task<Refund> CreateRefundAsync(CreateRefundRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync<Refund>(HttpMethod.Post, "v1/refunds", request, idempotencyKey ?? NewIdempotencyKey(), cancellationToken);

    /// <summary>Gets a refund by its id (<c>GET /v1/refunds/{id}</c>).</summary>
    /// <param name="id">The refund's id.</param>
    /// <param name="refresh">Whether the gateway first asks the channel about a pending refund.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refund.</returns>
    public Task<Refund> GetRefundAsync(string id, bool refresh = false, CancellationToken cancellationToken = default) =>
        SendAsync<Refund>(HttpMethod.Get, $"v1/refunds/{Segment(id)}{(refresh ? "?refresh=true" : "")}", null, null, cancellationToken);

    /// <summary>Looks a refund up by the merchant refund number (<c>GET /v1/refunds?merchant_refund_no=</c>).</summary>
    /// <param name="merchantRefundNo">The merchant refund number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The refund, or null when this app has none with that number.</returns>
    public Task<Refund?> FindRefundAsync(string merchantRefundNo, CancellationToken cancellationToken = default) =>
        FindAsync<Refund>($"v1/refunds?merchant_refund_no={Query(merchantRefundNo)}", cancellationToken);

    /// <summary>Pays money out of the merchant's available balance (<c>POST /v1/withdrawals</c>).</summary>
    /// <param name="request">The withdrawal.</param>
    /// <param name="idempotencyKey">The key that makes a repeat of this create replay its first answer; a new one when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The withdrawal as stored.</returns>
    public Task<Withdrawal> CreateWithdrawalAsync(CreateWithdrawalRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default) =>
        SendAsync<Withdrawal>(HttpMethod.Post, "v1/withdrawals", request, idempotencyKey ?? NewIdempotencyKey(), cancellationToken);

    /// <summary>Gets a withdrawal by its id (<c>GET /v1/withdrawals/{id}</c>).</summary>
    /// <param name="id">The withdrawal's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The withdrawal.</returns>
    public Task<Withdrawal> GetWithdrawalAsync(string id, CancellationToken cancellationToken = default) =>
        SendAsync<Withdrawal>(HttpMethod.Get, $"v1/withdrawals/{Segment(id)}", null, null, cancellationToken);

    /// <summary>Looks a withdrawal up by the merchant withdrawal number (<c>GET /v1/withdrawals?merchant_withdrawal_no=</c>).</summary>
    /// <param name="merchantWithdrawalNo">The merchant withdrawal number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The withdrawal, or null when this app has none with that number.</returns>
    public Task<Withdrawal?> FindWithdrawalAsync(string merchantWithdrawalNo, CancellationToken cancellationToken = default) =>
        FindAsync<Withdrawal>($"v1/withdrawals?merchant_withdrawal_no={Query(merchantWithdrawalNo)}", cancellationToken);

    /// <summary>The merchant's pending and available balance per currency (<c>GET /v1/balance</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The balance.</returns>
    public Task<Balance> GetBalanceAsync(CancellationToken cancellationToken = default) =>
        SendAsync<Balance>(HttpMethod.Get, "v1/balance", null, null, cancellationToken);

    /// <summary>A new idempotency key, as every create without one gets.</summary>
    /// <returns>A random key of 32 hex digits.</returns>
    public static string NewIdempotencyKey() => Guid.NewGuid().ToString("N");

    private async Task<T?> FindAsync<T>(string target, CancellationToken ct)
        where T : class
    {
        try
        {
            return await SendAsync<T>(HttpMethod.Get, target, null, null, ct).ConfigureAwait(false);
        }
        catch (SluiceApiException e) when (e.Status == HttpStatusCode.NotFound && e.Code == "not_found")
        {
            return null;
        }
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string target, object? body, string? idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(target, UriKind.Relative));
        if (body is not null)
        {
            // Bytes, not a stream: a retry sends the same content again, and the signing handler reads it each time.
            var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), SluiceJson.Options));
            content.Headers.ContentType = Json;
            request.Content = content;
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        }

        using var response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await SluiceApiException.FromResponseAsync(response, ct).ConfigureAwait(false);
        }

        var result = await JsonSerializer.DeserializeAsync<T>(
            await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), SluiceJson.Options, ct).ConfigureAwait(false);
        return result ?? throw new SluiceApiException($"Sluice answered {(int)response.StatusCode} without a body.");
    }

    private static string Segment(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return Uri.EscapeDataString(id);
    }

    private static string Query(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        return Uri.EscapeDataString(value);
    }
}
