using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Common;
using Sluice.Ledger;
using Sluice.Merchants;
using Sluice.Payments;
using Sluice.Routing;
using Sluice.Sandbox;
using Sluice.Webhooks;
using Sluice.Withdrawals;

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
    public DbSet<RequestNonce> RequestNonces => Set<RequestNonce>();
    public DbSet<ChannelAccount> ChannelAccounts => Set<ChannelAccount>();
    public DbSet<ChannelCallbackLog> ChannelCallbacks => Set<ChannelCallbackLog>();
    public DbSet<PaymentOrder> Payments => Set<PaymentOrder>();
    public DbSet<PaymentEvent> PaymentEvents => Set<PaymentEvent>();
    public DbSet<ChannelQuery> ChannelQueries => Set<ChannelQuery>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<SandboxTransaction> SandboxTransactions => Set<SandboxTransaction>();
    public DbSet<ChannelDailyUsage> ChannelDailyUsage => Set<ChannelDailyUsage>();
    public DbSet<ChannelBreaker> ChannelBreakers => Set<ChannelBreaker>();
    public DbSet<LimitReservation> LimitReservations => Set<LimitReservation>();
    public DbSet<PaymentRoutingRecord> PaymentRouting => Set<PaymentRoutingRecord>();
    public DbSet<PaymentMethodDefinition> PaymentMethods => Set<PaymentMethodDefinition>();
    public DbSet<Channel> Channels => Set<Channel>();
    public DbSet<ChannelMethodFee> ChannelMethodFees => Set<ChannelMethodFee>();
    public DbSet<MaintenanceWindow> MaintenanceWindows => Set<MaintenanceWindow>();
    public DbSet<ChannelBank> ChannelBanks => Set<ChannelBank>();
    public DbSet<CatalogVersion> CatalogVersions => Set<CatalogVersion>();
    public DbSet<RoutingRuleSetDefinition> RoutingRuleSets => Set<RoutingRuleSetDefinition>();
    public DbSet<RoutingWhitelistRule> RoutingWhitelist => Set<RoutingWhitelistRule>();
    public DbSet<ResultCodeOverride> ResultCodeOverrides => Set<ResultCodeOverride>();
    public DbSet<UnmappedResultCode> UnmappedResultCodes => Set<UnmappedResultCode>();
    public DbSet<Sluice.Refunds.RefundOrder> Refunds => Set<Sluice.Refunds.RefundOrder>();
    public DbSet<Sluice.Refunds.RefundEvent> RefundEvents => Set<Sluice.Refunds.RefundEvent>();
    public DbSet<WithdrawalOrder> Withdrawals => Set<WithdrawalOrder>();
    public DbSet<WithdrawalEvent> WithdrawalEvents => Set<WithdrawalEvent>();
    public DbSet<LedgerAccount> LedgerAccounts => Set<LedgerAccount>();
    public DbSet<JournalEntry> JournalEntries => Set<JournalEntry>();
    public DbSet<JournalPosting> JournalPostings => Set<JournalPosting>();
    public DbSet<MerchantLedgerSettings> MerchantLedgerSettings => Set<MerchantLedgerSettings>();
    public DbSet<MerchantFeeRate> MerchantFeeRates => Set<MerchantFeeRate>();
    public DbSet<PaymentSettlement> PaymentSettlements => Set<PaymentSettlement>();

    /// <summary>True on PostgreSQL, where raw SQL may use <c>FOR UPDATE SKIP LOCKED</c>.</summary>
    public abstract bool IsPostgres { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<string>().HaveMaxLength(256);
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    /// <summary>Every entity is configured by its own <see cref="IEntityTypeConfiguration{TEntity}"/> in <c>Configurations/</c>.</summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(SluiceDbContext).Assembly);
}
