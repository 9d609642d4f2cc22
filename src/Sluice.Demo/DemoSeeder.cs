using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Channels.Sandbox;
using Sluice.Common;
using Sluice.Data;
using Sluice.Demo.Sandbox;
using Sluice.Ledger;
using Microsoft.Extensions.Configuration;
using Sluice.Merchants;
using Sluice.Security;
using ServiceProvider = Sluice.Merchants.ServiceProvider;

namespace Sluice.Demo;

/// <summary>What the demo seed created; the API key and webhook secret are only known here, once.</summary>
public sealed record DemoSeed(string ServiceProviderId, string MerchantId, string AppId, string ChannelAccountId, string PayoutChannelAccountId, string ApiKey, string WebhookSecret);

/// <summary>
/// On first start with an empty database: a demo service provider, merchant and app with a sandbox channel account
/// that takes every payment method, an account at the sandbox's payouts, and the online <c>sandbox</c> and
/// <c>sandbox_payout</c> channels they belong to, so the quick start works without any set-up.
/// </summary>
public sealed class DemoSeeder(
    SluiceDbContext db,
    IdGenerator ids,
    TimeProvider clock,
    CredentialProtector protector,
    SandboxKeys sandboxKeys,
    SluiceDemoOptions options,
    IConfiguration configuration)
{
    public const string SandboxChannelCode = "sandbox";

    /// <summary>The sandbox's payouts (withdrawals to a bank account or a wallet), a channel of their own.</summary>
    public const string SandboxPayoutChannelCode = "sandbox_payout";

    /// <summary>
    /// Creates the online <c>sandbox</c> payment channel and <c>sandbox_payout</c> withdrawal channel when they are
    /// missing (a fresh database, or one from before the channel catalog whose sandbox channel accounts name them), in
    /// one transaction with a catalog version increment.
    /// </summary>
    public async Task EnsureSandboxChannelAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.Channels.AsNoTracking().Where(c => c.Code == SandboxChannelCode || c.Code == SandboxPayoutChannelCode).Select(c => c.Code).ToListAsync(ct);
        if (existing.Count == 2)
        {
            return;
        }

        foreach (var (code, kind, businessType, name) in new[]
        {
            (SandboxChannelCode, PaymentMethodKind.Payment, ChannelBusinessType.Payment, "Sluice Sandbox"),
            (SandboxPayoutChannelCode, PaymentMethodKind.Withdrawal, ChannelBusinessType.Withdrawal, "Sluice Sandbox Payouts"),
        })
        {
            if (existing.Contains(code))
            {
                continue;
            }

            var methods = await db.PaymentMethods.AsNoTracking().Where(m => m.Kind == kind).OrderBy(m => m.Code).Select(m => m.Code).ToListAsync(ct);
            db.Channels.Add(new Channel
            {
                Code = code,
                InstitutionName = name,
                BusinessType = businessType,
                Protocol = SandboxProfile.ProtocolName,
                PaymentMethods = string.Join(',', methods),
                Environments = kind == PaymentMethodKind.Payment ? "h5,wechat_mini_program,app_sdk,pc_web,pos" : "",
                ProductCodes = "",
                Currencies = kind == PaymentMethodKind.Payment ? string.Join(',', Money.Currency.AllCodes) : "CNY",
                LimitCurrency = "CNY",
                Weight = 100,
                SingleMinMinor = 1,
                SingleMaxMinor = 100_000_000,
                DailyLimitMinor = null,
                Status = ChannelStatus.Online,
                CreatedAt = now,
                UpdatedAt = now,
            });
            db.ChannelMethodFees.AddRange(methods.Select(m => new ChannelMethodFee { ChannelCode = code, PaymentMethod = m, RatePpm = kind == PaymentMethodKind.Payment ? 6000 : 1000 }));
        }

        await db.CatalogVersions.Where(v => v.Id == CatalogVersion.SingletonId)
            .ExecuteUpdateAsync(u => u.SetProperty(v => v.Version, v => v.Version + 1), ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
        {
            // Another node starting at the same time created them first.
            db.ChangeTracker.Clear();
            return;
        }

        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Credentials of a new merchant at the sandbox channel, as the channel would issue them: a fresh merchant number
    /// and its API secret (derived from the node's master key, so every demo node's sandbox knows it).
    /// </summary>
    public Dictionary<string, string> NewSandboxCredentials()
    {
        var merchantNo = "SBX" + ApiKeys.RandomToken(8).ToUpperInvariant();
        return new Dictionary<string, string>
        {
            ["merchant_no"] = merchantNo,
            ["api_secret"] = sandboxKeys.SecretFor(merchantNo),
            ["base_url"] = options.PublicBase.ToString(),
        };
    }

    public async Task<DemoSeed?> SeedIfEmptyAsync(CancellationToken ct)
    {
        await EnsureSandboxChannelAsync(ct);
        if (await db.ServiceProviders.AnyAsync(ct))
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var sp = new ServiceProvider { Id = ids.Next("sp"), Name = "Demo Service Provider", CreatedAt = now };
        var merchant = new Merchant { Id = ids.Next("mch"), ServiceProviderId = sp.Id, Name = "Demo Shop", Kind = MerchantKind.Normal, CreatedAt = now };
        var webhookSecret = "whsec_" + ApiKeys.RandomToken(40);
        var app = new MerchantApp
        {
            Id = ids.Next("app"), MerchantId = merchant.Id, Name = "Demo Shop Web",
            NotifyUrl = new Uri(options.PublicBase, "demo/webhooks").ToString(),
            WebhookSecretCiphertext = protector.Protect(webhookSecret), CreatedAt = now,
        };
        var credentials = protector.Protect(JsonSerializer.Serialize(NewSandboxCredentials()));
        var channels = await db.Channels.AsNoTracking().Where(c => c.Code == SandboxChannelCode || c.Code == SandboxPayoutChannelCode).ToDictionaryAsync(c => c.Code, ct);
        ChannelAccount AccountAt(string channelCode) => new()
        {
            Id = ids.Next("cha"),
            ChannelCode = channelCode,
            Protocol = SandboxProfile.ProtocolName,
            MerchantId = merchant.Id,
            PaymentMethods = channels[channelCode].PaymentMethods,
            CredentialsCiphertext = credentials,
            CreatedAt = now,
        };
        var account = AccountAt(SandboxChannelCode);
        var payoutAccount = AccountAt(SandboxPayoutChannelCode);

        db.ServiceProviders.Add(sp);
        db.Merchants.Add(merchant);
        db.Apps.Add(app);
        db.ChannelAccounts.AddRange(account, payoutAccount);

        // T+0: a demo payment's money becomes available as soon as the settlement worker sees it, so a withdrawal can
        // be tried right after a payment. The other settings are the gateway's defaults.
        db.MerchantLedgerSettings.Add(new MerchantLedgerSettings
        {
            MerchantId = merchant.Id,
            FeeRatePpm = configuration.GetValue("Sluice:Ledger:DefaultFeeRatePpm", 0),
            NegativeBalanceLimit = configuration.GetValue("Sluice:Ledger:DefaultNegativeBalanceLimit", 0L),
            SettlementDelayDays = 0,
            UpdatedAt = now,
        });

        // The demo app's test key, stored as the admin API stores keys: only its hash, shown here once.
        var key = ApiKeys.Create("test");
        db.ApiKeys.Add(new AppApiKey { Id = ids.Next("key"), AppId = app.Id, Prefix = key.Prefix, SecretHash = key.Hash, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        return new DemoSeed(sp.Id, merchant.Id, app.Id, account.Id, payoutAccount.Id, key.Plaintext, webhookSecret);
    }
}

/// <summary>Holds the demo seed of this process so tests can use its one-time API key.</summary>
public sealed class DemoSeedHolder
{
    public DemoSeed? Seed { get; set; }
}
