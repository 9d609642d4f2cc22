using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Routing;

namespace Sluice.Data.Configurations;

internal sealed class RoutingRuleSetDefinitionConfiguration : IEntityTypeConfiguration<RoutingRuleSetDefinition>
{
    public void Configure(EntityTypeBuilder<RoutingRuleSetDefinition> builder)
    {
        builder.ToTable("routing_rule_sets");
        builder.HasKey(x => x.Name);
        builder.Property(x => x.Name).HasMaxLength(64);
        builder.Property(x => x.Description).HasMaxLength(512);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.Ignore(x => x.Weights);
        var defaults = RoutingRuleSet.Default;
        builder.HasData(new RoutingRuleSetDefinition
        {
            Name = RoutingRuleSetDefinition.DefaultName, Description = "Used by every merchant without a rule set of its own.",
            Strategy = defaults.Strategy, FeeWeight = defaults.Weights.Fee, WeightWeight = defaults.Weights.Weight,
            SuccessRateWeight = defaults.Weights.SuccessRate, LatencyWeight = defaults.Weights.Latency,
            CreatedAt = SeedData.SeededAt, UpdatedAt = SeedData.SeededAt, Version = 1,
        });
    }
}
