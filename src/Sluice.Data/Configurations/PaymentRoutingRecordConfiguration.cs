using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Routing;

namespace Sluice.Data.Configurations;

internal sealed class PaymentRoutingRecordConfiguration : IEntityTypeConfiguration<PaymentRoutingRecord>
{
    public void Configure(EntityTypeBuilder<PaymentRoutingRecord> builder)
    {
        builder.HasKey(x => x.PaymentId);
        builder.Property(x => x.PaymentId).HasMaxLength(40);
        builder.Property(x => x.ChosenChannel).HasMaxLength(64);
        builder.Property(x => x.ExplanationJson).HasMaxLength(262144);
    }
}
