using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Channels;

namespace Sluice.Data.Configurations;

internal sealed class ChannelAccountConfiguration : IEntityTypeConfiguration<ChannelAccount>
{
    public void Configure(EntityTypeBuilder<ChannelAccount> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(40);
        builder.Property(x => x.CredentialsCiphertext).HasMaxLength(16384);
        builder.Property(x => x.PaymentMethods).HasMaxLength(1024);
        builder.HasIndex(x => x.MerchantId);
        builder.HasIndex(x => x.ChannelCode);
    }
}
