using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Common;

namespace Sluice.Data.Configurations;

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Key).HasMaxLength(255);
        builder.Property(x => x.RequestHash).HasMaxLength(64);
        builder.Property(x => x.ResponseBody).HasMaxLength(65536);
        builder.HasIndex(x => new { x.AppId, x.Key }).IsUnique();
    }
}
