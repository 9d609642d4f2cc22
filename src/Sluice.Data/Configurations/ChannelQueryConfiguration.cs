using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Payments;

namespace Sluice.Data.Configurations;

/// <summary>Supplementary queries (补单): one row per order that needs the channel's word, claimed with a lease.</summary>
internal sealed class ChannelQueryConfiguration : IEntityTypeConfiguration<ChannelQuery>
{
    public void Configure(EntityTypeBuilder<ChannelQuery> builder)
    {
        builder.ToTable("channel_queries");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(40);
        builder.Property(x => x.OrderId).HasMaxLength(40);
        builder.Property(x => x.ChannelAccountId).HasMaxLength(40);
        builder.Property(x => x.Protocol).HasMaxLength(32);
        builder.Property(x => x.LeaseOwner).HasMaxLength(128);
        builder.Property(x => x.LastResult).HasMaxLength(512);
        builder.HasIndex(x => new { x.Kind, x.OrderId }).IsUnique();
        builder.HasIndex(x => new { x.Status, x.NextQueryAt });
    }
}
