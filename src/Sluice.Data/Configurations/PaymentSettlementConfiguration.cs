using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Ledger;

namespace Sluice.Data.Configurations;

internal sealed class PaymentSettlementConfiguration : IEntityTypeConfiguration<PaymentSettlement>
{
    public void Configure(EntityTypeBuilder<PaymentSettlement> builder)
    {
        builder.ToTable("payment_settlements");
        builder.HasKey(x => x.PaymentId);
        builder.Property(x => x.PaymentId).HasMaxLength(40);
        builder.Property(x => x.MerchantId).HasMaxLength(40);
        builder.Property(x => x.Currency).HasMaxLength(3);
        builder.Property(x => x.LeaseOwner).HasMaxLength(128);
        builder.HasIndex(x => new { x.Status, x.DueAt });
    }
}
