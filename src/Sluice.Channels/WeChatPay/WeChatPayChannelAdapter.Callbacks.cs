using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sluice.Channels.Contracts;

namespace Sluice.Channels.WeChatPay;

/// <summary>
/// WeChat Pay's notices: the Wechatpay-* signature over the body is verified with a platform key before anything is
/// read, then the AEAD_AES_256_GCM resource is decrypted with the APIv3 key. TRANSACTION.*, REFUND.* and MCHTRANSFER.*
/// events become payment, refund and withdrawal notices. Answers to the gateway's own calls are verified the same way.
/// </summary>
public sealed partial class WeChatPayChannelAdapter : IChannelCallbacks
{
    public ValueTask<CallbackParseResult> ParseCallbackAsync(ChannelAccountContext account, ChannelCallbackRequest request, CancellationToken ct)
    {
        try
        {
            return ValueTask.FromResult(ParseCallback(account, request));
        }
        catch (Exception ex) when (ex is InvalidOperationException or CryptographicException or ArgumentException)
        {
            // Incomplete or unreadable credentials (no platform key, a short APIv3 key): nothing can be verified.
            return ValueTask.FromResult(CallbackParseResult.Rejected("channel account credentials unusable: " + ex.GetType().Name));
        }
    }

    private CallbackParseResult ParseCallback(ChannelAccountContext account, ChannelCallbackRequest request)
    {
        var m = WeChatMerchant.Of(account);
        var text = Encoding.UTF8.GetString(request.Body);
        var rejection = VerifySignedMessage(m, request.Header, text);
        if (rejection is not null)
        {
            return CallbackParseResult.Rejected(rejection);
        }

        WeChatNotice? notice;
        try
        {
            notice = JsonSerializer.Deserialize<WeChatNotice>(request.Body, WeChatPayProtocol.Json);
        }
        catch (JsonException)
        {
            return CallbackParseResult.Rejected("unreadable notice body");
        }

        if (notice?.Resource is not { } resource || notice.Id is null || notice.EventType is null)
        {
            return CallbackParseResult.Rejected("notice lacks id, event_type or resource");
        }

        if (resource.Algorithm != WeChatPayProtocol.AeadAlgorithm)
        {
            return CallbackParseResult.Rejected($"unsupported resource algorithm '{resource.Algorithm}'");
        }

        var plain = WeChatPayProtocol.DecryptResource(m.ApiV3Key, resource.Nonce, resource.AssociatedData, resource.Ciphertext);
        if (plain is null)
        {
            return CallbackParseResult.Rejected("resource did not decrypt with the APIv3 key");
        }

        try
        {
            T Read<T>() => JsonSerializer.Deserialize<T>(plain, WeChatPayProtocol.Json)!;
            CallbackParseResult Accept(string? owner, ChannelNoticeKind kind, string orderId, ChannelReport report, string? subMchid = null) =>
                owner is not null && owner != m.Mchid ? CallbackParseResult.Rejected("notice is for another merchant")
                : m.Partner && kind != ChannelNoticeKind.Withdrawal && subMchid != m.SubMchid
                    ? CallbackParseResult.Rejected($"partner notice is for sub_mchid '{subMchid}', not the account's {m.SubMchid}")
                : string.IsNullOrEmpty(orderId) ? CallbackParseResult.Rejected("notice lacks the merchant's order number")
                : CallbackParseResult.Accepted(new ChannelNotice(kind, orderId, report, notice.Id));

            return notice.EventType.Split('.')[0] switch
            {
                "TRANSACTION" when Read<WeChatTransaction>() is var t =>
                    Accept(t.Mchid ?? t.SpMchid, ChannelNoticeKind.Payment, t.OutTradeNo, TransactionReport(ChannelFlow.Notify, t), t.SubMchid),
                "REFUND" when Read<WeChatRefund>() is var r =>
                    Accept(r.Mchid ?? r.SpMchid, ChannelNoticeKind.Refund, r.OutRefundNo, RefundReport(ChannelFlow.Notify, r), r.SubMchid),
                "MCHTRANSFER" when Read<WeChatTransferBill>() is var b =>
                    Accept(b.MchId, ChannelNoticeKind.Withdrawal, b.OutBillNo, TransferReport(ChannelFlow.Notify, b)),
                _ => CallbackParseResult.Rejected($"unknown event type '{notice.EventType}'"),
            };
        }
        catch (Exception ex) when (ex is JsonException or NullReferenceException)
        {
            return CallbackParseResult.Rejected("decrypted resource is not the expected JSON");
        }
    }

    /// <summary>Null when the Wechatpay-* headers verify over the body with the named platform key within five minutes.</summary>
    private string? VerifySignedMessage(WeChatMerchant m, Func<string, string?> header, string body)
    {
        var serial = header(WeChatPayProtocol.SerialHeader);
        var timestamp = header(WeChatPayProtocol.TimestampHeader);
        var nonce = header(WeChatPayProtocol.NonceHeader);
        if (serial is null || timestamp is null || nonce is null)
        {
            return "Wechatpay-Serial, -Timestamp or -Nonce missing";
        }

        if (m.PlatformKey(serial) is not { } key)
        {
            return $"no platform key with serial {serial}";
        }

        if (!WeChatPayProtocol.IsFresh(timestamp, clock.GetUtcNow()))
        {
            return "timestamp outside five minutes";
        }

        return WeChatPayProtocol.Verify(key, WeChatPayProtocol.AnswerSignString(timestamp, nonce, body), header(WeChatPayProtocol.SignatureHeader))
            ? null
            : "signature verification failed";
    }
}
