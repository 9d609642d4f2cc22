using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Ledger;

namespace Sluice.Data.Configurations;

internal sealed class LedgerAccountConfiguration : IEntityTypeConfiguration<LedgerAccount>
{
    public void Configure(EntityTypeBuilder<LedgerAccount> builder)
    {
        builder.ToTable("ledger_accounts");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(160);
        builder.Property(x => x.OwnerId).HasMaxLength(64);
        builder.Property(x => x.Currency).HasMaxLength(3);
        builder.Ignore(x => x.Natural);
        builder.HasIndex(x => new { x.OwnerId, x.Type });
    }
}
