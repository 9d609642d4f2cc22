using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Common;

namespace Sluice.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.OldValue).HasMaxLength(16384);
        builder.Property(x => x.NewValue).HasMaxLength(16384);
        builder.HasIndex(x => new { x.EntityType, x.EntityId });
    }
}
