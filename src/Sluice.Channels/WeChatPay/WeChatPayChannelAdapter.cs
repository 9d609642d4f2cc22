using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Sluice.Channels.Contracts;
using static Sluice.Channels.WeChatPay.WeChatPayResultCodes;

namespace Sluice.Channels.WeChatPay;

/// <summary>
/// Speaks WeChat Pay API v3 (JSON over HTTPS, RSA-signed both ways, AES-GCM encrypted notices).
/// <para>Credentials, direct mode: <c>mchid</c>, <c>appid</c>, <c>merchant_serial_no</c>, <c>merchant_private_key</c> (PEM),
/// <c>api_v3_key</c> (32 characters), <c>base_url</c>, and the platform's verification key: <c>platform_public_key</c> (PEM)
/// with <c>platform_serial_no</c> (public-key mode) and/or <c>platform_certificate</c> (PEM; its serial names it).
/// Partner mode (the account has a sub-merchant id, used as <c>sub_mchid</c>): <c>sp_mchid</c> and <c>sp_appid</c> instead of
/// mchid/appid, optionally <c>sub_appid</c>. Optional: <c>transfer_scene_id</c> (default 1000) for withdrawals.</para>
/// <para>Pay actions: <c>qr_code</c> (wechat_native: the <c>code_url</c> to render as a QR code), <c>redirect</c> (wechat_h5:
/// the <c>h5_url</c>), <c>sdk_params</c> (wechat_jsapi / wechat_mini_program: JSON for <c>wx.requestPayment</c> /
/// <c>WeixinJSBridge</c>; wechat_app: JSON for the app SDK's <c>PayReq</c>), each already signed.</para>
/// Amounts are integer fen (<c>amount.total</c>). JSAPI needs the payer's openid (<see cref="ChannelPayRequest.PayerId"/>).
/// </summary>
public sealed partial class WeChatPayChannelAdapter(IHttpClientFactory httpClients, TimeProvider clock) : IChannelPayments, IChannelRefunds, IChannelPayouts
{
    public static readonly string HttpClientName = ChannelTransport.HttpClientName(WeChatPayProfile.ProtocolName);
    public const string DefaultTransferSceneId = "1000";

    public async Task<ChannelPayResult> PayAsync(ChannelAccountContext account, ChannelPayRequest request, CancellationToken ct)
    {
        var m = WeChatMerchant.Of(account);
        var kind = request.PaymentMethod switch
        {
            "wechat_native" => "native",
            "wechat_jsapi" or "wechat_mini_program" => "jsapi",
            "wechat_h5" => "h5",
            "wechat_app" => "app",
            _ => null,
        };
        if (kind is null)
        {
            return new ChannelPayResult(new ChannelResult(ChannelOutcome.Failed, Codes.ParamError, null,
                $"WeChat Pay does not take payment method {request.PaymentMethod}"), null);
        }

        var payer = kind != "jsapi" || request.PayerId is null ? null
            : !m.Partner ? new WeChatPayer(Openid: request.PayerId)
            : m.SubAppid is null ? new WeChatPayer(SpOpenid: request.PayerId) : new WeChatPayer(SubOpenid: request.PayerId);
        var scene = kind == "h5" && request.ClientIp is not null ? new WeChatSceneInfo(request.ClientIp, new WeChatH5Info("Wap")) : null;
        var description = request.Subject.Length > 127 ? request.Subject[..127] : request.Subject;
        var body = new WeChatPrepayRequest(description, request.OrderId, account.NotifyUrl.ToString(), new WeChatAmount(request.Amount, request.Currency),
            WeChatPayProtocol.Rfc3339(request.ExpiresAt),
            Appid: m.Partner ? null : m.Appid, Mchid: m.Partner ? null : m.Mchid,
            SpAppid: m.Partner ? m.Appid : null, SpMchid: m.Partner ? m.Mchid : null, SubAppid: m.SubAppid, SubMchid: m.SubMchid,
            Payer: payer, SceneInfo: scene);
        var path = (m.Partner ? "/v3/pay/partner/transactions/" : "/v3/pay/transactions/") + kind;

        var (answer, failure) = await CallAsync<WeChatPrepayAnswer>(m, HttpMethod.Post, path, body, ChannelFlow.Pay, ct);
        if (answer is null)
        {
            return new ChannelPayResult(failure!, null);
        }

        var action = kind switch
        {
            "native" when answer.CodeUrl is not null => new PayAction("qr_code", answer.CodeUrl),
            "h5" when answer.H5Url is not null => new PayAction("redirect", request.ReturnUrl is null
                ? answer.H5Url : answer.H5Url + "&redirect_url=" + Uri.EscapeDataString(request.ReturnUrl)),
            "jsapi" when answer.PrepayId is not null => new PayAction("sdk_params", JsapiParams(m, answer.PrepayId)),
            "app" when answer.PrepayId is not null => new PayAction("sdk_params", AppParams(m, answer.PrepayId)),
            _ => null,
        };
        if (action is null)
        {
            return new ChannelPayResult(ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, $"the {kind} answer lacks its pay parameter"), null);
        }

        return new ChannelPayResult(Result(ChannelFlow.Pay, TradeStates.NotPay, null, null), action);
    }

    public async Task<ChannelReport> QueryPaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct)
    {
        var m = WeChatMerchant.Of(account);
        var no = Uri.EscapeDataString(order.OrderId);
        var path = m.Partner
            ? $"/v3/pay/partner/transactions/out-trade-no/{no}?sp_mchid={m.Mchid}&sub_mchid={m.SubMchid}"
            : $"/v3/pay/transactions/out-trade-no/{no}?mchid={m.Mchid}";
        var (answer, failure) = await CallAsync<WeChatTransaction>(m, HttpMethod.Get, path, null, ChannelFlow.Query, ct);
        return answer is null ? new ChannelReport(failure!) : ForSubMerchant(m, answer.SubMchid, TransactionReport(ChannelFlow.Query, answer));
    }

    public async Task<ChannelReport> ClosePaymentAsync(ChannelAccountContext account, ChannelOrderRef order, CancellationToken ct)
    {
        var m = WeChatMerchant.Of(account);
        var no = Uri.EscapeDataString(order.OrderId);
        var path = (m.Partner ? "/v3/pay/partner/transactions/out-trade-no/" : "/v3/pay/transactions/out-trade-no/") + no + "/close";
        var body = m.Partner ? new WeChatCloseRequest(SpMchid: m.Mchid, SubMchid: m.SubMchid) : new WeChatCloseRequest(Mchid: m.Mchid);
        var (_, failure) = await CallAsync<JsonElement?>(m, HttpMethod.Post, path, body, ChannelFlow.Close, ct);
        return failure is not null ? new ChannelReport(failure) : new ChannelReport(Result(ChannelFlow.Close, null, null, null));
    }

    public async Task<ChannelReport> RefundAsync(ChannelAccountContext account, ChannelRefundRequest request, CancellationToken ct)
    {
        var m = WeChatMerchant.Of(account);
        var body = new WeChatRefundRequest(request.OrderId, request.RefundId,
            new WeChatRefundAmount(request.RefundAmount, request.OrderAmount, request.Currency),
            account.NotifyUrl.ToString(), request.Reason is { Length: > 80 } r ? r[..80] : request.Reason, request.ChannelTradeNo, m.SubMchid);
        var (answer, failure) = await CallAsync<WeChatRefund>(m, HttpMethod.Post, "/v3/refund/domestic/refunds", body, ChannelFlow.Refund, ct);
        return answer is null ? new ChannelReport(failure!) : ForSubMerchant(m, answer.SubMchid, RefundReport(ChannelFlow.Refund, answer));
    }

    public async Task<ChannelReport> QueryRefundAsync(ChannelAccountContext account, string refundId, string orderId, CancellationToken ct)
    {
        var m = WeChatMerchant.Of(account);
        var path = "/v3/refund/domestic/refunds/" + Uri.EscapeDataString(refundId) + (m.Partner ? "?sub_mchid=" + m.SubMchid : "");
        var (answer, failure) = await CallAsync<WeChatRefund>(m, HttpMethod.Get, path, null, ChannelFlow.RefundQuery, ct);
        return answer is null ? new ChannelReport(failure!) : ForSubMerchant(m, answer.SubMchid, RefundReport(ChannelFlow.RefundQuery, answer));
    }

    public async Task<ChannelReport> WithdrawAsync(ChannelAccountContext account, ChannelWithdrawRequest request, CancellationToken ct)
    {
        if (request.PayeeType != PayeeAccountType.Wallet)
        {
            return new ChannelReport(new ChannelResult(ChannelOutcome.Failed, Codes.UnsupportedPayee, null,
                "WeChat Pay transfers pay a WeChat user's openid, not a bank account"));
        }

        var m = WeChatMerchant.Of(account);
        var (serial, platformKey) = m.EncryptionKey();
        var remark = request.Remark ?? "Withdrawal";
        var body = new WeChatTransferRequest(m.Appid, request.WithdrawalId, account.Credentials.GetValueOrDefault("transfer_scene_id") ?? DefaultTransferSceneId,
            request.PayeeAccountNo, request.Amount, remark.Length > 32 ? remark[..32] : remark,
            string.IsNullOrEmpty(request.PayeeName) ? null : WeChatPayProtocol.EncryptSensitive(platformKey, request.PayeeName),
            account.NotifyUrl.ToString(),
            [new("活动名称", "提现"), new("奖励说明", "账户余额提现")]);
        var (answer, failure) = await CallAsync<WeChatTransferBill>(m, HttpMethod.Post, "/v3/fund-app/mch-transfer/transfer-bills", body,
            ChannelFlow.Withdraw, ct, platformSerial: serial);
        return answer is null ? new ChannelReport(failure!) : TransferReport(ChannelFlow.Withdraw, answer);
    }

    public async Task<ChannelReport> QueryWithdrawalAsync(ChannelAccountContext account, string withdrawalId, CancellationToken ct)
    {
        var m = WeChatMerchant.Of(account);
        var (answer, failure) = await CallAsync<WeChatTransferBill>(m, HttpMethod.Get,
            "/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/" + Uri.EscapeDataString(withdrawalId), null, ChannelFlow.WithdrawQuery, ct);
        return answer is null ? new ChannelReport(failure!) : TransferReport(ChannelFlow.WithdrawQuery, answer);
    }

    private static ChannelResult Result(ChannelFlow flow, string? subCode, string? message, string? reference, string code = Codes.Success) =>
        new(Outcome(flow, code, subCode), code, subCode, message, reference);

    /// <summary>
    /// In partner mode an answer naming another sub-merchant than the account's is about another merchant's order:
    /// unknown, never its word (an answer without <c>sub_mchid</c> is judged by the order it names).
    /// </summary>
    private static ChannelReport ForSubMerchant(WeChatMerchant m, string? subMchid, ChannelReport report) =>
        m.Partner && !string.IsNullOrEmpty(subMchid) && subMchid != m.SubMchid
            ? new ChannelReport(ChannelResult.Unknown(ChannelTransport.AnswerForAnotherOrder, $"the answer is for sub_mchid {subMchid}, the account is {m.SubMchid}"))
            : report;

    private static ChannelReport TransactionReport(ChannelFlow flow, WeChatTransaction t) => new(
        Result(flow, t.TradeState, t.TradeStateDesc, t.TransactionId) with { AnsweredFor = t.OutTradeNo },
        t.Amount?.Total, t.Amount?.Currency, Time(t.SuccessTime));

    private static ChannelReport RefundReport(ChannelFlow flow, WeChatRefund r) => new(
        Result(flow, r.Status ?? r.RefundStatus, r.UserReceivedAccount, r.RefundId) with { AnsweredFor = r.OutRefundNo },
        r.Amount?.Refund, r.Amount?.Currency, Time(r.SuccessTime));

    private static ChannelReport TransferReport(ChannelFlow flow, WeChatTransferBill b) => new(
        Result(flow, b.State, b.FailReason, b.TransferBillNo) with { AnsweredFor = b.OutBillNo },
        b.TransferAmount, b.TransferAmount is null ? null : "CNY",
        b.State == TransferStates.Success ? Time(b.UpdateTime) : null);

    /// <summary>A WeChat Pay time (+08:00) as UTC: PostgreSQL stores only offset-zero instants.</summary>
    private static DateTimeOffset? Time(string? rfc3339) =>
        DateTimeOffset.TryParse(rfc3339, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) ? at.ToUniversalTime() : null;

    private string JsapiParams(WeChatMerchant m, string prepayId)
    {
        var appId = m.SubAppid ?? m.Appid;
        var timeStamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = WeChatPayProtocol.NewNonce();
        var package = "prepay_id=" + prepayId;
        var paySign = WeChatPayProtocol.Sign(m.PrivateKey, WeChatPayProtocol.Lines(appId, timeStamp, nonce, package));
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["appId"] = appId, ["timeStamp"] = timeStamp, ["nonceStr"] = nonce, ["package"] = package, ["signType"] = "RSA", ["paySign"] = paySign,
        });
    }

    private string AppParams(WeChatMerchant m, string prepayId)
    {
        var appId = m.SubAppid ?? m.Appid;
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var nonce = WeChatPayProtocol.NewNonce();
        var sign = WeChatPayProtocol.Sign(m.PrivateKey, WeChatPayProtocol.Lines(appId, timestamp, nonce, prepayId));
        return JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["appid"] = appId, ["partnerid"] = m.SubMchid ?? m.Mchid, ["prepayid"] = prepayId, ["package"] = "Sign=WXPay",
            ["noncestr"] = nonce, ["timestamp"] = timestamp, ["sign"] = sign,
        });
    }

    /// <summary>
    /// Signs and sends one call and verifies the answer before reading it: an answer (2xx or 4xx) whose Wechatpay-*
    /// signature does not verify with a known platform key within five minutes is unknown. A 4xx becomes a result with
    /// the error code; a 2xx is deserialized (an empty 204 gives default).
    /// </summary>
    private async Task<(T? Answer, ChannelResult? Failure)> CallAsync<T>(
        WeChatMerchant m, HttpMethod method, string pathAndQuery, object? body, ChannelFlow flow, CancellationToken ct,
        string? platformSerial = null)
    {
        var uri = new Uri(m.BaseUrl, pathAndQuery.TrimStart('/'));
        var payload = body is null ? "" : JsonSerializer.Serialize(body, body.GetType(), WeChatPayProtocol.Json);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var nonce = WeChatPayProtocol.NewNonce();
        var signature = WeChatPayProtocol.Sign(m.PrivateKey, WeChatPayProtocol.RequestSignString(method.Method, uri.PathAndQuery, timestamp, nonce, payload));
        using var message = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            message.Content = new StringContent(payload, Encoding.UTF8, "application/json");
        }

        message.Headers.TryAddWithoutValidation("Authorization", WeChatPayProtocol.Authorization(m.Mchid, m.SerialNo, timestamp, nonce, signature));
        message.Headers.TryAddWithoutValidation("Accept", "application/json");
        message.Headers.TryAddWithoutValidation("User-Agent", "Sluice/1.0 (WeChatPay-v3)");
        if (platformSerial is not null)
        {
            message.Headers.TryAddWithoutValidation(WeChatPayProtocol.SerialHeader, platformSerial);
        }

        var (http, failure) = await ChannelTransport.SendAsync(httpClients.CreateClient(HttpClientName), message, ct);
        if (http is null)
        {
            return (default, failure);
        }

        var text = Encoding.UTF8.GetString(http.Body);
        if (VerifySignedMessage(m, http.Header, text) is { } why)
        {
            return (default, ChannelResult.Unknown(ChannelTransport.UnverifiedAnswer, $"{why} (HTTP {(int)http.Status})"));
        }

        try
        {
            if ((int)http.Status >= 400)
            {
                var error = JsonSerializer.Deserialize<WeChatError>(http.Body, WeChatPayProtocol.Json);
                if (error?.Code is null)
                {
                    return (default, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, $"HTTP {(int)http.Status} without an error code"));
                }

                var result = Result(flow, null, error.Message, null, error.Code);
                return (default, flow == ChannelFlow.Pay && error.Code == Codes.FrequencyLimited ? result with { NotTakenByChannel = true } : result);
            }

            if (http.Status == HttpStatusCode.NoContent || http.Body.Length == 0)
            {
                return (default, null);
            }

            var answer = JsonSerializer.Deserialize<T>(http.Body, WeChatPayProtocol.Json);
            return answer is null
                ? (default, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, "empty answer"))
                : (answer, null);
        }
        catch (JsonException)
        {
            return (default, ChannelResult.Unknown(ChannelTransport.UnreadableAnswer, "answer is not the expected JSON"));
        }
    }
}
