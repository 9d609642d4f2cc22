using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Routing;

namespace Sluice.Data.Configurations;

internal sealed class ChannelDailyUsageConfiguration : IEntityTypeConfiguration<ChannelDailyUsage>
{
    public void Configure(EntityTypeBuilder<ChannelDailyUsage> builder)
    {
        builder.HasKey(x => new { x.ChannelCode, x.BusinessDay });
        builder.Property(x => x.ChannelCode).HasMaxLength(128);
        builder.Property(x => x.BusinessDay).HasMaxLength(10);
    }
}
