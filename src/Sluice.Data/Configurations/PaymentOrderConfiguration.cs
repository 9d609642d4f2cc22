using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Merchants;
using Sluice.Payments;

namespace Sluice.Data.Configurations;

internal sealed class PaymentOrderConfiguration : IEntityTypeConfiguration<PaymentOrder>
{
    public void Configure(EntityTypeBuilder<PaymentOrder> builder)
    {
        builder.HasChannelOrderShape();
        builder.Property(x => x.MerchantOrderNo).HasMaxLength(64);
        builder.Property(x => x.ReturnUrl).HasMaxLength(2048);
        builder.Property(x => x.PayUrl).HasMaxLength(4096);
        builder.Property(x => x.MetadataJson).HasMaxLength(8192);
        builder.HasIndex(x => new { x.AppId, x.MerchantOrderNo }).IsUnique();
        builder.HasIndex(x => new { x.AppId, x.Id });   // merchant lists: newest first, keyset pages
        builder.HasIndex(x => new { x.Status, x.ExpiresAt });
        builder.HasOne<MerchantApp>().WithMany().HasForeignKey(x => x.AppId).OnDelete(DeleteBehavior.Restrict);
    }
}
