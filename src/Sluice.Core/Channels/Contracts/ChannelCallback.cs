namespace Sluice.Channels.Contracts;

/// <summary>An inbound HTTP request at a channel account's notify endpoint, exactly as received.</summary>
public sealed record ChannelCallbackRequest(
    string Method,
    IReadOnlyDictionary<string, string> Headers,
    IReadOnlyDictionary<string, string> Query,
    string ContentType,
    byte[] Body)
{
    public string? Header(string name) =>
        Headers.TryGetValue(name, out var v) ? v : Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

public enum ChannelNoticeKind
{
    Payment,
    Refund,
    Withdrawal,
}

/// <summary>A verified notice from a channel about one of Sluice's orders.</summary>
public sealed record ChannelNotice(
    ChannelNoticeKind Kind,
    string OrderId,
    ChannelReport Report,
    string NoticeId);

/// <summary>The result of parsing a callback. Nothing in an unverified callback may be trusted or acted on.</summary>
public sealed record CallbackParseResult(bool Verified, ChannelNotice? Notice, string? RejectionReason)
{
    public static CallbackParseResult Rejected(string reason) => new(false, null, reason);

    public static CallbackParseResult Accepted(ChannelNotice notice) => new(true, notice, null);
}

/// <summary>The HTTP answer a channel expects for a callback (for example <c>success</c> or <c>{"code":"FAIL"}</c>).</summary>
public sealed record ChannelCallbackAnswer(int StatusCode, string ContentType, string Body);
