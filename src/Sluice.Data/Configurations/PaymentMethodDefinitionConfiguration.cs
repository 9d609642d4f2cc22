using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

internal sealed class PaymentMethodDefinitionConfiguration : IEntityTypeConfiguration<PaymentMethodDefinition>
{
    public void Configure(EntityTypeBuilder<PaymentMethodDefinition> builder)
    {
        builder.ToTable("payment_methods");
        builder.HasKey(x => x.Code);
        builder.Property(x => x.Code).HasMaxLength(40);
        builder.Property(x => x.Name).HasMaxLength(128);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasData(SeedData.BuiltInMethods.Select(m => new PaymentMethodDefinition
        {
            Code = m.Code, Name = m.Name, Kind = m.Kind, Enabled = true, Version = 1,
            CreatedAt = SeedData.SeededAt, UpdatedAt = SeedData.SeededAt,
        }));
    }
}
