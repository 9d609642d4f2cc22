using System.Text.Json;
using Sluice.Channels.Sandbox;
using Sluice.Common;
using Sluice.Sandbox;
using Sluice.Security;

namespace Sluice.Demo.Sandbox;

/// <summary>
/// Sends the sandbox channel's signed notices, retrying on its own schedule until the merchant answers
/// <c>SUCCESS</c>, as real channels do. Like a real channel's, these notices may be lost if the process stops:
/// re-queries recover such orders.
/// </summary>
public sealed class SandboxNotifier(
    IHttpClientFactory httpClients,
    SandboxKeys keys,
    IdGenerator ids,
    TimeProvider clock,
    IHostApplicationLifetime lifetime,
    ILogger<SandboxNotifier> logger)
{
    public const string HttpClientName = "sandbox-notifier";

    private static readonly TimeSpan[] Schedule =
        [TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    public void Send(SandboxTransaction trade)
    {
        if (string.IsNullOrEmpty(trade.NotifyUrl))
        {
            return;
        }

        var notice = SandboxUpstream.Answer(trade) with { NotifyId = ids.Next("ntf") };
        _ = Task.Run(() => DeliverAsync(trade.MerchantNo, trade.NotifyUrl, notice, lifetime.ApplicationStopping));
    }

    /// <summary>Posts one notice; true when the merchant acknowledged it.</summary>
    public async Task<bool> PostAsync(string merchantNo, string url, SandboxAnswer notice, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(notice, SandboxProtocol.Json);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        message.Headers.TryAddWithoutValidation(SandboxProtocol.SignatureHeader, HmacSignature.Sign(keys.SecretFor(merchantNo), clock.GetUtcNow().ToUnixTimeSeconds(), body));
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(message, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        return response.IsSuccessStatusCode && text.Trim() == SandboxProtocol.NoticeAnswer;
    }

    private async Task DeliverAsync(string merchantNo, string url, SandboxAnswer notice, CancellationToken ct)
    {
        foreach (var wait in Schedule)
        {
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, clock, ct);
                }

                if (await PostAsync(merchantNo, url, notice, ct))
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException ex)
            {
                logger.SandboxNoticeFailed(notice.OutTradeNo ?? "", ex.HttpRequestError.ToString());
            }
        }

        logger.SandboxNoticeGaveUp(notice.OutTradeNo ?? "");
    }
}
