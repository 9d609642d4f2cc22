using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

internal sealed class ResultCodeOverrideConfiguration : IEntityTypeConfiguration<ResultCodeOverride>
{
    public void Configure(EntityTypeBuilder<ResultCodeOverride> builder)
    {
        builder.HasResultCodeKey();
        builder.Property(x => x.UnifiedCode).HasMaxLength(64);
        builder.Property(x => x.MessageEn).HasMaxLength(512);
        builder.Property(x => x.MessageZh).HasMaxLength(512);
    }
}
