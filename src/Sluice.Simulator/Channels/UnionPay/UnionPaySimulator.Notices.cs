using System.Security.Cryptography.X509Certificates;
using System.Text;
using Sluice.Channels.UnionPay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.UnionPay.UnionPayProtocol;

namespace Sluice.Simulator.Channels.UnionPay;

// The end of a transaction and its back notice to backUrl.
public sealed partial class UnionPaySimulator
{
    /// <summary>The transaction ends with <paramref name="respCode"/>; a successful one is notified to its backUrl.</summary>
    private void Complete(UnionPayOrder order, string respCode)
    {
        lock (order)
        {
            if (order.OrigRespCode is not null)
            {
                return;
            }

            order.OrigRespCode = respCode;
            order.CompletedAt = clock.GetUtcNow();
        }

        if (respCode == UnionPayResultCodes.Success && order.BackUrl is { Length: > 0 } backUrl && Uri.TryCreate(backUrl, UriKind.Absolute, out var url))
        {
            callbacks.Enqueue(new SimulatedCallback(ChannelName, order.BehaviourKey, order.TxnType == TxnTypes.Refund ? "refund" : "payment", url,
                forged => BuildNotice(order, url, forged), (status, _) => status == 200, CallbackRetrySchedule));
        }
    }

    private HttpRequestMessage BuildNotice(UnionPayOrder order, Uri url, bool forged)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["version"] = AcpVersion,
            ["encoding"] = Charset,
            ["signMethod"] = SignMethodRsa,
            ["accessType"] = "0",
            ["bizType"] = order.BizType,
            ["txnType"] = order.TxnType,
            ["txnSubType"] = order.TxnSubType,
            ["merId"] = order.MerId,
            ["orderId"] = order.OrderId,
            ["txnTime"] = order.TxnTime,
            ["txnAmt"] = Amount(order.Amount),
            ["currencyCode"] = order.Currency,
            ["queryId"] = order.QueryId,
            ["reqReserved"] = order.ReqReserved,
            ["respCode"] = order.OrigRespCode ?? "05",
            ["respMsg"] = "success",
            ["settleAmt"] = Amount(order.Amount),
            ["settleCurrencyCode"] = order.Currency,
            ["settleDate"] = order.SettleDate,
            ["traceNo"] = order.QueryId[^6..],
            ["traceTime"] = order.TraceTime,
            // UnionPay's notices carry empty fields (reserved=) and sign them, as coverMap2String keeps empty values.
            ["reserved"] = "",
        };
        if (order.OrigQryId is not null)
        {
            fields["origQryId"] = order.OrigQryId;
        }

        var signer = forged ? keys.Forger(ChannelName) : certificates.Signing;
        fields["signPubKeyCert"] = signer.ExportCertificatePem();
        using var key = forged ? keys.Forger(ChannelName).GetRSAPrivateKey()! : null;
        fields["signature"] = Sign(fields, key ?? certificates.SigningKey);
        return new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(FormEncode(fields), Encoding.UTF8, "application/x-www-form-urlencoded"),
        };
    }
}
