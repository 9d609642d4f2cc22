using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sluice.Channels.WeChatPay;
using Sluice.Simulator.Infrastructure;

namespace Sluice.Simulator.Channels.WeChatPay;

// The encrypted notices sent to the merchant's notify_url.
public sealed partial class WeChatPaySimulator
{
    /// <summary>Queues an encrypted notice: the resource is sealed once, each attempt is signed afresh (forged: by another key).</summary>
    private void SendNotice<T>(string mchid, string orderId, string originalType, string notifyUrl, string eventType, string summary, T resource)
    {
        if (merchants.Find(Name, mchid)?.Setting("api_v3_key") is not { } apiV3Key || !Uri.TryCreate(notifyUrl, UriKind.Absolute, out var url))
        {
            return;
        }

        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(6));
        var ciphertext = WeChatPayProtocol.EncryptResource(Encoding.UTF8.GetBytes(apiV3Key), nonce, originalType,
            JsonSerializer.Serialize(resource, WeChatPayProtocol.Json));
        var notice = new WeChatNotice("EV-" + Guid.NewGuid().ToString("N")[..20], eventType,
            new WeChatNoticeResource(WeChatPayProtocol.AeadAlgorithm, ciphertext, nonce, originalType, originalType),
            WeChatPayProtocol.Rfc3339(clock.GetUtcNow()), "encrypt-resource", summary);
        var body = JsonSerializer.Serialize(notice, WeChatPayProtocol.Json);
        callbacks.Enqueue(new SimulatedCallback(Name, orderId, eventType, url, forged =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            foreach (var (name, value) in SignatureHeaders(body, forged ? ForgerKey : PlatformKey))
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }

            message.Headers.TryAddWithoutValidation(WeChatPayProtocol.SignatureTypeHeader, WeChatPayProtocol.AuthScheme);
            return message;
        }, (status, _) => status is 200 or 204, CallbackRetrySchedule));
    }
}
