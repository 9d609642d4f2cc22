namespace Sluice.Channels.Contracts;

/// <summary>A channel account as an adapter sees it: decrypted credentials and where the channel must send notices.</summary>
public sealed record ChannelAccountContext(
    string AccountId,
    string ChannelCode,
    string Protocol,
    string? SubMerchantId,
    IReadOnlyDictionary<string, string> Credentials,
    Uri NotifyUrl)
{
    public string Credential(string name) =>
        Credentials.TryGetValue(name, out var value) && value.Length > 0
            ? value
            : throw new InvalidOperationException($"Channel account {AccountId} has no credential '{name}'.");
}

public sealed record ChannelPayRequest(
    string OrderId,
    long Amount,
    string Currency,
    string Subject,
    string PaymentMethod,
    DateTimeOffset ExpiresAt,
    string? ClientIp,
    string? ReturnUrl,
    string? PayerId = null);

public sealed record ChannelOrderRef(string OrderId, string? ChannelTradeNo);

public sealed record ChannelRefundRequest(
    string RefundId,
    string OrderId,
    string? ChannelTradeNo,
    long RefundAmount,
    long OrderAmount,
    string Currency,
    string? Reason);

public enum PayeeAccountType
{
    BankAccount,
    Wallet,
}

public sealed record ChannelWithdrawRequest(
    string WithdrawalId,
    long Amount,
    string Currency,
    PayeeAccountType PayeeType,
    string PayeeAccountNo,
    string PayeeName,
    string? BankCode,
    string? Remark);
