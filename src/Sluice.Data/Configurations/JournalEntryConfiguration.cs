using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Ledger;

namespace Sluice.Data.Configurations;

internal sealed class JournalEntryConfiguration : IEntityTypeConfiguration<JournalEntry>
{
    public void Configure(EntityTypeBuilder<JournalEntry> builder)
    {
        builder.ToTable("ledger_entries");
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).ValueGeneratedOnAdd();
        builder.Property(x => x.IdempotencyKey).HasMaxLength(160);
        builder.Property(x => x.Kind).HasMaxLength(40);
        builder.Property(x => x.OrderKind).HasMaxLength(20);
        builder.Property(x => x.OrderId).HasMaxLength(40);
        builder.Property(x => x.MerchantId).HasMaxLength(40);
        builder.Property(x => x.Currency).HasMaxLength(3);
        builder.Property(x => x.Memo).HasMaxLength(512);
        builder.HasIndex(x => x.IdempotencyKey).IsUnique();
        builder.HasIndex(x => x.OrderId);
        builder.HasIndex(x => x.PostedAt);
        builder.HasMany(x => x.Postings).WithOne().HasForeignKey(p => p.EntryId).OnDelete(DeleteBehavior.Restrict);
    }
}
