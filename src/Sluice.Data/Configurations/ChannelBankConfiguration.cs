using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

internal sealed class ChannelBankConfiguration : IEntityTypeConfiguration<ChannelBank>
{
    public void Configure(EntityTypeBuilder<ChannelBank> builder)
    {
        builder.HasKey(x => new { x.ChannelCode, x.BankCode, x.CardType });
        builder.Property(x => x.ChannelCode).HasMaxLength(64);
        builder.Property(x => x.BankCode).HasMaxLength(16);
        builder.HasIndex(x => x.BankCode);
        builder.HasOne<Channel>().WithMany().HasForeignKey(x => x.ChannelCode).OnDelete(DeleteBehavior.Cascade);
    }
}
