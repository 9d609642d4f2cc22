using System.Security.Cryptography;
using System.Text;
using Sluice.Channels;
using Sluice.Security;
using Sluice.Server.Api;
using Sluice.Server.Payments;
using Sluice.Withdrawals;

namespace Sluice.Server.Withdrawals;

/// <summary>Settings of section <c>Sluice:Withdrawals</c>.</summary>
public sealed class WithdrawalOptions
{
    public const string Section = "Sluice:Withdrawals";

    /// <summary>How long a withdrawal waits for a withdrawal channel before it fails with <c>no_channel_available</c>.</summary>
    public TimeSpan MaxHold { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often a held withdrawal is re-routed (each pass of the worker that finds it due).</summary>
    public TimeSpan HoldRetryInterval { get; set; } = TimeSpan.FromSeconds(15);

}

/// <summary>Body of <c>POST /v1/withdrawals</c>. Every field is nullable so a missing one gets a precise error.</summary>
public sealed record CreateWithdrawalRequest(
    string? MerchantWithdrawalNo,
    long? Amount,
    string? Currency,
    string? PayeeType,
    string? PayeeAccountNo,
    string? PayeeName,
    string? BankCode = null,
    string? Remark = null,
    string? NotifyUrl = null)
{
    /// <summary>The request as it may be hashed for idempotency: the account number replaced by its keyed fingerprint.</summary>
    public CreateWithdrawalRequest WithoutAccountNo(PayeeAccounts payees) => this with { PayeeAccountNo = payees.Fingerprint(PayeeAccountNo ?? "") };
}

/// <summary>What a new withdrawal is, from a merchant's request or an operator's pay-back of a refund (<see cref="RefundId"/>).</summary>
public sealed record WithdrawalSpec(
    string AppId,
    string MerchantId,
    string MerchantWithdrawalNo,
    long Amount,
    string Currency,
    PayeeAccountType PayeeType,
    string PayeeAccountNo,
    string PayeeName,
    string? BankCode,
    string? Remark,
    string? NotifyUrl,
    string? RefundId = null);

/// <summary>
/// Payee account numbers at rest: encrypted with the gateway's <see cref="CredentialProtector"/>, masked for display,
/// and fingerprinted (HMAC under a key derived from the master key) where a request must be compared without keeping it.
/// </summary>
public sealed class PayeeAccounts(CredentialProtector protector, byte[] masterKey)
{
    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: Encoding.ASCII.GetBytes("sluice-payee-account-v1"));

    public string Protect(string accountNo) => protector.Protect(accountNo);

    public string Reveal(WithdrawalOrder order) => protector.Unprotect(order.PayeeAccountCiphertext);

    public string Fingerprint(string accountNo) => "pfp_" + Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(accountNo)));
}

/// <summary>A withdrawal as merchants see it: the payee account masked, unified codes only.</summary>
public record WithdrawalView(
    string Id,
    string Object,
    string MerchantWithdrawalNo,
    long Amount,
    string Currency,
    string PayeeType,
    string PayeeAccount,
    string PayeeName,
    string? BankCode,
    string? Remark,
    string Status,
    string? HoldReason,
    DateTimeOffset? HeldUntil,
    string? Channel,
    FailureView? Failure,
    bool Returned,
    string? RefundId,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SucceededAt,
    DateTimeOffset? FailedAt)
{
    public static WithdrawalView From(WithdrawalOrder o) => new(
        o.Id,
        "withdrawal",
        o.MerchantWithdrawalNo,
        o.Amount,
        o.Currency,
        PayeeTypeName(o.PayeeType),
        o.PayeeAccountMasked,
        o.PayeeName,
        o.BankCode,
        o.Remark,
        WithdrawalStateMachine.WireName(o.Status),
        o.Status == WithdrawalStatus.Held ? o.HoldReason : null,
        o.Status == WithdrawalStatus.Held ? Ms(o.HeldUntil) : null,
        o.ChannelCode,
        o.FailureCode is null ? null : new FailureView(o.FailureCode, o.FailureMessage ?? o.FailureCode) { MessageZh = o.FailureMessageZh },
        o.ReturnedAt is not null,
        o.RefundId,
        Ms(o.CreatedAt)!.Value,
        Ms(o.SucceededAt),
        Ms(o.FailedAt))
    {
        ReservedFrom = o.ReservedFrom is { } from ? Sluice.Ledger.LedgerAccount.WireName(from) : null,
    };

    /// <summary>The balance the amount was reserved from at request (<c>merchant_available</c>); null for a refund's pay-back.</summary>
    public string? ReservedFrom { get; init; }

    public WithdrawalView Localized(bool chinese) =>
        chinese && Failure is { MessageZh: { } zh } failure ? this with { Failure = failure with { Message = zh } } : this;

    public static string PayeeTypeName(PayeeAccountType type) => type == PayeeAccountType.Wallet ? "wallet" : "bank_account";

    public static PayeeAccountType? PayeeTypeOf(string? name) => name switch
    {
        "bank_account" => PayeeAccountType.BankAccount,
        "wallet" => PayeeAccountType.Wallet,
        _ => null,
    };

    /// <summary>The withdrawal method of the catalog a payee type routes by.</summary>
    public static string MethodOf(PayeeAccountType type) => type == PayeeAccountType.Wallet ? "withdraw_wallet" : "withdraw_bank_account";

    private static DateTimeOffset? Ms(DateTimeOffset? t) =>
        t is { } v ? new DateTimeOffset(v.UtcTicks - (v.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero) : null;
}

/// <summary>An operator's view of a withdrawal: the merchant view plus raw channel codes and the timeline.</summary>
public sealed record AdminWithdrawalView(
    WithdrawalView Withdrawal,
    string AppId,
    string MerchantId,
    string? ChannelAccountId,
    string? ChannelReference,
    string? LastChannelOutcome,
    string? RawCode,
    string? RawSubCode,
    string? RawMessage,
    string? UnifiedCode,
    DateTimeOffset? NextQueryAt,
    IReadOnlyList<OrderEventView> Events)
{
    /// <param name="nextQueryAt">When its query row is due (a query at its channel, or a held one's next routing).</param>
    public static AdminWithdrawalView From(WithdrawalOrder o, DateTimeOffset? nextQueryAt, IReadOnlyList<OrderEventView> events) => new(
        WithdrawalView.From(o), o.AppId, o.MerchantId, o.ChannelAccountId, o.ChannelReference, o.LastChannelOutcome,
        o.RawCode, o.RawSubCode, o.RawMessage, o.ResultCode ?? o.FailureCode, WithdrawalStateMachine.IsTerminal(o.Status) ? null : nextQueryAt, events);
}
