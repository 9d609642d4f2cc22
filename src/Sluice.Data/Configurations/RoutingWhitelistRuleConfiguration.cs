using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Routing;

namespace Sluice.Data.Configurations;

internal sealed class RoutingWhitelistRuleConfiguration : IEntityTypeConfiguration<RoutingWhitelistRule>
{
    public void Configure(EntityTypeBuilder<RoutingWhitelistRule> builder)
    {
        builder.ToTable("routing_whitelist");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(40);
        builder.Property(x => x.RuleSetName).HasMaxLength(64);
        builder.Property(x => x.Value).HasMaxLength(128);
        builder.Property(x => x.ChannelCodes).HasMaxLength(1024);
        builder.Property(x => x.Note).HasMaxLength(512);
        builder.Ignore(x => x.Channels);
        builder.HasIndex(x => new { x.RuleSetName, x.Kind, x.Value });
        builder.HasOne<RoutingRuleSetDefinition>().WithMany().HasForeignKey(x => x.RuleSetName).OnDelete(DeleteBehavior.Cascade);
    }
}
