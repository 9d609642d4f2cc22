using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

internal sealed class ChannelCallbackLogConfiguration : IEntityTypeConfiguration<ChannelCallbackLog>
{
    public void Configure(EntityTypeBuilder<ChannelCallbackLog> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Body).HasMaxLength(65536);
        builder.Property(x => x.RejectionReason).HasMaxLength(512);
        builder.HasIndex(x => new { x.ChannelAccountId, x.ReceivedAt });
        builder.HasIndex(x => x.OrderId);
    }
}
