using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Sandbox;

namespace Sluice.Data.Configurations;

internal sealed class SandboxTransactionConfiguration : IEntityTypeConfiguration<SandboxTransaction>
{
    public void Configure(EntityTypeBuilder<SandboxTransaction> builder)
    {
        builder.HasKey(x => x.TradeNo);
        builder.Property(x => x.TradeNo).HasMaxLength(40);
        builder.Property(x => x.NotifyUrl).HasMaxLength(2048);
        builder.Property(x => x.ReturnUrl).HasMaxLength(2048);
        builder.HasIndex(x => new { x.MerchantNo, x.Kind, x.OutTradeNo }).IsUnique();
    }
}
