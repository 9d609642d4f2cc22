using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Merchants;
using Sluice.Payments;
using Sluice.Routing;
using Sluice.Sandbox;
using Sluice.Webhooks;

namespace Sluice.Data;

/// <summary>
/// The one model of Sluice's database. Two provider-specific subclasses carry their own migrations
/// (<see cref="SqliteSluiceDbContext"/>, <see cref="PostgresSluiceDbContext"/>).
/// </summary>
public abstract class SluiceDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<ServiceProvider> ServiceProviders => Set<ServiceProvider>();
    public DbSet<Merchant> Merchants => Set<Merchant>();
    public DbSet<MerchantApp> Apps => Set<MerchantApp>();
    public DbSet<AppApiKey> ApiKeys => Set<AppApiKey>();
    public DbSet<ChannelAccount> ChannelAccounts => Set<ChannelAccount>();
    public DbSet<ChannelCallbackLog> ChannelCallbacks => Set<ChannelCallbackLog>();
    public DbSet<PaymentOrder> Payments => Set<PaymentOrder>();
    public DbSet<PaymentEvent> PaymentEvents => Set<PaymentEvent>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<SandboxTransaction> SandboxTransactions => Set<SandboxTransaction>();
    public DbSet<ChannelDailyUsage> ChannelDailyUsage => Set<ChannelDailyUsage>();
    public DbSet<LimitReservation> LimitReservations => Set<LimitReservation>();

    /// <summary>True on PostgreSQL, where raw SQL may use <c>FOR UPDATE SKIP LOCKED</c>.</summary>
    public abstract bool IsPostgres { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<string>().HaveMaxLength(256);
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<ServiceProvider>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
        });

        b.Entity<Merchant>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.HasOne<ServiceProvider>().WithMany().HasForeignKey(x => x.ServiceProviderId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<MerchantApp>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.NotifyUrl).HasMaxLength(2048);
            e.Property(x => x.WebhookSecretCiphertext).HasMaxLength(512);
            e.HasOne<Merchant>().WithMany().HasForeignKey(x => x.MerchantId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<AppApiKey>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Prefix).HasMaxLength(64);
            e.HasIndex(x => x.Prefix).IsUnique();
            e.HasOne<MerchantApp>().WithMany().HasForeignKey(x => x.AppId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<ChannelAccount>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.CredentialsCiphertext).HasMaxLength(16384);
            e.Property(x => x.PaymentMethods).HasMaxLength(1024);
            e.HasIndex(x => x.MerchantId);
        });

        b.Entity<ChannelCallbackLog>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Body).HasMaxLength(65536);
            e.Property(x => x.RejectionReason).HasMaxLength(512);
            e.HasIndex(x => new { x.ChannelAccountId, x.ReceivedAt });
            e.HasIndex(x => x.OrderId);
        });

        b.Entity<PaymentOrder>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.MerchantOrderNo).HasMaxLength(64);
            e.Property(x => x.NotifyUrl).HasMaxLength(2048);
            e.Property(x => x.ReturnUrl).HasMaxLength(2048);
            e.Property(x => x.PayUrl).HasMaxLength(4096);
            e.Property(x => x.MetadataJson).HasMaxLength(8192);
            e.Property(x => x.RawMessage).HasMaxLength(1024);
            e.Property(x => x.FailureMessage).HasMaxLength(1024);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.AppId, x.MerchantOrderNo }).IsUnique();
            e.HasIndex(x => new { x.Status, x.ExpiresAt });
            e.HasOne<MerchantApp>().WithMany().HasForeignKey(x => x.AppId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<PaymentEvent>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Detail).HasMaxLength(4096);
            e.HasIndex(x => x.PaymentId);
        });

        b.Entity<WebhookDelivery>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Url).HasMaxLength(2048);
            e.Property(x => x.Payload).HasMaxLength(65536);
            e.Property(x => x.LastError).HasMaxLength(1024);
            e.Property(x => x.LeaseOwner).HasMaxLength(128).IsConcurrencyToken();
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            e.HasIndex(x => x.EventId);
            e.HasIndex(x => x.AppId);
        });

        b.Entity<WebhookAttempt>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Error).HasMaxLength(1024);
            e.HasIndex(x => x.DeliveryId);
        });

        b.Entity<IdempotencyRecord>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Key).HasMaxLength(255);
            e.Property(x => x.RequestHash).HasMaxLength(64);
            e.Property(x => x.ResponseBody).HasMaxLength(65536);
            e.HasIndex(x => new { x.AppId, x.Key }).IsUnique();
        });

        b.Entity<AuditEntry>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.OldValue).HasMaxLength(16384);
            e.Property(x => x.NewValue).HasMaxLength(16384);
            e.HasIndex(x => new { x.EntityType, x.EntityId });
        });

        b.Entity<ChannelDailyUsage>(e =>
        {
            e.HasKey(x => new { x.ChannelCode, x.BusinessDay });
            e.Property(x => x.ChannelCode).HasMaxLength(64);
            e.Property(x => x.BusinessDay).HasMaxLength(10);
        });

        b.Entity<LimitReservation>(e =>
        {
            e.HasKey(x => x.OrderId);
            e.Property(x => x.OrderId).HasMaxLength(40);
            e.Property(x => x.ChannelCode).HasMaxLength(64);
            e.Property(x => x.BusinessDay).HasMaxLength(10);
            e.HasIndex(x => new { x.ChannelCode, x.BusinessDay });
        });

        b.Entity<SandboxTransaction>(e =>
        {
            e.HasKey(x => x.TradeNo);
            e.Property(x => x.TradeNo).HasMaxLength(40);
            e.Property(x => x.NotifyUrl).HasMaxLength(2048);
            e.Property(x => x.ReturnUrl).HasMaxLength(2048);
            e.HasIndex(x => new { x.MerchantNo, x.Kind, x.OutTradeNo }).IsUnique();
        });
    }
}
