using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace Sluice.Client;

/// <summary>Registers <see cref="SluiceClient"/> on <see cref="IHttpClientFactory"/>.</summary>
public static class SluiceServiceCollectionExtensions
{
    /// <summary>The name of the client's resilience pipeline (retries with backoff and jitter, attempt timeout).</summary>
    public const string PipelineName = "sluice";

    /// <summary>
    /// Adds <see cref="SluiceClient"/> as a typed HTTP client: base address and API key from the options, a retry
    /// pipeline (exponential backoff with jitter, on network errors, attempt timeouts, 5xx and 409
    /// <c>idempotency_request_in_progress</c>; never on any other 4xx) and, inside it, request signing when a signing
    /// secret is set.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets <see cref="SluiceClientOptions.BaseAddress"/>, <see cref="SluiceClientOptions.ApiKey"/> and the rest.</param>
    /// <returns>The HTTP client builder, to add handlers of one's own (they run inside the retries).</returns>
    public static IHttpClientBuilder AddSluiceClient(this IServiceCollection services, Action<SluiceClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<SluiceClientOptions>()
            .Configure(configure)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "SluiceClientOptions.BaseAddress must be an absolute URI.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ApiKey), "SluiceClientOptions.ApiKey is required.")
            .Validate(o => o.MaxRetries >= 0, "SluiceClientOptions.MaxRetries must not be negative.")
            .ValidateOnStart();
        services.TryAddTransient<SluiceRequestSigningHandler>();

        var builder = services.AddHttpClient<SluiceClient>((sp, http) =>
        {
            var o = sp.GetRequiredService<IOptions<SluiceClientOptions>>().Value;
            var baseAddress = o.BaseAddress!.ToString();
            http.BaseAddress = new Uri(baseAddress.EndsWith('/') ? baseAddress : baseAddress + "/");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Sluice.Client", typeof(SluiceClient).Assembly.GetName().Version?.ToString(3)));
            if (o.AcceptLanguage is { Length: > 0 } language)
            {
                http.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
            }

            // The pipeline bounds each attempt; the HttpClient's own timeout must not cut the retries short.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        builder.AddResilienceHandler(PipelineName, static (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<SluiceClientOptions>>().Value;
            if (o.MaxRetries > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = o.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = o.RetryBaseDelay,
                    ShouldHandle = static args => ShouldRetryAsync(args.Outcome),
                });
            }

            pipeline.AddTimeout(o.AttemptTimeout);
        });
        builder.AddHttpMessageHandler<SluiceRequestSigningHandler>();
        return builder;
    }

    /// <summary>Network errors, attempt timeouts, 5xx and 409 <c>idempotency_request_in_progress</c>; nothing else.</summary>
    private static async ValueTask<bool> ShouldRetryAsync(Outcome<HttpResponseMessage> outcome)
    {
        if (outcome.Exception is not null)
        {
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        if ((int)response.StatusCode >= 500)
        {
            return true;
        }

        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            return false;
        }

        // Reading buffers the body, so a 409 that is not retried can still be read by the client.
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        try
        {
            using var problem = JsonDocument.Parse(text);
            return problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                && code.GetString() == "idempotency_request_in_progress";
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
