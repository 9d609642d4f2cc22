using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Payments;
using Sluice.Refunds;

namespace Sluice.Data.Configurations;

internal sealed class RefundOrderConfiguration : IEntityTypeConfiguration<RefundOrder>
{
    public void Configure(EntityTypeBuilder<RefundOrder> builder)
    {
        builder.HasChannelOrderShape();
        builder.Property(x => x.PaymentId).HasMaxLength(40);
        builder.Property(x => x.MerchantRefundNo).HasMaxLength(64);
        builder.Property(x => x.MerchantOrderNo).HasMaxLength(64);
        builder.Property(x => x.Reason).HasMaxLength(512);
        builder.Property(x => x.FailureCode).HasMaxLength(64);
        builder.Property(x => x.ExceptionReason).HasMaxLength(1024);
        builder.Property(x => x.ResolutionNote).HasMaxLength(2048);
        builder.Property(x => x.PayBackWithdrawalId).HasMaxLength(40);
        builder.Property(x => x.PayBackPayeeAccount).HasMaxLength(64);
        builder.HasIndex(x => new { x.AppId, x.MerchantRefundNo }).IsUnique();
        builder.HasIndex(x => new { x.AppId, x.Id });   // merchant lists: newest first, keyset pages
        builder.HasIndex(x => x.PaymentId);
        builder.HasIndex(x => new { x.Status, x.CreatedAt });
        builder.HasIndex(x => x.OverdueAt);
        builder.HasOne<PaymentOrder>().WithMany().HasForeignKey(x => x.PaymentId).OnDelete(DeleteBehavior.Restrict);
    }
}
