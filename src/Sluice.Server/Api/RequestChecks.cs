using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Errors;
using Sluice.Money;

namespace Sluice.Server.Api;

/// <summary>The checks every create request (payment, refund, withdrawal) makes the same way, with the same problems.</summary>
public static partial class RequestChecks
{
    public static ProblemHttpResult Missing(string field) =>
        Problems.Validation(UnifiedCode.MissingField, field, $"{field} is required.");

    /// <summary>A merchant's own number (order, refund, withdrawal): 1-64 letters, digits, '-', '_' or '.'.</summary>
    public static ProblemHttpResult? MerchantNumber(string? value, string field, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? Missing(field) : null;
        }

        return NumberPattern().IsMatch(value)
            ? null
            : Problems.Validation(UnifiedCode.InvalidField, field, $"{field} must be 1-64 characters of letters, digits, '-', '_' or '.'.");
    }

    /// <summary>An amount in minor units (positive, within <see cref="MoneyAmount.MaxMinorUnits"/>) and a supported currency.</summary>
    public static ProblemHttpResult? Money(long? amount, string? currency)
    {
        if (amount is null)
        {
            return Missing("amount");
        }

        if (amount <= 0)
        {
            return Problems.Validation(UnifiedCode.InvalidAmount, "amount", "amount must be a positive integer of minor units (e.g. 100 = 1.00 CNY).");
        }

        if (amount > MoneyAmount.MaxMinorUnits)
        {
            return Problems.Validation(UnifiedCode.InvalidAmount, "amount", $"amount must not exceed {MoneyAmount.MaxMinorUnits} minor units.");
        }

        if (string.IsNullOrWhiteSpace(currency))
        {
            return Missing("currency");
        }

        return Currency.TryGet(currency, out _)
            ? null
            : Problems.Validation(UnifiedCode.UnsupportedCurrency, "currency",
                $"'{(currency.Length > 16 ? currency[..16] + "..." : currency)}' is not a supported ISO 4217 currency code (use upper case, e.g. CNY).");
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex NumberPattern();
}
