using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Merchants;
using Sluice.Withdrawals;

namespace Sluice.Data.Configurations;

internal sealed class WithdrawalOrderConfiguration : IEntityTypeConfiguration<WithdrawalOrder>
{
    public void Configure(EntityTypeBuilder<WithdrawalOrder> builder)
    {
        builder.ToTable("withdrawals");
        builder.HasChannelOrderShape();
        builder.Property(x => x.MerchantWithdrawalNo).HasMaxLength(64);
        builder.Property(x => x.PayeeAccountCiphertext).HasMaxLength(512);
        builder.Property(x => x.PayeeAccountMasked).HasMaxLength(64);
        builder.Property(x => x.PayeeName).HasMaxLength(128);
        builder.Property(x => x.BankCode).HasMaxLength(16);
        builder.Property(x => x.HoldReason).HasMaxLength(1024);
        builder.Property(x => x.RefundId).HasMaxLength(40);
        builder.HasIndex(x => new { x.AppId, x.MerchantWithdrawalNo }).IsUnique();
        builder.HasIndex(x => new { x.AppId, x.Id });   // merchant lists: newest first, keyset pages
        builder.HasIndex(x => x.RefundId);
        builder.HasOne<MerchantApp>().WithMany().HasForeignKey(x => x.AppId).OnDelete(DeleteBehavior.Restrict);
    }
}
