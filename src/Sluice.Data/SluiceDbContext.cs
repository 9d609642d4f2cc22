using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Common;
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

    /// <summary>True on PostgreSQL, where raw SQL may use <c>FOR UPDATE SKIP LOCKED</c>.</summary>
    public abstract bool IsPostgres { get; }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<string>().HaveMaxLength(256);
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        ConfigureChannelQueries(b);

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
            e.Property(x => x.RoutingRuleSet).HasMaxLength(64);
            e.HasOne<RoutingRuleSetDefinition>().WithMany().HasForeignKey(x => x.RoutingRuleSet).OnDelete(DeleteBehavior.Restrict);
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
            e.HasIndex(x => x.ChannelCode);
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
            e.Property(x => x.FailureMessageZh).HasMaxLength(1024);
            e.Property(x => x.ResultCode).HasMaxLength(64);
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
            e.Property(x => x.ChannelCode).HasMaxLength(128);
            e.Property(x => x.BusinessDay).HasMaxLength(10);
        });

        b.Entity<PaymentRoutingRecord>(e =>
        {
            e.HasKey(x => x.PaymentId);
            e.Property(x => x.PaymentId).HasMaxLength(40);
            e.Property(x => x.ChosenChannel).HasMaxLength(64);
            e.Property(x => x.ExplanationJson).HasMaxLength(262144);
        });

        b.Entity<LimitReservation>(e =>
        {
            e.HasKey(x => new { x.OrderId, x.ChannelCode });
            e.Property(x => x.OrderId).HasMaxLength(40);
            e.Property(x => x.ChannelCode).HasMaxLength(128);
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

        ConfigureCatalog(b);
        ConfigureResultCodes(b);
        ConfigureRefunds(b);
        ConfigureWithdrawals(b);
    }

    private static void ConfigureRefunds(ModelBuilder b)
    {
        b.Entity<Sluice.Refunds.RefundOrder>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.PaymentId).HasMaxLength(40);
            e.Property(x => x.MerchantRefundNo).HasMaxLength(64);
            e.Property(x => x.MerchantOrderNo).HasMaxLength(64);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Reason).HasMaxLength(512);
            e.Property(x => x.NotifyUrl).HasMaxLength(2048);
            e.Property(x => x.RawMessage).HasMaxLength(1024);
            e.Property(x => x.ResultCode).HasMaxLength(64);
            e.Property(x => x.FailureCode).HasMaxLength(64);
            e.Property(x => x.FailureMessage).HasMaxLength(1024);
            e.Property(x => x.FailureMessageZh).HasMaxLength(1024);
            e.Property(x => x.ExceptionReason).HasMaxLength(1024);
            e.Property(x => x.ResolutionNote).HasMaxLength(2048);
            e.Property(x => x.PayBackWithdrawalId).HasMaxLength(40);
            e.Property(x => x.PayBackPayeeAccount).HasMaxLength(64);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.AppId, x.MerchantRefundNo }).IsUnique();
            e.HasIndex(x => x.PaymentId);
            e.HasIndex(x => new { x.Status, x.CreatedAt });
            e.HasIndex(x => x.OverdueAt);
            e.HasOne<PaymentOrder>().WithMany().HasForeignKey(x => x.PaymentId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<Sluice.Refunds.RefundEvent>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Detail).HasMaxLength(4096);
            e.HasIndex(x => x.RefundId);
        });
    }

    private static void ConfigureWithdrawals(ModelBuilder b)
    {
        b.Entity<WithdrawalOrder>(e =>
        {
            e.ToTable("withdrawals");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.MerchantWithdrawalNo).HasMaxLength(64);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.PayeeAccountCiphertext).HasMaxLength(512);
            e.Property(x => x.PayeeAccountMasked).HasMaxLength(64);
            e.Property(x => x.PayeeName).HasMaxLength(128);
            e.Property(x => x.BankCode).HasMaxLength(16);
            e.Property(x => x.NotifyUrl).HasMaxLength(2048);
            e.Property(x => x.HoldReason).HasMaxLength(1024);
            e.Property(x => x.RawMessage).HasMaxLength(1024);
            e.Property(x => x.FailureMessage).HasMaxLength(1024);
            e.Property(x => x.FailureMessageZh).HasMaxLength(1024);
            e.Property(x => x.ResultCode).HasMaxLength(64);
            e.Property(x => x.LeaseOwner).HasMaxLength(128);
            e.Property(x => x.RefundId).HasMaxLength(40);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.AppId, x.MerchantWithdrawalNo }).IsUnique();
            e.HasIndex(x => x.RefundId);
            e.HasIndex(x => new { x.Status, x.NextQueryAt });
            e.HasOne<MerchantApp>().WithMany().HasForeignKey(x => x.AppId).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<WithdrawalEvent>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Detail).HasMaxLength(4096);
            e.HasIndex(x => x.WithdrawalId);
        });
    }

    /// <summary>Both result-code tables are keyed by (protocol, flow, raw code, raw sub-code), "any" stored as "".</summary>
    private static void ResultCodeKey(Microsoft.EntityFrameworkCore.Metadata.Builders.EntityTypeBuilder e)
    {
        e.HasKey("Protocol", "Flow", "RawCode", "RawSubCode");
        e.Property<string>("Protocol").HasMaxLength(32);
        e.Property<string>("Flow").HasMaxLength(32);
        e.Property<string>("RawCode").HasMaxLength(128);
        e.Property<string>("RawSubCode").HasMaxLength(128);
    }

    private static void ConfigureResultCodes(ModelBuilder b)
    {
        b.Entity<ResultCodeOverride>(e =>
        {
            ResultCodeKey(e);
            e.Property(x => x.UnifiedCode).HasMaxLength(64);
            e.Property(x => x.MessageEn).HasMaxLength(512);
            e.Property(x => x.MessageZh).HasMaxLength(512);
        });

        b.Entity<UnmappedResultCode>(e =>
        {
            ResultCodeKey(e);
            e.Property(x => x.SampleMessage).HasMaxLength(UnmappedResultCode.MaxSampleLength);
            e.HasIndex(x => x.LastSeenAt);
        });
    }

    /// <summary>The payment methods every new database starts with; operators add more through the admin API.</summary>
    public static readonly IReadOnlyList<(string Code, string Name, PaymentMethodKind Kind)> BuiltInMethods =
    [
        ("alipay_qr", "Alipay QR code", PaymentMethodKind.Payment),
        ("alipay_wap", "Alipay mobile web", PaymentMethodKind.Payment),
        ("alipay_page", "Alipay PC web", PaymentMethodKind.Payment),
        ("alipay_app", "Alipay app", PaymentMethodKind.Payment),
        ("wechat_native", "WeChat Pay native (QR)", PaymentMethodKind.Payment),
        ("wechat_jsapi", "WeChat Pay JSAPI", PaymentMethodKind.Payment),
        ("wechat_h5", "WeChat Pay H5", PaymentMethodKind.Payment),
        ("wechat_app", "WeChat Pay app", PaymentMethodKind.Payment),
        ("wechat_mini_program", "WeChat Pay mini-program", PaymentMethodKind.Payment),
        ("unionpay_gateway", "UnionPay online gateway", PaymentMethodKind.Payment),
        ("unionpay_qr", "UnionPay QR code", PaymentMethodKind.Payment),
        ("bank_card", "Bank card", PaymentMethodKind.Payment),
        ("withdraw_bank_account", "Withdrawal to bank account", PaymentMethodKind.Withdrawal),
        ("withdraw_wallet", "Withdrawal to wallet", PaymentMethodKind.Withdrawal),
    ];

    private static readonly DateTimeOffset SeededAt = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);

    private static void ConfigureCatalog(ModelBuilder b)
    {
        b.Entity<PaymentMethodDefinition>(e =>
        {
            e.ToTable("payment_methods");
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(40);
            e.Property(x => x.Name).HasMaxLength(128);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasData(BuiltInMethods.Select(m => new PaymentMethodDefinition
            {
                Code = m.Code, Name = m.Name, Kind = m.Kind, Enabled = true, Version = 1, CreatedAt = SeededAt, UpdatedAt = SeededAt,
            }));
        });

        b.Entity<Channel>(e =>
        {
            e.HasKey(x => x.Code);
            e.Property(x => x.Code).HasMaxLength(64);
            e.Property(x => x.InstitutionName).HasMaxLength(128);
            e.Property(x => x.Protocol).HasMaxLength(32);
            e.Property(x => x.PaymentMethods).HasMaxLength(1024);
            e.Property(x => x.Environments).HasMaxLength(256);
            e.Property(x => x.ProductCodes).HasMaxLength(1024);
            e.Property(x => x.Currencies).HasMaxLength(256);
            e.Property(x => x.LimitCurrency).HasMaxLength(3);
            e.Property(x => x.Version).IsConcurrencyToken();
        });

        b.Entity<ChannelMethodFee>(e =>
        {
            e.HasKey(x => new { x.ChannelCode, x.PaymentMethod });
            e.Property(x => x.ChannelCode).HasMaxLength(64);
            e.Property(x => x.PaymentMethod).HasMaxLength(40);
            e.HasOne<Channel>().WithMany().HasForeignKey(x => x.ChannelCode).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<PaymentMethodDefinition>().WithMany().HasForeignKey(x => x.PaymentMethod).OnDelete(DeleteBehavior.Restrict);
        });

        b.Entity<MaintenanceWindow>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.ChannelCode).HasMaxLength(64);
            e.Property(x => x.TimeZoneId).HasMaxLength(64);
            e.Property(x => x.Reason).HasMaxLength(512);
            e.Ignore(x => x.Zone);
            e.HasIndex(x => x.ChannelCode);
            e.HasOne<Channel>().WithMany().HasForeignKey(x => x.ChannelCode).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<ChannelBank>(e =>
        {
            e.HasKey(x => new { x.ChannelCode, x.BankCode, x.CardType });
            e.Property(x => x.ChannelCode).HasMaxLength(64);
            e.Property(x => x.BankCode).HasMaxLength(16);
            e.HasIndex(x => x.BankCode);
            e.HasOne<Channel>().WithMany().HasForeignKey(x => x.ChannelCode).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<CatalogVersion>(e =>
        {
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasData(new CatalogVersion { Id = CatalogVersion.SingletonId, Version = 1 });
        });

        b.Entity<RoutingRuleSetDefinition>(e =>
        {
            e.ToTable("routing_rule_sets");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(64);
            e.Property(x => x.Description).HasMaxLength(512);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.Ignore(x => x.Weights);
            var defaults = RoutingRuleSet.Default;
            e.HasData(new RoutingRuleSetDefinition
            {
                Name = RoutingRuleSetDefinition.DefaultName, Description = "Used by every merchant without a rule set of its own.",
                Strategy = defaults.Strategy, FeeWeight = defaults.Weights.Fee, WeightWeight = defaults.Weights.Weight,
                SuccessRateWeight = defaults.Weights.SuccessRate, LatencyWeight = defaults.Weights.Latency,
                CreatedAt = SeededAt, UpdatedAt = SeededAt, Version = 1,
            });
        });

        b.Entity<RoutingWhitelistRule>(e =>
        {
            e.ToTable("routing_whitelist");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.RuleSetName).HasMaxLength(64);
            e.Property(x => x.Value).HasMaxLength(128);
            e.Property(x => x.ChannelCodes).HasMaxLength(1024);
            e.Property(x => x.Note).HasMaxLength(512);
            e.Ignore(x => x.Channels);
            e.HasIndex(x => new { x.RuleSetName, x.Kind, x.Value });
            e.HasOne<RoutingRuleSetDefinition>().WithMany().HasForeignKey(x => x.RuleSetName).OnDelete(DeleteBehavior.Cascade);
        });
    }

    /// <summary>Supplementary queries (补单): one row per order that needs the channel's word, claimed with a lease.</summary>
    private static void ConfigureChannelQueries(ModelBuilder b)
    {
        b.Entity<ChannelQuery>(e =>
        {
            e.ToTable("channel_queries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.OrderId).HasMaxLength(40);
            e.Property(x => x.ChannelAccountId).HasMaxLength(40);
            e.Property(x => x.Protocol).HasMaxLength(32);
            e.Property(x => x.LeaseOwner).HasMaxLength(128);
            e.Property(x => x.LastResult).HasMaxLength(512);
            e.HasIndex(x => new { x.Kind, x.OrderId }).IsUnique();
            e.HasIndex(x => new { x.Status, x.NextQueryAt });
        });
    }
}
