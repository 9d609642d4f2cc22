using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Sluice.Webhooks;

namespace Sluice.Data.Configurations;

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> builder)
    {
        builder.HasKey(x => x.Id);
        builder.Property(x => x.Error).HasMaxLength(1024);
        builder.HasIndex(x => x.DeliveryId);
    }
}
