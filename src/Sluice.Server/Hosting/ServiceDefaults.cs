using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Sluice.Data;

namespace Sluice.Server.Hosting;

/// <summary>Telemetry, health and logging shared by every Sluice host.</summary>
public static class ServiceDefaults
{
    public const string MeterName = "Sluice";
    public const string ActivitySourceName = "Sluice";

    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.FormatterName = MaskingJsonConsoleFormatter.FormatterName)
            .AddConsoleFormatter<MaskingJsonConsoleFormatter, ConsoleFormatterOptions>(o => o.IncludeScopes = true);

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("sluice", serviceInstanceId: builder.Configuration["Sluice:NodeId"]))
            .WithMetrics(m => m
                .AddMeter(MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation());

        // Spans cost CPU on every request even when nobody reads them: record them only when they are exported.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.WithTracing(t => t
                .AddSource(ActivitySourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx => !ctx.Request.Path.StartsWithSegments("/healthz") && !ctx.Request.Path.StartsWithSegments("/readyz"))
                .AddHttpClientInstrumentation()
                .AddNpgsql());
            otel.UseOtlpExporter();
        }

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"])
            .AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        builder.Services.AddSingleton<SluiceMetrics>();
        return builder;
    }

    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).ExcludeFromDescription().AllowAnonymous();
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = r => r.Tags.Contains("ready") }).ExcludeFromDescription().AllowAnonymous();
        return app;
    }

    private sealed class DatabaseHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SluiceDbContext>();
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("database unreachable");
        }
    }
}

/// <summary>Sluice's own trace spans: channel calls and callbacks, tagged with protocol, account and outcome.</summary>
public static class SluiceTracing
{
    public static readonly System.Diagnostics.ActivitySource Source = new(ServiceDefaults.ActivitySourceName);

    public static System.Diagnostics.Activity? StartChannelCall(string operation, string protocol, string accountId, string orderId)
    {
        var activity = Source.StartActivity("channel." + operation, System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("sluice.channel.protocol", protocol);
        activity?.SetTag("sluice.channel.account_id", accountId);
        activity?.SetTag("sluice.order_id", orderId);
        return activity;
    }
}

/// <summary>Sluice's own business metrics.</summary>
public sealed class SluiceMetrics
{
    public SluiceMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(ServiceDefaults.MeterName);
        PaymentsCreated = meter.CreateCounter<long>("sluice.payments.created");
        OrderTransitions = meter.CreateCounter<long>("sluice.orders.transitions");
        CallbacksReceived = meter.CreateCounter<long>("sluice.callbacks.received");
        WebhookAttempts = meter.CreateCounter<long>("sluice.webhooks.attempts");
        ChannelCallDuration = meter.CreateHistogram<double>("sluice.channel.call.duration", unit: "ms");
        AmountMismatches = meter.CreateCounter<long>("sluice.channel.amount_mismatches");
    }

    public Counter<long> PaymentsCreated { get; }
    public Counter<long> OrderTransitions { get; }
    public Counter<long> CallbacksReceived { get; }
    public Counter<long> WebhookAttempts { get; }
    public Histogram<double> ChannelCallDuration { get; }

    /// <summary>Reported successes not believed because their amount is missing, unreadable or another than the order's.</summary>
    public Counter<long> AmountMismatches { get; }
}
