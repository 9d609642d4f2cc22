using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Sluice.Data.Configurations;

internal static class ResultCodeKeys
{
    /// <summary>Both result-code tables are keyed by (protocol, flow, raw code, raw sub-code), "any" stored as "".</summary>
    public static void HasResultCodeKey<T>(this EntityTypeBuilder<T> builder)
        where T : class
    {
        builder.HasKey("Protocol", "Flow", "RawCode", "RawSubCode");
        builder.Property<string>("Protocol").HasMaxLength(32);
        builder.Property<string>("Flow").HasMaxLength(32);
        builder.Property<string>("RawCode").HasMaxLength(128);
        builder.Property<string>("RawSubCode").HasMaxLength(128);
    }
}
