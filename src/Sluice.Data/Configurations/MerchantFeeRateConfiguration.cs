using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Ledger;
using Sluice.Merchants;

namespace Sluice.Data.Configurations;

internal sealed class MerchantFeeRateConfiguration : IEntityTypeConfiguration<MerchantFeeRate>
{
    public void Configure(EntityTypeBuilder<MerchantFeeRate> builder)
    {
        builder.ToTable("merchant_fee_rates");
        builder.HasKey(x => new { x.MerchantId, x.PaymentMethod });
        builder.Property(x => x.MerchantId).HasMaxLength(40);
        builder.Property(x => x.PaymentMethod).HasMaxLength(40);
        builder.HasOne<Merchant>().WithMany().HasForeignKey(x => x.MerchantId).OnDelete(DeleteBehavior.Cascade);
    }
}
