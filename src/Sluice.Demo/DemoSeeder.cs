using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Channels.Sandbox;
using Sluice.Common;
using Sluice.Data;
using Sluice.Demo.Sandbox;
using Sluice.Merchants;
using Sluice.Security;
using ServiceProvider = Sluice.Merchants.ServiceProvider;

namespace Sluice.Demo;

/// <summary>What the demo seed created; the API key and webhook secret are only known here, once.</summary>
public sealed record DemoSeed(string ServiceProviderId, string MerchantId, string AppId, string ChannelAccountId, string ApiKey, string WebhookSecret);

/// <summary>
/// On first start with an empty database: a demo service provider, merchant and app with a sandbox channel account
/// that takes every payment method, and the online <c>sandbox</c> channel it belongs to, so the quick start works without any set-up.
/// </summary>
public sealed class DemoSeeder(
    SluiceDbContext db,
    IdGenerator ids,
    TimeProvider clock,
    CredentialProtector protector,
    SandboxKeys sandboxKeys,
    SluiceDemoOptions options)
{
    public const string SandboxChannelCode = "sandbox";

    /// <summary>
    /// Creates the online <c>sandbox</c> channel when it is missing (a fresh database, or one from before the channel
    /// catalog whose sandbox channel accounts name it), in one transaction with a catalog version increment.
    /// </summary>
    public async Task EnsureSandboxChannelAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (!await db.Channels.AnyAsync(c => c.Code == SandboxChannelCode, ct))
        {
            var methods = await db.PaymentMethods.AsNoTracking().Where(m => m.Kind == PaymentMethodKind.Payment).OrderBy(m => m.Code).Select(m => m.Code).ToListAsync(ct);
            db.Channels.Add(new Channel
            {
                Code = SandboxChannelCode,
                InstitutionName = "Sluice Sandbox",
                BusinessType = ChannelBusinessType.Payment,
                Protocol = SandboxProfile.ProtocolName,
                PaymentMethods = string.Join(',', methods),
                Environments = "h5,wechat_mini_program,app_sdk,pc_web,pos",
                ProductCodes = "",
                Currencies = string.Join(',', Money.Currency.AllCodes),
                LimitCurrency = "CNY",
                Weight = 100,
                SingleMinMinor = 1,
                SingleMaxMinor = 100_000_000,
                DailyLimitMinor = null,
                Status = ChannelStatus.Online,
                CreatedAt = now,
                UpdatedAt = now,
            });
            db.ChannelMethodFees.AddRange(methods.Select(m => new ChannelMethodFee { ChannelCode = SandboxChannelCode, PaymentMethod = m, RatePpm = 6000 }));
            await db.CatalogVersions.Where(v => v.Id == CatalogVersion.SingletonId)
                .ExecuteUpdateAsync(u => u.SetProperty(v => v.Version, v => v.Version + 1), ct);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException ex) when (SluiceDatabase.IsUniqueViolation(ex))
            {
                // Another node starting at the same time created it first.
                db.ChangeTracker.Clear();
                return;
            }
        }

        await tx.CommitAsync(ct);
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
        var merchantNo = "SBX" + ApiKeys.RandomToken(8).ToUpperInvariant();
        var account = new ChannelAccount
        {
            Id = ids.Next("cha"),
            ChannelCode = SandboxChannelCode,
            Protocol = SandboxProfile.ProtocolName,
            MerchantId = merchant.Id,
            PaymentMethods = (await db.Channels.AsNoTracking().FirstAsync(c => c.Code == SandboxChannelCode, ct)).PaymentMethods,
            CredentialsCiphertext = protector.Protect(JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["merchant_no"] = merchantNo,
                ["api_secret"] = sandboxKeys.SecretFor(merchantNo),
                ["base_url"] = options.PublicBase.ToString(),
            })),
            CreatedAt = now,
        };

        db.ServiceProviders.Add(sp);
        db.Merchants.Add(merchant);
        db.Apps.Add(app);
        db.ChannelAccounts.Add(account);

        // The demo app's test key, stored as the admin API stores keys: only its hash, shown here once.
        var key = ApiKeys.Create("test");
        db.ApiKeys.Add(new AppApiKey { Id = ids.Next("key"), AppId = app.Id, Prefix = key.Prefix, SecretHash = key.Hash, CreatedAt = now });
        await db.SaveChangesAsync(ct);
        return new DemoSeed(sp.Id, merchant.Id, app.Id, account.Id, key.Plaintext, webhookSecret);
    }
}

/// <summary>Holds the demo seed of this process so tests can use its one-time API key.</summary>
public sealed class DemoSeedHolder
{
    public DemoSeed? Seed { get; set; }
}
