namespace Sluice.Channels.WeChatPay;

// WeChat Pay API v3 bodies (snake_case on the wire through WeChatPayProtocol.Json). Direct-merchant and partner
// (service provider) requests share one shape: direct fills appid/mchid, partner sp_appid/sp_mchid/sub_mchid.

public sealed record WeChatAmount(long Total, string? Currency = null, long? PayerTotal = null, string? PayerCurrency = null);

public sealed record WeChatPayer(string? Openid = null, string? SpOpenid = null, string? SubOpenid = null);

public sealed record WeChatH5Info(string Type);

public sealed record WeChatSceneInfo(string PayerClientIp, WeChatH5Info? H5Info = null);

public sealed record WeChatPrepayRequest(
    string Description,
    string OutTradeNo,
    string NotifyUrl,
    WeChatAmount Amount,
    string? TimeExpire = null,
    string? Appid = null,
    string? Mchid = null,
    string? SpAppid = null,
    string? SpMchid = null,
    string? SubAppid = null,
    string? SubMchid = null,
    WeChatPayer? Payer = null,
    WeChatSceneInfo? SceneInfo = null);

/// <summary>A prepay answer: <c>code_url</c> (native), <c>prepay_id</c> (JSAPI, APP) or <c>h5_url</c> (H5).</summary>
public sealed record WeChatPrepayAnswer(string? CodeUrl = null, string? PrepayId = null, string? H5Url = null);

public sealed record WeChatCloseRequest(string? Mchid = null, string? SpMchid = null, string? SubMchid = null);

/// <summary>A transaction as a query answers it and a TRANSACTION.* notice carries it.</summary>
public sealed record WeChatTransaction(
    string OutTradeNo,
    string? TradeState = null,
    string? TradeStateDesc = null,
    string? TransactionId = null,
    string? TradeType = null,
    string? SuccessTime = null,
    WeChatAmount? Amount = null,
    string? Appid = null,
    string? Mchid = null,
    string? SpAppid = null,
    string? SpMchid = null,
    string? SubMchid = null,
    WeChatPayer? Payer = null,
    string? BankType = null,
    string? Attach = null);

public sealed record WeChatRefundAmount(long Refund, long Total, string Currency, long? PayerTotal = null, long? PayerRefund = null);

public sealed record WeChatRefundRequest(
    string OutTradeNo,
    string OutRefundNo,
    WeChatRefundAmount Amount,
    string? NotifyUrl = null,
    string? Reason = null,
    string? TransactionId = null,
    string? SubMchid = null);

/// <summary>A refund as the refund and refund-query calls answer it and a REFUND.* notice carries it.</summary>
public sealed record WeChatRefund(
    string OutRefundNo,
    string? RefundId = null,
    string? OutTradeNo = null,
    string? TransactionId = null,
    string? Status = null,
    string? RefundStatus = null,
    string? SuccessTime = null,
    string? CreateTime = null,
    string? UserReceivedAccount = null,
    WeChatRefundAmount? Amount = null,
    string? Mchid = null,
    string? SpMchid = null,
    string? SubMchid = null);

public sealed record WeChatTransferReportInfo(string InfoType, string InfoContent);

public sealed record WeChatTransferRequest(
    string Appid,
    string OutBillNo,
    string TransferSceneId,
    string Openid,
    long TransferAmount,
    string TransferRemark,
    string? UserName = null,
    string? NotifyUrl = null,
    IReadOnlyList<WeChatTransferReportInfo>? TransferSceneReportInfos = null);

/// <summary>A merchant transfer bill as the create and query calls answer it.</summary>
public sealed record WeChatTransferBill(
    string OutBillNo,
    string? TransferBillNo = null,
    string? State = null,
    string? CreateTime = null,
    string? UpdateTime = null,
    long? TransferAmount = null,
    string? FailReason = null,
    string? MchId = null,
    string? Appid = null,
    string? Openid = null,
    string? PackageInfo = null);

/// <summary>The error body of a 4xx/5xx answer.</summary>
public sealed record WeChatError(string Code, string? Message = null);

public sealed record WeChatNoticeResource(string Algorithm, string Ciphertext, string Nonce, string? AssociatedData = null, string? OriginalType = null);

/// <summary>A notice's envelope; the business object is in the encrypted <see cref="Resource"/>.</summary>
public sealed record WeChatNotice(
    string Id,
    string EventType,
    WeChatNoticeResource Resource,
    string? CreateTime = null,
    string? ResourceType = null,
    string? Summary = null);

public sealed record WeChatBillAnswer(string DownloadUrl, string? HashType = null, string? HashValue = null);
