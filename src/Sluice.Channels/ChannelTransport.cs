using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Sluice.Channels.Contracts;

namespace Sluice.Channels;

/// <summary>A channel's raw HTTP answer, read whole so the adapter can verify its signature over the exact bytes.</summary>
public sealed record ChannelHttpAnswer(HttpStatusCode Status, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, byte[] Body)
{
    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) ? values.FirstOrDefault()
        : ContentHeaders.TryGetValues(name, out var content) ? content.FirstOrDefault()
        : null;
}

/// <summary>
/// Sends one request to a channel and turns transport failures into channel results, the same way for every adapter:
/// a refused connection is a definite not-taken (safe to fail over); a timeout, a broken connection or a 5xx is unknown
/// (the channel may have taken the order, so it is re-queried, never retried elsewhere).
/// </summary>
public static class ChannelTransport
{
    public const string ConnectionRefused = "CONNECTION_REFUSED";
    public const string NetworkError = "NETWORK_ERROR";
    public const string Timeout = "TIMEOUT";
    public const string UnverifiedAnswer = "UNVERIFIED_ANSWER";
    public const string UnreadableAnswer = "UNREADABLE_ANSWER";
    public const string AdapterFault = "ADAPTER_FAULT";
    public const string ServerErrorPrefix = "HTTP_";

    /// <summary>A verified answer that names another order than the one asked about: its word is about nothing we asked.</summary>
    public const string AnswerForAnotherOrder = "ANSWER_FOR_ANOTHER_ORDER";

    /// <summary>
    /// The answer as it stands when it names the order asked about (or none), otherwise an unknown outcome with
    /// <see cref="AnswerForAnotherOrder"/>: never succeeded or failed, so the order is only re-queried.
    /// <paramref name="alsoAsked"/> is the other order a call is about (a refund's payment: Alipay's refund answer
    /// names only the trade).
    /// </summary>
    public static ChannelResult MatchOrder(ChannelResult result, string asked, string? alsoAsked = null) =>
        result.AnsweredFor is not { } named || named == asked || (alsoAsked is not null && named == alsoAsked)
            ? result
            : ChannelResult.Unknown(AnswerForAnotherOrder, $"the answer names {Truncate(named)}, the call asked about {asked} ({result.RawCode}/{result.RawSubCode})");

    private static string Truncate(string value) => value.Length > 64 ? value[..64] + "…" : value;

    /// <summary>The named HttpClient of a protocol's adapter, registered by <see cref="ChannelRegistration.AddChannel{TAdapter, TProfile}"/>.</summary>
    public static string HttpClientName(string protocol) => "channel-" + protocol;

    /// <summary>Sends <paramref name="message"/>; either the answer (any status below 500) or the failure is set.</summary>
    public static async Task<(ChannelHttpAnswer? Answer, ChannelResult? Failure)> SendAsync(HttpClient client, HttpRequestMessage message, CancellationToken ct)
    {
        try
        {
            using var response = await client.SendAsync(message, ct);
            var raw = await response.Content.ReadAsByteArrayAsync(ct);
            if ((int)response.StatusCode >= 500)
            {
                return (null, ChannelResult.Unknown($"{ServerErrorPrefix}{(int)response.StatusCode}", "channel answered with a server error"));
            }

            return (new ChannelHttpAnswer(response.StatusCode, response.Headers, response.Content.Headers, raw), null);
        }
        catch (HttpRequestException ex) when (IsRefused(ex))
        {
            return (null, new ChannelResult(ChannelOutcome.Failed, ConnectionRefused, null, "channel refused the connection") { NotTakenByChannel = true });
        }
        catch (HttpRequestException ex)
        {
            return (null, ChannelResult.Unknown(NetworkError, ex.HttpRequestError.ToString()));
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, ChannelResult.Unknown(Timeout, "no answer within the timeout"));
        }
    }

    /// <summary>Result-code rules for the transport failures above; they apply to every protocol.</summary>
    public static readonly IReadOnlyList<ResultCodeRule> Rules =
    [
        new(null, ConnectionRefused, null, "channel_unavailable", ChannelOutcome.Failed, true,
            "The payment channel is unavailable. Please try again.", "支付通道暂不可用，请稍后重试。"),
        new(null, NetworkError, null, "channel_result_unknown", ChannelOutcome.Unknown, false,
            "The payment result is being confirmed.", "支付结果确认中。"),
        new(null, Timeout, null, "channel_result_unknown", ChannelOutcome.Unknown, false,
            "The payment result is being confirmed.", "支付结果确认中。"),
        new(null, UnverifiedAnswer, null, "channel_result_unknown", ChannelOutcome.Unknown, false,
            "The payment result is being confirmed.", "支付结果确认中。"),
        new(null, UnreadableAnswer, null, "channel_result_unknown", ChannelOutcome.Unknown, false,
            "The payment result is being confirmed.", "支付结果确认中。"),
        new(null, AdapterFault, null, "channel_result_unknown", ChannelOutcome.Unknown, false,
            "The payment result is being confirmed.", "支付结果确认中。"),
        new(null, AnswerForAnotherOrder, null, "channel_result_unknown", ChannelOutcome.Unknown, false,
            "The payment result is being confirmed.", "支付结果确认中。"),
    ];

    private static bool IsRefused(HttpRequestException ex) =>
        ex.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused }
        || ex.InnerException?.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };
}
