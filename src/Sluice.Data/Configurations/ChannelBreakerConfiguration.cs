using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Routing;

namespace Sluice.Data.Configurations;

internal sealed class ChannelBreakerConfiguration : IEntityTypeConfiguration<ChannelBreaker>
{
    public void Configure(EntityTypeBuilder<ChannelBreaker> builder)
    {
        builder.ToTable("channel_breakers");
        builder.HasKey(x => x.ChannelCode);
        builder.Property(x => x.ChannelCode).HasMaxLength(128);
        builder.Property(x => x.ResetBy).HasMaxLength(128);
        builder.Property(x => x.Version).IsConcurrencyToken();
    }
}
