using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Ledger;
using Sluice.Merchants;

namespace Sluice.Data.Configurations;

internal sealed class MerchantLedgerSettingsConfiguration : IEntityTypeConfiguration<MerchantLedgerSettings>
{
    public void Configure(EntityTypeBuilder<MerchantLedgerSettings> builder)
    {
        builder.ToTable("merchant_ledger_settings");
        builder.HasKey(x => x.MerchantId);
        builder.Property(x => x.MerchantId).HasMaxLength(40);
        builder.Property(x => x.TimeZone).HasMaxLength(64);
        builder.HasOne<Merchant>().WithOne().HasForeignKey<MerchantLedgerSettings>(x => x.MerchantId).OnDelete(DeleteBehavior.Cascade);
    }
}
