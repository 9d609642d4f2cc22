using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

internal sealed class UnmappedResultCodeConfiguration : IEntityTypeConfiguration<UnmappedResultCode>
{
    public void Configure(EntityTypeBuilder<UnmappedResultCode> builder)
    {
        builder.HasResultCodeKey();
        builder.Property(x => x.SampleMessage).HasMaxLength(UnmappedResultCode.MaxSampleLength);
        builder.HasIndex(x => x.LastSeenAt);
    }
}
