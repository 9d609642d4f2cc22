using System.Globalization;
using System.Net;
using System.Text;
using Sluice.Channels.UnionPay;
using Sluice.Simulator.Infrastructure;
using static Sluice.Channels.UnionPay.UnionPayProtocol;

namespace Sluice.Simulator.Channels.UnionPay;

// Consumes: the front transaction and its cashier page, the QR apply, the query, and the payer paying.
public sealed partial class UnionPaySimulator
{
    private async Task<IResult> FrontAsync(HttpRequest request, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var fields = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var refusal = Verify(fields);
        if (refusal is not null)
        {
            return Results.Content(Page("交易失败", $"<p>{refusal}</p>"), "text/html; charset=utf-8", Encoding.UTF8, 200);
        }

        var order = Place(fields);
        if (order.TxnType != TxnTypes.Consume || order.Existing)
        {
            return Results.Content(Page("交易失败", "<p>重复交易 (12)</p>"), "text/html; charset=utf-8", Encoding.UTF8, 200);
        }

        if (behaviours.Decline(ChannelName, order.BehaviourKey) is { } decline)
        {
            Complete(order, decline.Code ?? "30");
        }
        else if (behaviours.Take(ChannelName, order.BehaviourKey, BehaviourAction.Approve) is not null)
        {
            Complete(order, UnionPayResultCodes.Success);
        }

        if (await behaviours.BeforeAnswerAsync(ChannelName, order.BehaviourKey, ct) is { } replaced)
        {
            return replaced;
        }

        var amount = (order.Amount / 100).ToString(CultureInfo.InvariantCulture) + "." + (order.Amount % 100).ToString("00", CultureInfo.InvariantCulture);
        var body = order.OrigRespCode is null
            ? $"""
               <p>商户 {WebUtility.HtmlEncode(order.MerId)} · 订单 {WebUtility.HtmlEncode(order.OrderId)}</p>
               <p class="amount">¥{amount}</p>
               <form method="post" action="/unionpay/cashier/{Uri.EscapeDataString(order.MerId)}/{Uri.EscapeDataString(order.OrderId)}/pay"><button id="pay">确认付款</button></form>
               <form method="post" action="/unionpay/cashier/{Uri.EscapeDataString(order.MerId)}/{Uri.EscapeDataString(order.OrderId)}/decline"><button id="decline">拒绝</button></form>
               """
            : $"<p>{WebUtility.HtmlEncode(order.StatusText)}</p>";
        return Results.Content(Page("银联在线支付", body), "text/html; charset=utf-8", Encoding.UTF8, 200);
    }

    private async Task<IResult> BackAsync(HttpRequest request, CancellationToken ct)
    {
        var (fields, key, answer, refused) = await ReadRequestAsync(request, ct);
        if (refused is not null)
        {
            return refused;
        }

        var txnType = fields.GetValueOrDefault("txnType");
        var qrApply = txnType == TxnTypes.Consume && fields.GetValueOrDefault("txnSubType") == "07";
        if (!qrApply && txnType != TxnTypes.Refund)
        {
            return Answer(answer, "32", "无此交易权限");
        }

        if (behaviours.Decline(ChannelName, key) is { } decline)
        {
            return await AnsweredAsync(key, answer, decline.Code ?? "30", decline.Message ?? "交易未通过", ct);
        }

        if (txnType == TxnTypes.Refund)
        {
            return await RefundAsync(fields, answer, key, ct);
        }

        var order = Place(fields);
        if (order.Existing)
        {
            return await AnsweredAsync(key, answer, UnionPayResultCodes.Duplicate, "重复交易", ct);
        }

        answer["qrCode"] = "https://qr.95516.com/00010000/" + order.QueryId;
        if (behaviours.Take(ChannelName, key, BehaviourAction.Approve) is not null)
        {
            Complete(order, UnionPayResultCodes.Success);
        }

        return await AnsweredAsync(key, answer, UnionPayResultCodes.Success, "成功[0000000]", ct);
    }

    private async Task<IResult> QueryAsync(HttpRequest request, CancellationToken ct)
    {
        var (fields, key, answer, refused) = await ReadRequestAsync(request, ct);
        if (refused is not null)
        {
            return refused;
        }

        var order = _orders.GetValueOrDefault((fields.GetValueOrDefault("merId") ?? "", fields.GetValueOrDefault("orderId") ?? ""));
        // A front consume exists for queries only once the payer has submitted it at the cashier.
        if (order is null || order.TxnTime != fields.GetValueOrDefault("txnTime") || (order.OrigRespCode is null && order.TxnSubType == "01"))
        {
            return await AnsweredAsync(key, answer, UnionPayResultCodes.NotFound, "查无此交易", ct);
        }

        answer["txnType"] = order.TxnType;
        answer["queryId"] = order.QueryId;
        answer["txnAmt"] = Amount(order.Amount);
        answer["currencyCode"] = order.Currency;
        answer["reqReserved"] = order.ReqReserved;
        answer["origRespCode"] = order.OrigRespCode ?? "05";
        answer["origRespMsg"] = order.StatusText;
        if (order.OrigQryId is not null)
        {
            answer["origQryId"] = order.OrigQryId;
        }

        if (order.OrigRespCode == UnionPayResultCodes.Success)
        {
            answer["settleAmt"] = Amount(order.Amount);
            answer["settleCurrencyCode"] = order.Currency;
            answer["settleDate"] = order.SettleDate;
            answer["traceNo"] = order.QueryId[^6..];
            answer["traceTime"] = order.TraceTime;
        }

        return await AnsweredAsync(key, answer, UnionPayResultCodes.Success, "成功[0000000]", ct);
    }

    private UnionPayOrder Place(Dictionary<string, string> fields)
    {
        var merId = fields.GetValueOrDefault("merId") ?? "";
        var orderId = fields.GetValueOrDefault("orderId") ?? "";
        var created = new UnionPayOrder
        {
            MerId = merId,
            OrderId = orderId,
            TxnType = fields.GetValueOrDefault("txnType") ?? "",
            TxnSubType = fields.GetValueOrDefault("txnSubType") ?? "",
            TxnTime = fields.GetValueOrDefault("txnTime") ?? "",
            Amount = ParseAmount(fields.GetValueOrDefault("txnAmt")) ?? 0,
            Currency = fields.GetValueOrDefault("currencyCode") is { Length: > 0 } c ? c : CurrencyCny,
            BackUrl = fields.GetValueOrDefault("backUrl"),
            ReqReserved = fields.GetValueOrDefault("reqReserved") ?? "",
            BizType = fields.GetValueOrDefault("bizType") ?? "",
            QueryId = NewQueryId(),
        };
        var stored = _orders.GetOrAdd((merId, orderId), created);
        if (!ReferenceEquals(stored, created))
        {
            return stored with { Existing = true };
        }

        return stored;
    }

    private string NewQueryId() =>
        TxnTime(clock.GetUtcNow())[2..] + Interlocked.Increment(ref _nextQueryId).ToString("D9", CultureInfo.InvariantCulture);

    private UnionPayOrder? FindForControl(string orderId) =>
        _orders.Values.FirstOrDefault(o => o.OrderId == orderId || o.ReqReserved == orderId || o.OrderId == OrderId(orderId));

    /// <summary>
    /// What the payer's card answers when the payer pays: <c>64</c> (卡上的余额不足) under insufficient_balance,
    /// <c>63</c> (卡状态不正确: the card's account is closed) under payer_account_closed, else <c>00</c>.
    /// </summary>
    private string PayerPays(UnionPayOrder order) =>
        behaviours.Take(ChannelName, order.BehaviourKey, BehaviourAction.InsufficientBalance) is not null ? "64"
        : behaviours.Take(ChannelName, order.BehaviourKey, BehaviourAction.PayerAccountClosed) is not null ? "63"
        : UnionPayResultCodes.Success;
}
