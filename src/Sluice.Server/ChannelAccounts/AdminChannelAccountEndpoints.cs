using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Channels.Sandbox;
using Sluice.Demo;
using Sluice.Common;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using Sluice.Server.Payments;

namespace Sluice.Server.ChannelAccounts;

public sealed record CreateChannelAccountRequest(
    string? ChannelCode,
    string? Protocol,
    string? MerchantId,
    string? ServiceProviderId,
    string? SubMerchantId,
    IReadOnlyList<string>? PaymentMethods,
    Dictionary<string, string>? Credentials);

/// <summary>A sandbox channel account for a merchant; the channel defaults to <c>sandbox</c> and the methods to all the channel takes.</summary>
public sealed record CreateSandboxAccountRequest(string? MerchantId, string? ChannelCode, IReadOnlyList<string>? PaymentMethods);

/// <summary>Changes to a channel account; absent fields keep their value. New credentials replace the old ones whole.</summary>
public sealed record UpdateChannelAccountRequest(bool? Enabled, IReadOnlyList<string>? PaymentMethods, Dictionary<string, string>? Credentials);

/// <summary>A channel account as the admin API shows it: credential names only, never their values.</summary>
public sealed record ChannelAccountView(
    string Id, string ChannelCode, string Protocol, string MerchantId, string? ServiceProviderId, string? SubMerchantId,
    IReadOnlyList<string> PaymentMethods, IReadOnlyList<string> CredentialNames, bool Enabled, string NotifyUrl, DateTimeOffset CreatedAt);

public static class AdminChannelAccountEndpoints
{
    public static void MapAdminChannelAccountEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("/channel-accounts").WithTags("Admin: channel accounts");
        admin.MapPost("/", CreateAsync);
        admin.MapPatch("/{id}", UpdateAsync);
        admin.MapGet("/", async (string? merchantId, SluiceDbContext db, ChannelAccountContexts contexts, CancellationToken ct) =>
        {
            var rows = await db.ChannelAccounts.AsNoTracking().Where(a => merchantId == null || a.MerchantId == merchantId).OrderBy(a => a.Id).ToListAsync(ct);
            return TypedResults.Ok(rows.Select(a => View(a, contexts)).ToList());
        });
    }

    /// <summary>
    /// <c>POST /admin/api/sandbox/accounts</c> (demo mode): a merchant's account at a sandbox channel, with a merchant
    /// number and secret the sandbox issues on the spot (an operator cannot know the secret, it is derived from the
    /// node's master key). Created exactly as <c>POST /admin/api/channel-accounts</c> creates any account.
    /// </summary>
    public static void MapAdminSandboxAccountEndpoint(this RouteGroupBuilder adminApi) =>
        adminApi.MapPost("/sandbox/accounts", async (
            CreateSandboxAccountRequest? r, DemoSeeder demo, SluiceDbContext db, ChannelAdapterRegistry adapters, ChannelAccountContexts contexts,
            IdGenerator ids, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var channelCode = r?.ChannelCode ?? DemoSeeder.SandboxChannelCode;
            var methods = r?.PaymentMethods;
            if (await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Code == channelCode, ct) is { } channel)
            {
                if (channel.Protocol != SandboxProfile.ProtocolName)
                {
                    return Problems.Validation(UnifiedCode.InvalidField, "channel_code", $"channel_code must name a sandbox channel; '{channelCode}' speaks {channel.Protocol}.");
                }

                methods ??= Channel.SplitList(channel.PaymentMethods);
            }

            return await CreateAsync(
                new CreateChannelAccountRequest(channelCode, SandboxProfile.ProtocolName, r?.MerchantId, null, null, methods, demo.NewSandboxCredentials()),
                db, adapters, contexts, ids, clock, user, ct);
        })
        .WithTags("Admin: channel accounts")
        .WithSummary("Create a sandbox channel account (demo mode)")
        .WithDescription("Gives a merchant an account at a sandbox channel (default `sandbox`; `sandbox_payout` for withdrawals) " +
            "with a merchant number and secret issued by the sandbox. Mapped only in demo mode.");

    internal static ChannelAccountView View(ChannelAccount a, ChannelAccountContexts contexts) => new(
        a.Id, a.ChannelCode, a.Protocol, a.MerchantId, a.ServiceProviderId, a.SubMerchantId,
        a.PaymentMethods.Split(',', StringSplitOptions.RemoveEmptyEntries),
        contexts.For(a).Credentials.Keys.Order(StringComparer.Ordinal).ToList(),
        a.Enabled, contexts.NotifyUrl(a.Id).ToString(), a.CreatedAt);

    private static async Task<Results<Created<ChannelAccountView>, ProblemHttpResult>> CreateAsync(
        CreateChannelAccountRequest? r, SluiceDbContext db, ChannelAdapterRegistry adapters, ChannelAccountContexts contexts,
        IdGenerator ids, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r?.ChannelCode) || r.ChannelCode.Length > 64)
        {
            return Problems.Validation(UnifiedCode.MissingField, "channel_code", "channel_code is required (at most 64 characters).");
        }

        if (r.Protocol is null || !adapters.Protocols.Contains(r.Protocol))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "protocol", $"protocol must be one of: {string.Join(", ", adapters.Protocols)}.");
        }

        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Code == r.ChannelCode, ct);
        if (channel is null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "channel_code", "channel_code must name an existing channel (POST /admin/api/channels).");
        }

        if (channel.Protocol != r.Protocol)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "protocol", $"protocol must be the channel's protocol ({channel.Protocol}).");
        }

        var merchant = string.IsNullOrWhiteSpace(r.MerchantId) ? null : await db.Merchants.AsNoTracking().FirstOrDefaultAsync(m => m.Id == r.MerchantId, ct);
        if (merchant is null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "merchant_id", "merchant_id must name an existing merchant.");
        }

        if (r.ServiceProviderId is not null && !await db.ServiceProviders.AnyAsync(s => s.Id == r.ServiceProviderId, ct))
        {
            return Problems.Validation(UnifiedCode.InvalidField, "service_provider_id", "service_provider_id must name an existing service provider.");
        }

        // Partner mode: the service provider holds the account and the merchant is its sub-merchant at the channel.
        if (r.ServiceProviderId is not null && merchant.ServiceProviderId != r.ServiceProviderId)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "service_provider_id", "In partner mode the merchant must belong to the service provider.");
        }

        if (r.ServiceProviderId is not null && (string.IsNullOrWhiteSpace(r.SubMerchantId) || r.SubMerchantId.Length > 64))
        {
            return Problems.Validation(UnifiedCode.MissingField, "sub_merchant_id", "Partner mode (service_provider_id) needs the merchant's sub_merchant_id at the channel (at most 64 characters).");
        }

        if (r.ServiceProviderId is null && r.SubMerchantId is not null)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "sub_merchant_id", "sub_merchant_id is for partner mode only; give service_provider_id as well.");
        }

        if (r.PaymentMethods is null || r.PaymentMethods.Count == 0)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "payment_methods", "payment_methods must list payment methods the channel takes.");
        }

        // The channel's methods are defined payment methods (the catalog checks that), so this also refuses unknown ones.
        var channelMethods = Channel.SplitList(channel.PaymentMethods);
        if (r.PaymentMethods.FirstOrDefault(m => !channelMethods.Contains(m, StringComparer.Ordinal)) is { } unsupported)
        {
            return Problems.Validation(UnifiedCode.InvalidField, "payment_methods", $"Channel '{channel.Code}' does not take '{unsupported}'.");
        }

        if (r.Credentials is null || r.Credentials.Count == 0)
        {
            return Problems.Validation(UnifiedCode.MissingField, "credentials", "credentials are required.");
        }

        var account = new ChannelAccount
        {
            Id = ids.Next("cha"),
            ChannelCode = r.ChannelCode,
            Protocol = r.Protocol,
            MerchantId = merchant.Id,
            ServiceProviderId = r.ServiceProviderId,
            SubMerchantId = r.SubMerchantId,
            PaymentMethods = string.Join(',', r.PaymentMethods.Distinct(StringComparer.Ordinal)),
            CredentialsCiphertext = contexts.Protect(r.Credentials),
            CreatedAt = clock.GetUtcNow(),
        };
        db.ChannelAccounts.Add(account);
        var view = View(account, contexts);
        AuditLog.Add(db, clock, user, "create", "channel_account", account.Id, null, view);
        await db.SaveChangesAsync(ct);
        contexts.Invalidate(account.MerchantId);
        return TypedResults.Created($"/admin/api/channel-accounts/{account.Id}", view);
    }

    private static async Task<Results<Ok<ChannelAccountView>, ProblemHttpResult>> UpdateAsync(
        string id, UpdateChannelAccountRequest? r, SluiceDbContext db, ChannelAccountContexts contexts, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var account = await db.ChannelAccounts.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (account is null)
        {
            return Problems.NotFound("channel account");
        }

        if (r is null || (r.Enabled is null && r.PaymentMethods is null && r.Credentials is null))
        {
            return Problems.Validation(UnifiedCode.MissingField, "enabled", "Send at least one of enabled, payment_methods, credentials.");
        }

        if (r.PaymentMethods is not null)
        {
            var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Code == account.ChannelCode, ct);
            var channelMethods = channel is null ? [] : Channel.SplitList(channel.PaymentMethods);
            if (r.PaymentMethods.Count == 0 || r.PaymentMethods.FirstOrDefault(m => !channelMethods.Contains(m, StringComparer.Ordinal)) is { } unsupported)
            {
                return Problems.Validation(UnifiedCode.InvalidField, "payment_methods", $"payment_methods must list methods channel '{account.ChannelCode}' takes.");
            }
        }

        if (r.Credentials is { Count: 0 })
        {
            return Problems.Validation(UnifiedCode.InvalidField, "credentials", "credentials, when given, must not be empty.");
        }

        var before = View(account, contexts);
        account.Enabled = r.Enabled ?? account.Enabled;
        if (r.PaymentMethods is not null)
        {
            account.PaymentMethods = string.Join(',', r.PaymentMethods.Distinct(StringComparer.Ordinal));
        }

        if (r.Credentials is not null)
        {
            account.CredentialsCiphertext = contexts.Protect(r.Credentials);
        }

        var after = View(account, contexts);
        // Views carry credential names only; a rotation is recorded as such, never with the values.
        AuditLog.Add(db, clock, user, r.Credentials is null ? "update" : "update_rotate_credentials", "channel_account", account.Id, before, after);
        await db.SaveChangesAsync(ct);
        contexts.Invalidate(account.MerchantId);
        return TypedResults.Ok(after);
    }
}
