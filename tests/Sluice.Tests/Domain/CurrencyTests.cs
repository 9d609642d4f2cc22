using Sluice.Money;

namespace Sluice.Tests.Domain;

public class CurrencyTests
{
    [Fact]
    public void Currencies_know_their_minor_units_and_unknown_or_lower_case_codes_are_refused()
    {
        Currency.TryGet("CNY", out var cny).ShouldBeTrue();
        cny!.MinorUnitDigits.ShouldBe(2);
        Currency.TryGet("JPY", out var jpy).ShouldBeTrue();
        jpy!.MinorUnitDigits.ShouldBe(0);
        Currency.TryGet("KWD", out var kwd).ShouldBeTrue();
        kwd!.MinorUnitDigits.ShouldBe(3);
        Currency.TryGet("cny", out _).ShouldBeFalse();
        Currency.TryGet("XXX", out _).ShouldBeFalse();
        Currency.TryGet(null, out _).ShouldBeFalse();
    }
}
