using Microsoft.AspNetCore.Http.HttpResults;
using Sluice.Channels;
using Sluice.Errors;
using Sluice.Server.Api;

namespace Sluice.Server.Payments;

/// <summary>Checks a create-payment request completely before anything is written.</summary>
public static partial class PaymentValidation
{
    public const int DefaultExpirySeconds = 1800;
    public const int MinExpirySeconds = 60;
    public const int MaxExpirySeconds = 7 * 24 * 3600;

    /// <summary>Validates a create request; the payment method must be an enabled payment method of the catalog.</summary>
    public static ProblemHttpResult? Validate(CreatePaymentRequest r, ChannelCatalogSnapshot catalog)
    {
        if ((RequestChecks.MerchantNumber(r.MerchantOrderNo, "merchant_order_no") ?? RequestChecks.Money(r.Amount, r.Currency)) is { } invalid)
        {
            return invalid;
        }

        if (string.IsNullOrWhiteSpace(r.Subject))
        {
            return Missing("subject");
        }

        if (r.Subject.Length > 128)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "subject", "subject must be at most 128 characters.");
        }

        if (string.IsNullOrWhiteSpace(r.PaymentMethod))
        {
            return Missing("payment_method");
        }

        if (!catalog.Methods.TryGetValue(r.PaymentMethod, out var method) || method.Kind != PaymentMethodKind.Payment || !method.Enabled)
        {
            var known = catalog.Methods.Values.Where(m => m.Kind == PaymentMethodKind.Payment && m.Enabled).Select(m => m.Code).Order(StringComparer.Ordinal);
            return Problems.Validation(UnifiedCode.InvalidField, "payment_method", $"payment_method must be one of: {string.Join(", ", known)}.");
        }

        if (r.NotifyUrl is not null && !IsHttpUrl(r.NotifyUrl))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "notify_url", "notify_url must be an absolute http(s) URL of at most 2048 characters.");
        }

        if (r.ReturnUrl is not null && !IsHttpUrl(r.ReturnUrl))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "return_url", "return_url must be an absolute http(s) URL of at most 2048 characters.");
        }

        if (r.ClientIp is not null && !System.Net.IPAddress.TryParse(r.ClientIp, out _))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "client_ip", "client_ip must be an IPv4 or IPv6 address.");
        }

        if (r.ExpiresInSeconds is { } e && (e < MinExpirySeconds || e > MaxExpirySeconds))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "expires_in_seconds", $"expires_in_seconds must be between {MinExpirySeconds} and {MaxExpirySeconds}.");
        }

        if (r.Metadata is { } m && (m.Count > 20 || m.Any(kv => kv.Key.Length is 0 or > 40 || kv.Value is null || kv.Value.Length > 500)))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "metadata", "metadata holds at most 20 keys of 1-40 characters with string values of at most 500 characters.");
        }

        foreach (var (field, value) in new[] { ("payment_environment", r.PaymentEnvironment), ("product_code", r.ProductCode), ("bank_code", r.BankCode), ("buyer_id", r.BuyerId), ("seller_id", r.SellerId) })
        {
            if (value is not null && (value.Length is 0 or > 64 || value.Any(char.IsControl)))
            {
                return Problems.Validation(UnifiedCode.InvalidField, field, $"{field} must be 1-64 printable characters.");
            }
        }

        if (r.CardType is not null && CardTypeOf(r.CardType) is null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "card_type", "card_type must be debit or credit.");
        }

        if (r.CardNumber is not null && !Sluice.Security.CardFingerprints.IsCardNumber(r.CardNumber))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "card_number", "card_number must be 12-19 digits passing the Luhn check.");
        }

        return null;
    }

    public static Sluice.Channels.CardType? CardTypeOf(string? value) => value switch
    {
        "debit" => Sluice.Channels.CardType.Debit,
        "credit" => Sluice.Channels.CardType.Credit,
        _ => null,
    };

    public static bool IsHttpUrl(string value) =>
        value.Length <= 2048
        && Uri.TryCreate(value, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static ProblemHttpResult Missing(string field) => RequestChecks.Missing(field);
}
