using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Sluice.Channels;
using Sluice.Data;
using Sluice.Errors;
using Sluice.Server.Api;
using Sluice.Server.Audit;
using static Sluice.Server.Channels.AdminCatalogEndpoints;

namespace Sluice.Server.Channels;

/// <summary>Admin API for the payment methods channels and accounts may name (<c>/admin/api/payment-methods</c>).</summary>
public static partial class AdminPaymentMethodEndpoints
{
    public static void MapAdminPaymentMethodEndpoints(this RouteGroupBuilder adminApi)
    {
        var admin = adminApi.MapGroup("").WithTags("Admin: channels");
        admin.MapGet("/payment-methods", async (SluiceDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.PaymentMethods.AsNoTracking().OrderBy(m => m.Code).ToListAsync(ct)).Select(PaymentMethodView.Of).ToList()));
        admin.MapPost("/payment-methods", CreateMethodAsync);
        admin.MapPut("/payment-methods/{code}", UpdateMethodAsync);
    }

    private static async Task<Results<Created<PaymentMethodView>, ProblemHttpResult>> CreateMethodAsync(
        CreatePaymentMethodRequest? r, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(r?.Code))
        {
            return Missing("code");
        }

        if (!MethodCodePattern().IsMatch(r.Code))
        {
            return Invalid("code", "code must be 2-40 characters of lower-case letters, digits and '_', starting with a letter.");
        }

        if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > 128)
        {
            return Problems.Validation(UnifiedCode.MissingField, "name", "name is required (at most 128 characters).");
        }

        if (CatalogText.MethodKind(r.Kind ?? "payment") is not { } kind)
        {
            return Invalid("kind", "kind must be payment or withdrawal.");
        }

        if (await db.PaymentMethods.AnyAsync(m => m.Code == r.Code, ct))
        {
            return Problems.Conflict(UnifiedCode.AlreadyExists, $"Payment method '{r.Code}' already exists.");
        }

        var now = clock.GetUtcNow();
        var method = new PaymentMethodDefinition { Code = r.Code, Name = r.Name.Trim(), Kind = kind, CreatedAt = now, UpdatedAt = now };
        db.PaymentMethods.Add(method);
        AuditLog.Add(db, clock, user, "create", "payment_method", method.Code, null, PaymentMethodView.Of(method));
        if (await CommitAsync(db, catalog, ct) is { } conflict)
        {
            return conflict;
        }

        return TypedResults.Created($"/admin/api/payment-methods/{method.Code}", PaymentMethodView.Of(method));
    }

    private static async Task<Results<Ok<PaymentMethodView>, ProblemHttpResult>> UpdateMethodAsync(
        string code, UpdatePaymentMethodRequest? r, SluiceDbContext db, ChannelCatalog catalog, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct)
    {
        var method = await db.PaymentMethods.FirstOrDefaultAsync(m => m.Code == code, ct);
        if (method is null)
        {
            return Problems.NotFound("payment method");
        }

        if (r?.Version is not { } version)
        {
            return Missing("version");
        }

        if (r.Name is not null && (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > 128))
        {
            return Invalid("name", "name must be 1-128 characters.");
        }

        if (version != method.Version)
        {
            return Stale("payment method", method.Version);
        }

        var before = PaymentMethodView.Of(method);
        method.Name = r.Name?.Trim() ?? method.Name;
        method.Enabled = r.Enabled ?? method.Enabled;
        method.Version++;
        method.UpdatedAt = clock.GetUtcNow();
        AuditLog.Add(db, clock, user, "update", "payment_method", method.Code, before, PaymentMethodView.Of(method));
        return await CommitAsync(db, catalog, ct) is { } conflict ? conflict : TypedResults.Ok(PaymentMethodView.Of(method));
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{1,39}$")]
    private static partial Regex MethodCodePattern();
}
