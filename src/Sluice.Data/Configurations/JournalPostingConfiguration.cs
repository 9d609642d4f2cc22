using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Ledger;

namespace Sluice.Data.Configurations;

internal sealed class JournalPostingConfiguration : IEntityTypeConfiguration<JournalPosting>
{
    public void Configure(EntityTypeBuilder<JournalPosting> builder)
    {
        builder.ToTable("ledger_postings");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).ValueGeneratedOnAdd();
        builder.Property(x => x.AccountId).HasMaxLength(160);
        builder.Property(x => x.Currency).HasMaxLength(3);
        builder.HasOne<LedgerAccount>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(x => new { x.AccountId, x.EntryId });
    }
}
