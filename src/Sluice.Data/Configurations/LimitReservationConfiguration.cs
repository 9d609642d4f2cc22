using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Routing;

namespace Sluice.Data.Configurations;

internal sealed class LimitReservationConfiguration : IEntityTypeConfiguration<LimitReservation>
{
    public void Configure(EntityTypeBuilder<LimitReservation> builder)
    {
        builder.HasKey(x => new { x.OrderId, x.ChannelCode });
        builder.Property(x => x.OrderId).HasMaxLength(40);
        builder.Property(x => x.ChannelCode).HasMaxLength(128);
        builder.Property(x => x.BusinessDay).HasMaxLength(10);
        builder.HasIndex(x => new { x.ChannelCode, x.BusinessDay });
    }
}
