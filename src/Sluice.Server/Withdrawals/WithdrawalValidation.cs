using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Errors;
using Sluice.Money;
using Sluice.Server.Api;
using Sluice.Server.Payments;

namespace Sluice.Server.Withdrawals;

/// <summary>Checks a create-withdrawal request completely before anything is written.</summary>
public static partial class WithdrawalValidation
{
    public static ProblemHttpResult? Validate(CreateWithdrawalRequest r)
    {
        if ((RequestChecks.MerchantNumber(r.MerchantWithdrawalNo, "merchant_withdrawal_no") ?? RequestChecks.Money(r.Amount, r.Currency)) is { } invalid)
        {
            return invalid;
        }

        if (ValidatePayee(r.PayeeType, r.PayeeAccountNo, r.PayeeName, r.BankCode) is { } payee)
        {
            return payee;
        }

        if (r.Remark is not null && (r.Remark.Length > 128 || r.Remark.Any(char.IsControl)))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "remark", "remark must be at most 128 printable characters.");
        }

        if (r.NotifyUrl is not null && !PaymentValidation.IsHttpUrl(r.NotifyUrl))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "notify_url", "notify_url must be an absolute http(s) URL of at most 2048 characters.");
        }

        return null;
    }

    /// <summary>Checks a payee (type, account number, name, optional bank): a merchant's withdrawal or an operator's refund pay-back.</summary>
    public static ProblemHttpResult? ValidatePayee(string? payeeType, string? payeeAccountNo, string? payeeName, string? bankCode)
    {
        if (string.IsNullOrWhiteSpace(payeeType))
        {
            return Missing("payee_type");
        }

        if (WithdrawalView.PayeeTypeOf(payeeType) is null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "payee_type", "payee_type must be bank_account or wallet.");
        }

        if (string.IsNullOrWhiteSpace(payeeAccountNo))
        {
            return Missing("payee_account_no");
        }

        // The account number is never echoed back in an error: it is personal data.
        if (!AccountPattern().IsMatch(payeeAccountNo))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "payee_account_no", "payee_account_no must be 4-64 characters of letters, digits, '@', '.', '_', '+' or '-'.");
        }

        if (string.IsNullOrWhiteSpace(payeeName))
        {
            return Missing("payee_name");
        }

        if (payeeName.Length > 128 || payeeName.Any(char.IsControl))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "payee_name", "payee_name must be at most 128 printable characters.");
        }

        if (bankCode is not null && !BankCodePattern().IsMatch(bankCode))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "bank_code", "bank_code must be 2-16 letters or digits, e.g. ICBC.");
        }

        return null;
    }

    private static ProblemHttpResult Missing(string field) => RequestChecks.Missing(field);

    [GeneratedRegex("^[A-Za-z0-9@._+-]{4,64}$")]
    private static partial Regex AccountPattern();

    [GeneratedRegex("^[A-Za-z0-9]{2,16}$")]
    private static partial Regex BankCodePattern();
}
