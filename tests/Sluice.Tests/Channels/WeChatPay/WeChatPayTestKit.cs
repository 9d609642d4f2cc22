using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Channels;
using Sluice.Channels.WeChatPay;
using Sluice.Simulator.Infrastructure;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Channels.WeChatPay;

/// <summary>A merchant (or service provider) registered at the simulated WeChat Pay, with the credentials Sluice needs.</summary>
public sealed record WeChatTestMerchant(string Mchid, Dictionary<string, string> Credentials, string PrivateKeyPem, string PlatformSerial);

/// <summary>What the WeChat Pay tests share: merchants at the simulator, signed requests and notices made by hand.</summary>
public static class WeChatPayTestKit
{
    public const string ChannelName = "wechatpay";
    public const string ApiV3Key = "Sluice0WeChat0APIv3Key0000000032";

    public static string NewMchid() => "19" + RandomNumberGenerator.GetInt32(10_000_000, 99_999_999);

    public static string NewId(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>Registers a merchant at the simulator (it makes the merchant's key pair) and returns its Sluice credentials.</summary>
    public static async Task<WeChatTestMerchant> RegisterAsync(SimulatorHost simulator, bool partner = false)
    {
        var mchid = NewMchid();
        var serial = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        using var client = simulator.Client();
        var response = await client.PostAsJsonAsync("control/merchants", new
        {
            channel = ChannelName, merchant_id = mchid, settings = new Dictionary<string, string> { ["api_v3_key"] = ApiV3Key, ["merchant_serial_no"] = serial },
        });
        var registered = await response.ReadJsonAsync();
        ((int)response.StatusCode).ShouldBe(200, registered.ToString());
        var platform = registered.GetProperty("platform");
        var privateKey = registered.Str("merchant_private_key_pem");
        var credentials = new Dictionary<string, string>
        {
            [partner ? "sp_mchid" : "mchid"] = mchid,
            [partner ? "sp_appid" : "appid"] = partner ? "wxsp0000000000sp01" : "wxd678efh567hg6787",
            ["merchant_serial_no"] = serial,
            ["merchant_private_key"] = privateKey,
            ["api_v3_key"] = ApiV3Key,
            ["platform_public_key"] = platform.Str("public_key_pem"),
            ["platform_serial_no"] = platform.Str("serial_no"),
            ["base_url"] = simulator.BaseAddress.ToString(),
        };
        return new WeChatTestMerchant(mchid, credentials, privateKey, platform.Str("serial_no"));
    }

    public static ChannelAccountContext Account(WeChatTestMerchant merchant, Uri notifyUrl, string? subMchid = null, Action<Dictionary<string, string>>? change = null)
    {
        var credentials = new Dictionary<string, string>(merchant.Credentials);
        change?.Invoke(credentials);
        return new ChannelAccountContext("cha_wechat_" + merchant.Mchid, "wechatpay", WeChatPayProfile.ProtocolName, subMchid, credentials, notifyUrl);
    }

    /// <summary>The simulator's platform private key PEM (what signs its answers and notices).</summary>
    public static string PlatformKey(this SimulatorHost simulator) =>
        simulator.Services.GetRequiredService<SimulatorKeys>().Platform(ChannelName).GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();

    /// <summary>The key the simulator signs forged notices with (not the platform's).</summary>
    public static string ForgerKey(this SimulatorHost simulator) =>
        simulator.Services.GetRequiredService<SimulatorKeys>().Forger(ChannelName).GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem();

    /// <summary>A GET to the simulated WeChat Pay signed with the merchant's key, as the merchant's own tools would send it.</summary>
    public static async Task<HttpResponseMessage> SignedGetAsync(SimulatorHost simulator, WeChatTestMerchant merchant, string pathAndQuery)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = WeChatPayProtocol.NewNonce();
        var signature = WeChatPayProtocol.Sign(merchant.PrivateKeyPem, WeChatPayProtocol.RequestSignString("GET", pathAndQuery, timestamp, nonce, ""));
        using var client = simulator.Client();
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery.TrimStart('/'));
        request.Headers.TryAddWithoutValidation("Authorization",
            WeChatPayProtocol.Authorization(merchant.Mchid, merchant.Credentials["merchant_serial_no"], timestamp, nonce, signature));
        return await client.SendAsync(request);
    }

    /// <summary>
    /// A TRANSACTION.SUCCESS notice built by hand: the resource sealed with <paramref name="apiV3Key"/>, the body signed
    /// with <paramref name="signerPem"/> at <paramref name="at"/>. <paramref name="tamper"/> changes the body after signing, or
    /// before it when <paramref name="signTampered"/> (as if the platform key itself had signed a corrupted resource).
    /// </summary>
    public static HttpRequestMessage Notice(Uri notifyUrl, string mchid, string outTradeNo, long total, string signerPem, string serial, DateTimeOffset at,
        string apiV3Key = ApiV3Key, Func<string, string>? tamper = null, bool signTampered = false)
    {
        var plain = JsonSerializer.Serialize(new WeChatTransaction(outTradeNo, "SUCCESS", "支付成功", "4200000000000000000000000001", "NATIVE",
            WeChatPayProtocol.Rfc3339(at), new WeChatAmount(total, "CNY", total, "CNY"), Appid: "wxd678efh567hg6787", Mchid: mchid), WeChatPayProtocol.Json);
        var nonce = "n0nce0000001";
        var body = JsonSerializer.Serialize(new WeChatNotice("EV-" + Guid.NewGuid().ToString("N")[..16], "TRANSACTION.SUCCESS",
            new WeChatNoticeResource(WeChatPayProtocol.AeadAlgorithm, WeChatPayProtocol.EncryptResource(Encoding.UTF8.GetBytes(apiV3Key), nonce, "transaction", plain),
                nonce, "transaction", "transaction"), WeChatPayProtocol.Rfc3339(at), "encrypt-resource", "支付成功"), WeChatPayProtocol.Json);
        if (signTampered && tamper is not null)
        {
            body = tamper(body);
            tamper = null;
        }

        var timestamp = at.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var headerNonce = WeChatPayProtocol.NewNonce();
        var signature = WeChatPayProtocol.Sign(signerPem, WeChatPayProtocol.AnswerSignString(timestamp, headerNonce, body));
        var request = new HttpRequestMessage(HttpMethod.Post, notifyUrl) { Content = new StringContent(tamper?.Invoke(body) ?? body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation(WeChatPayProtocol.TimestampHeader, timestamp);
        request.Headers.TryAddWithoutValidation(WeChatPayProtocol.NonceHeader, headerNonce);
        request.Headers.TryAddWithoutValidation(WeChatPayProtocol.SerialHeader, serial);
        request.Headers.TryAddWithoutValidation(WeChatPayProtocol.SignatureHeader, signature);
        return request;
    }

    /// <summary>Flips one character of the resource ciphertext (still valid base64), leaving the rest of the body as it was.</summary>
    public static string TamperCiphertext(string body)
    {
        var notice = JsonSerializer.Deserialize<WeChatNotice>(body, WeChatPayProtocol.Json)!;
        var c = notice.Resource.Ciphertext;
        var flipped = c[..5] + (c[5] == 'A' ? 'B' : 'A') + c[6..];
        return body.Replace(c, flipped, StringComparison.Ordinal);
    }
}

/// <summary>An IHttpClientFactory for adapters used outside the gateway (a short timeout so time-outs show quickly).</summary>
internal sealed class ShortTimeoutHttpClients : IHttpClientFactory
{
    public HttpClient CreateClient(string name) => new() { Timeout = TimeSpan.FromSeconds(3) };
}
