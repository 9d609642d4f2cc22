using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace Sluice.Server.Api;

/// <summary>
/// What the generated OpenAPI document cannot infer: the bearer security scheme (the reference page's "try it" sends the
/// key or token the reader pastes), and the problem schema's <c>code</c> with every unified code it may carry.
/// </summary>
public static class OpenApiContract
{
    public const string Bearer = "bearer";

    /// <summary>Summaries of the admin operations that are mapped without one (keyed "METHOD /path" as in the document).</summary>
    private static readonly Dictionary<string, string> AdminSummaries = new(StringComparer.Ordinal)
    {
        ["GET /admin/api/payments/{id}"] = "A payment with raw channel codes, routing explanation and timeline",
        ["GET /admin/api/audit"] = "The audit log: who changed what, when, old and new value",
        ["POST /admin/api/service-providers"] = "Create a service provider",
        ["GET /admin/api/service-providers"] = "List service providers",
        ["POST /admin/api/merchants"] = "Create a merchant under a service provider",
        ["GET /admin/api/merchants"] = "List merchants",
        ["POST /admin/api/apps"] = "Create an app of a merchant (its webhook secret is shown once)",
        ["GET /admin/api/apps"] = "List apps",
        ["POST /admin/api/apps/{appId}/api-keys"] = "Create a secret API key for an app (shown once; only its hash is stored)",
        ["GET /admin/api/apps/{appId}/api-keys"] = "List an app's API keys (prefixes only)",
        ["DELETE /admin/api/apps/{appId}/api-keys/{keyId}"] = "Revoke an API key (in force on every node within a second)",
        ["GET /admin/api/routing/rule-sets/{name}"] = "Get a routing rule set",
        ["DELETE /admin/api/routing/rule-sets/{name}"] = "Delete a routing rule set",
        ["DELETE /admin/api/routing/rule-sets/{name}/whitelist/{id}"] = "Remove a whitelist rule from a rule set",
        ["GET /admin/api/merchants/{merchantId}/routing"] = "Which routing rule set a merchant uses",
        ["POST /admin/api/channel-accounts"] = "Create a merchant's channel account (credentials encrypted, never shown back)",
        ["GET /admin/api/channel-accounts"] = "List channel accounts (without credentials)",
        ["PATCH /admin/api/channel-accounts/{id}"] = "Enable, disable, narrow methods or rotate a channel account's credentials",
        ["GET /admin/api/payment-methods"] = "List payment methods",
        ["POST /admin/api/payment-methods"] = "Define a payment method",
        ["PUT /admin/api/payment-methods/{code}"] = "Replace a payment method",
        ["GET /admin/api/channels"] = "List channels of the catalog",
        ["POST /admin/api/channels"] = "Create a channel",
        ["GET /admin/api/channels/{code}"] = "Get a channel with the version to send back when editing",
        ["PUT /admin/api/channels/{code}"] = "Replace a channel (needs the version it read)",
        ["PUT /admin/api/channels/{code}/status"] = "Put a channel online or offline",
        ["GET /admin/api/channels/{code}/maintenance-windows"] = "List a channel's maintenance windows",
        ["POST /admin/api/channels/{code}/maintenance-windows"] = "Add a one-off, daily or weekly maintenance window",
        ["DELETE /admin/api/channels/{code}/maintenance-windows/{id}"] = "Remove a maintenance window",
        ["GET /admin/api/channels/{code}/banks"] = "List a channel's bank mappings and limits",
        ["PUT /admin/api/channels/{code}/banks/{bankCode}/{cardType}"] = "Set a channel's mapping and limits for a bank and card type",
        ["DELETE /admin/api/channels/{code}/banks/{bankCode}/{cardType}"] = "Remove a channel's bank mapping",
        ["GET /admin/api/catalog"] = "The catalog version this node serves",
        ["GET /admin/api/webhooks/deliveries"] = "The webhook delivery log",
        ["GET /admin/api/webhooks/deliveries/{id}"] = "A webhook delivery with every attempt",
        ["POST /admin/api/webhooks/deliveries/{id}/resend"] = "Resend a webhook delivery (a new round of attempts)",
    };

    /// <summary>Gives an operation mapped without a summary its admin summary.</summary>
    public static void Summarize(OpenApiOperation operation, string method, string? path)
    {
        if (string.IsNullOrWhiteSpace(operation.Summary) && AdminSummaries.TryGetValue($"{method.ToUpperInvariant()} /{path?.Trim('/')}", out var summary))
        {
            operation.Summary = summary;
        }
    }

    public static void Describe(OpenApiDocument doc)
    {
        doc.Components ??= new OpenApiComponents();
        doc.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        doc.Components.SecuritySchemes[Bearer] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Merchant API (/v1): the app's secret API key (sk_...). Admin API (/admin/api): the admin token.",
        };
        doc.Security ??= [];
        doc.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, doc)] = [] });

        if (doc.Components.Schemas is { } schemas && schemas.TryGetValue("ProblemDetails", out var problem) && problem is OpenApiSchema schema)
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties["code"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "The unified error code (stable, for programs); title and detail are for people.",
                Enum = ProblemCatalog.Entries.Keys.Order(StringComparer.Ordinal).Select(c => (JsonNode)JsonValue.Create(c)!).ToList(),
            };
            schema.Properties["field"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The request field or parameter at fault, when there is one." };
        }
    }
}
