using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

internal sealed class MaintenanceWindowConfiguration : IEntityTypeConfiguration<MaintenanceWindow>
{
    public void Configure(EntityTypeBuilder<MaintenanceWindow> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(40);
        builder.Property(x => x.ChannelCode).HasMaxLength(64);
        builder.Property(x => x.TimeZoneId).HasMaxLength(64);
        builder.Property(x => x.Reason).HasMaxLength(512);
        builder.Ignore(x => x.Zone);
        builder.HasIndex(x => x.ChannelCode);
        builder.HasOne<Channel>().WithMany().HasForeignKey(x => x.ChannelCode).OnDelete(DeleteBehavior.Cascade);
    }
}
