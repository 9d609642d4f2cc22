using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

internal sealed class ChannelMethodFeeConfiguration : IEntityTypeConfiguration<ChannelMethodFee>
{
    public void Configure(EntityTypeBuilder<ChannelMethodFee> builder)
    {
        builder.HasKey(x => new { x.ChannelCode, x.PaymentMethod });
        builder.Property(x => x.ChannelCode).HasMaxLength(64);
        builder.Property(x => x.PaymentMethod).HasMaxLength(40);
        builder.HasOne<Channel>().WithMany().HasForeignKey(x => x.ChannelCode).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<PaymentMethodDefinition>().WithMany().HasForeignKey(x => x.PaymentMethod).OnDelete(DeleteBehavior.Restrict);
    }
}
