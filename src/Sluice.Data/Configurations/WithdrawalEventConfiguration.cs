using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Withdrawals;

namespace Sluice.Data.Configurations;

internal sealed class WithdrawalEventConfiguration : IEntityTypeConfiguration<WithdrawalEvent>
{
    public void Configure(EntityTypeBuilder<WithdrawalEvent> builder)
    {
        builder.HasOrderEventShape();
        builder.HasIndex(x => x.WithdrawalId);
    }
}
