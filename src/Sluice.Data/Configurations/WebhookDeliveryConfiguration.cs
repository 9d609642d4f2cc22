using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Webhooks;

namespace Sluice.Data.Configurations;

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Id).HasMaxLength(40);
        builder.Property(x => x.Url).HasMaxLength(2048);
        builder.Property(x => x.Payload).HasMaxLength(65536);
        builder.Property(x => x.LastError).HasMaxLength(1024);
        builder.Property(x => x.LeaseOwner).HasMaxLength(128).IsConcurrencyToken();
        builder.HasIndex(x => new { x.Status, x.NextAttemptAt });
        builder.HasIndex(x => x.EventId);
        builder.Property(x => x.OrderId).HasMaxLength(40);
        builder.HasIndex(x => x.AppId);
        builder.HasIndex(x => new { x.AppId, x.EventId });   // GET /v1/events: newest first, keyset pages
        builder.HasIndex(x => new { x.AppId, x.OrderId });
    }
}
