using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Merchants;
using Sluice.Routing;

namespace Sluice.Data.Configurations;

internal sealed class MerchantConfiguration : IEntityTypeConfiguration<Merchant>
{
    public void Configure(EntityTypeBuilder<Merchant> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(40);
        builder.HasOne<ServiceProvider>().WithMany().HasForeignKey(x => x.ServiceProviderId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(x => x.RoutingRuleSet).HasMaxLength(64);
        builder.HasOne<RoutingRuleSetDefinition>().WithMany().HasForeignKey(x => x.RoutingRuleSet).OnDelete(DeleteBehavior.Restrict);
    }
}
