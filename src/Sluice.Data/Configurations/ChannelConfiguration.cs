using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

internal sealed class ChannelConfiguration : IEntityTypeConfiguration<Channel>
{
    public void Configure(EntityTypeBuilder<Channel> builder)
    {
        builder.HasKey(x => x.Code);
        builder.Property(x => x.Code).HasMaxLength(64);
        builder.Property(x => x.InstitutionName).HasMaxLength(128);
        builder.Property(x => x.Protocol).HasMaxLength(32);
        builder.Property(x => x.PaymentMethods).HasMaxLength(1024);
        builder.Property(x => x.Environments).HasMaxLength(256);
        builder.Property(x => x.ProductCodes).HasMaxLength(1024);
        builder.Property(x => x.Currencies).HasMaxLength(256);
        builder.Property(x => x.LimitCurrency).HasMaxLength(3);
        builder.Property(x => x.Version).IsConcurrencyToken();
    }
}
