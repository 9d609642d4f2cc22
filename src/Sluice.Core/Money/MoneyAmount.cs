namespace Sluice.Money;

/// <summary>An amount of money: an integer count of minor units plus a currency. Never floating point.</summary>
public readonly record struct MoneyAmount(long MinorUnits, string Currency)
{
    /// <summary>The largest single amount Sluice accepts, in minor units (one billion major units at two digits).</summary>
    public const long MaxMinorUnits = 100_000_000_000L;

    public override string ToString() => $"{MinorUnits} {Currency} (minor units)";
}
