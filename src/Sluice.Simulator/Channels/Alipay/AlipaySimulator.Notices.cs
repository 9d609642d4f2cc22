using System.Text;
using Sluice.Channels.Alipay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.Alipay.AlipayProtocol;

namespace Sluice.Simulator.Channels.Alipay;

// The trade_status_sync notices sent to the merchant's notify_url.
public sealed partial class AlipaySimulator
{
    /// <summary>
    /// A trade_status_sync notice: form-urlencoded, RSA2-signed over every parameter but sign and sign_type with the
    /// platform key (or the forger's for a forged callback). After a full refund it carries out_biz_no, refund_fee, gmt_refund.
    /// </summary>
    private void SendNotice(SimulatedTrade trade, string? refundRequestNo)
    {
        if (Notice(trade, refundRequestNo) is { } notice)
        {
            callbacks.Enqueue(notice);
        }
    }

    /// <summary>The notice of the trade's current state; null when the trade has no notify_url.</summary>
    private SimulatedCallback? Notice(SimulatedTrade trade, string? refundRequestNo)
    {
        if (string.IsNullOrEmpty(trade.NotifyUrl) || !Uri.TryCreate(trade.NotifyUrl, UriKind.Absolute, out var url))
        {
            return null;
        }

        Dictionary<string, string> notice;
        lock (trade)
        {
            notice = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["notify_time"] = BeijingTime(clock.GetUtcNow()),
                ["notify_type"] = "trade_status_sync",
                ["notify_id"] = Guid.NewGuid().ToString("N"),
                ["app_id"] = trade.AppId,
                ["auth_app_id"] = trade.AppId,
                ["charset"] = Charset,
                ["version"] = AlipayProtocol.Version,
                ["sign_type"] = SignType,
                ["trade_no"] = trade.TradeNo,
                ["out_trade_no"] = trade.OutTradeNo,
                ["buyer_id"] = BuyerUserId,
                ["buyer_logon_id"] = BuyerLogonId,
                ["seller_id"] = SellerId,
                ["trade_status"] = trade.Status,
                ["total_amount"] = ToYuan(trade.TotalFen),
                ["receipt_amount"] = ToYuan(trade.TotalFen),
                ["invoice_amount"] = ToYuan(trade.TotalFen),
                ["buyer_pay_amount"] = ToYuan(trade.TotalFen),
                ["point_amount"] = "0.00",
                ["subject"] = trade.Subject,
                ["gmt_create"] = BeijingTime(trade.CreatedAt),
                // Alipay sends an empty passback_params when the order gave none, and signs it: a verifier must keep it.
                ["passback_params"] = "",
            };
            if (trade.PaidAt is { } paid)
            {
                notice["gmt_payment"] = BeijingTime(paid);
            }

            if (refundRequestNo is not null)
            {
                notice["out_biz_no"] = refundRequestNo;
                notice["refund_fee"] = ToYuan(trade.RefundedFen);
                notice["gmt_refund"] = BeijingTime(trade.Refunds.Last().At);
                notice["gmt_close"] = BeijingTime(trade.Refunds.Last().At);
            }
        }

        return new SimulatedCallback(ChannelName, trade.OutTradeNo, refundRequestNo is null ? "payment" : "refund", url,
            forged =>
            {
                var signed = new Dictionary<string, string>(notice, StringComparer.Ordinal)
                {
                    ["sign"] = AlipaySignature.Sign(AlipaySignature.NoticeSignContent(notice), PrivateKeyPem(forged)),
                };
                return new HttpRequestMessage(HttpMethod.Post, url)
                {
                    Content = new StringContent(ToForm(signed), Encoding.UTF8, "application/x-www-form-urlencoded"),
                };
            },
            (status, body) => status == StatusCodes.Status200OK && body.Trim() == NoticeAccepted,
            CallbackRetrySchedule);
    }
}
