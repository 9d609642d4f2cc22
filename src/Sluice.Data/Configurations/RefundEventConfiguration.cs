using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Refunds;

namespace Sluice.Data.Configurations;

internal sealed class RefundEventConfiguration : IEntityTypeConfiguration<RefundEvent>
{
    public void Configure(EntityTypeBuilder<RefundEvent> builder)
    {
        builder.HasOrderEventShape();
        builder.HasIndex(x => x.RefundId);
    }
}
