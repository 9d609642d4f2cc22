using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Merchants;

namespace Sluice.Data.Configurations;

internal sealed class AppApiKeyConfiguration : IEntityTypeConfiguration<AppApiKey>
{
    public void Configure(EntityTypeBuilder<AppApiKey> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(40);
        builder.Property(x => x.Prefix).HasMaxLength(64);
        builder.HasIndex(x => x.Prefix).IsUnique();
        builder.HasOne<MerchantApp>().WithMany().HasForeignKey(x => x.AppId).OnDelete(DeleteBehavior.Restrict);
    }
}
