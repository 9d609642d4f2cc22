using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Sluice.Money;

/// <summary>An ISO 4217 currency with the number of digits in its minor unit.</summary>
public sealed record Currency(string Code, int MinorUnitDigits)
{
    private static readonly FrozenDictionary<string, Currency> Known = new Currency[]
    {
        new("CNY", 2), new("HKD", 2), new("MOP", 2), new("TWD", 2), new("USD", 2), new("EUR", 2),
        new("GBP", 2), new("JPY", 0), new("KRW", 0), new("SGD", 2), new("AUD", 2), new("CAD", 2),
        new("CHF", 2), new("NZD", 2), new("THB", 2), new("MYR", 2), new("IDR", 2), new("PHP", 2),
        new("VND", 0), new("INR", 2), new("AED", 2), new("SAR", 2), new("RUB", 2), new("BHD", 3),
        new("KWD", 3), new("JOD", 3), new("OMR", 3), new("TND", 3), new("SEK", 2), new("NOK", 2),
        new("DKK", 2), new("PLN", 2), new("CZK", 2), new("HUF", 2), new("BRL", 2), new("MXN", 2),
        new("ZAR", 2), new("TRY", 2), new("ILS", 2), new("CLP", 0), new("ISK", 0), new("UGX", 0),
    }.ToFrozenDictionary(c => c.Code, StringComparer.Ordinal);

    /// <summary>Every currency Sluice knows, by code.</summary>
    public static IEnumerable<string> AllCodes => Known.Keys.Order(StringComparer.Ordinal);

    /// <summary>Finds a currency by its upper-case ISO 4217 alphabetic code.</summary>
    public static bool TryGet(string? code, [NotNullWhen(true)] out Currency? currency)
    {
        currency = null;
        return code is not null && Known.TryGetValue(code, out currency);
    }

    public override string ToString() => Code;
}
