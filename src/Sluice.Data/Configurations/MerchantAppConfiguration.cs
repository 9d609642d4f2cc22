using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Merchants;

namespace Sluice.Data.Configurations;

internal sealed class MerchantAppConfiguration : IEntityTypeConfiguration<MerchantApp>
{
    public void Configure(EntityTypeBuilder<MerchantApp> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(40);
        builder.Property(x => x.NotifyUrl).HasMaxLength(2048);
        builder.Property(x => x.WebhookSecretCiphertext).HasMaxLength(512);
        builder.Property(x => x.RequestSigningSecretCiphertext).HasMaxLength(512);
        builder.HasOne<Merchant>().WithMany().HasForeignKey(x => x.MerchantId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class RequestNonceConfiguration : IEntityTypeConfiguration<RequestNonce>
{
    public void Configure(EntityTypeBuilder<RequestNonce> builder)
    {
        builder.HasKey(x => new { x.AppId, x.Nonce });
        builder.Property(x => x.AppId).HasMaxLength(40);
        builder.Property(x => x.Nonce).HasMaxLength(64);
        builder.HasIndex(x => x.ExpiresAt);
    }
}
