namespace Sluice.Client;

/// <summary>How <see cref="SluiceClient"/> reaches the gateway, authenticates and retries.</summary>
public sealed class SluiceClientOptions
{
    /// <summary>The gateway's base address, e.g. <c>http://127.0.0.1:5080/</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The app's API key (<c>sk_test_…</c> or <c>sk_live_…</c>), sent as a bearer token.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The app's request-signing secret, when the app requires signed requests (shown once by
    /// <c>POST /admin/api/apps/{id}/request-signing</c>). When set, every attempt of every request carries a fresh
    /// <c>Sluice-Request-Signature</c> (timestamp, nonce, HMAC-SHA256); when null, requests are not signed.
    /// </summary>
    public string? RequestSigningSecret { get; set; }

    /// <summary>
    /// How often a request is retried after a network error, a timeout of an attempt, a 5xx answer or a 409
    /// <c>idempotency_request_in_progress</c> (never after any other 4xx). Default 3; 0 turns retries off.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones grow exponentially, each with random jitter. Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long one attempt may take before it is abandoned (and retried). Default 30 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The <c>Accept-Language</c> the client sends, e.g. <c>zh-CN</c> for failure messages in Simplified Chinese;
    /// null sends none (English).
    /// </summary>
    public string? AcceptLanguage { get; set; }

    /// <summary>
    /// The clock request-signature timestamps are read from (the gateway refuses one more than 5 minutes off its own);
    /// <see cref="TimeProvider.System"/> when null. Retry delays always use real time.
    /// </summary>
    public TimeProvider? Clock { get; set; }
}
