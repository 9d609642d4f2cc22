using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Sluice.Client;

/// <summary>
/// Signs every attempt of a request when <see cref="SluiceClientOptions.RequestSigningSecret"/> is set:
/// <c>Sluice-Request-Signature: t={unix seconds},nonce={nonce},v1={hex(HMAC-SHA256(secret, message))}</c> where the message
/// is <c>"{METHOD}\n{path with query}\n{t}\n{nonce}\n"</c> followed by the raw body. It sits inside the retry handler,
/// so a retry gets a fresh nonce (the gateway accepts a nonce once).
/// </summary>
public sealed class SluiceRequestSigningHandler : DelegatingHandler
{
    /// <summary>The header the signature travels in.</summary>
    public const string Header = "Sluice-Request-Signature";

    private readonly IOptions<SluiceClientOptions> _options;

    /// <summary>Creates the handler.</summary>
    /// <param name="options">The client's options (the signing secret and the clock).</param>
    public SluiceRequestSigningHandler(IOptions<SluiceClientOptions> options)
    {
        _options = options;
    }

    /// <summary>Computes the header value for one request (exposed for merchants who sign by other means).</summary>
    /// <param name="secret">The app's request-signing secret.</param>
    /// <param name="method">The HTTP method.</param>
    /// <param name="pathAndQuery">The request target as sent, e.g. <c>/v1/payments?merchant_order_no=A-1</c>.</param>
    /// <param name="unixSeconds">The timestamp.</param>
    /// <param name="nonce">16-64 letters, digits, <c>-</c> or <c>_</c>, used once.</param>
    /// <param name="body">The raw body bytes (empty for none).</param>
    /// <returns>The value of <see cref="Header"/>.</returns>
    public static string Sign(string secret, string method, string pathAndQuery, long unixSeconds, string nonce, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(method);
        var head = Encoding.UTF8.GetBytes($"{method.ToUpperInvariant()}\n{pathAndQuery}\n{unixSeconds}\n{nonce}\n");
        var message = new byte[head.Length + body.Length];
        head.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(head.Length));
        var v1 = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
        return $"t={unixSeconds},nonce={nonce},v1={v1}";
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = _options.Value;
        if (options.RequestSigningSecret is { Length: > 0 } secret && request.RequestUri is { } uri)
        {
            var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var target = uri.IsAbsoluteUri ? uri.PathAndQuery : uri.OriginalString;
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            request.Headers.Remove(Header);
            request.Headers.TryAddWithoutValidation(Header,
                Sign(secret, request.Method.Method, target, (options.Clock ?? TimeProvider.System).GetUtcNow().ToUnixTimeSeconds(), nonce, body));
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
