using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Client;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Client;

/// <summary>One attempt the client made, as it left the retry pipeline.</summary>
public sealed record ClientAttempt(int Number, string Method, string Target, string? IdempotencyKey, string? Signature);

/// <summary>
/// Sits inside the client's retries (added after <c>AddSluiceClient</c>, so it sees every attempt): records each one and,
/// when a test asks, spoils chosen ones the way a network would — the server's answer lost after it processed the
/// request, or a gateway in front answering instead of the server.
/// </summary>
public sealed class AttemptProbe : DelegatingHandler
{
    private readonly ConcurrentQueue<ClientAttempt> _attempts = new();
    private int _count;

    /// <summary>Attempts (1-based) whose answer from the real server is thrown away as a dropped connection.</summary>
    public Func<int, HttpRequestMessage, bool> DropAnswer { get; set; } = (_, _) => false;

    /// <summary>An answer given instead of sending the attempt on (null: send it to the server).</summary>
    public Func<int, HttpRequestMessage, HttpResponseMessage?> AnswerInstead { get; set; } = (_, _) => null;

    public IReadOnlyList<ClientAttempt> Attempts => [.. _attempts.OrderBy(a => a.Number)];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _count);
        _attempts.Enqueue(new ClientAttempt(number, request.Method.Method, request.RequestUri!.PathAndQuery,
            Header(request, SluiceClient.IdempotencyKeyHeader), Header(request, SluiceRequestSigningHandler.Header)));
        if (AnswerInstead(number, request) is { } instead)
        {
            instead.RequestMessage = request;
            return instead;
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (DropAnswer(number, request))
        {
            response.Dispose();
            throw new HttpRequestException("The connection was reset before the answer arrived (dropped by the test).");
        }

        return response;
    }

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

public static class ClientKit
{
    /// <summary>
    /// A container with the Sluice client as a merchant's app registers it, pointed at the test gateway, with short
    /// retry delays and the probe inside its retries.
    /// </summary>
    public static (ServiceProvider Services, SluiceClient Client, AttemptProbe Probe) SluiceClientFor(
        this GatewayFixture gateway, string? apiKey = null, string? signingSecret = null, string? acceptLanguage = null, Uri? node = null)
    {
        var probe = new AttemptProbe();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSluiceClient(o =>
        {
            o.BaseAddress = node ?? gateway.BaseAddress;
            o.ApiKey = apiKey ?? gateway.Demo.ApiKey;
            o.RequestSigningSecret = signingSecret;
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            o.AcceptLanguage = acceptLanguage;
            o.Clock = gateway.Clock;
        }).AddHttpMessageHandler(() => probe);
        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<SluiceClient>(), probe);
    }

    public static CreatePaymentRequest Payment(string? orderNo = null, long amount = 2599, Uri? notifyUrl = null) => new()
    {
        MerchantOrderNo = orderNo ?? "CLI-" + Guid.NewGuid().ToString("N")[..16],
        Amount = amount,
        Currency = "CNY",
        Subject = "Coffee beans",
        PaymentMethod = "alipay_qr",
        NotifyUrl = notifyUrl,
        Metadata = new Dictionary<string, string> { ["cart"] = "42" },
    };

    /// <summary>The payer pays on the sandbox cashier page, and the client sees the payment succeed.</summary>
    public static async Task<Payment> PayAsync(this GatewayFixture gateway, SluiceClient client, Payment payment)
    {
        using var browser = gateway.Anonymous();
        using var paid = await browser.PostAsync(payment.PayAction.ShouldNotBeNull().Value + "/pay", new FormUrlEncodedContent([]));
        ((int)paid.StatusCode).ShouldBeLessThan(400);
        return await Api.EventuallyAsync(() => client.GetPaymentAsync(payment.Id), p => p.Status == PaymentStatus.Succeeded, "the payment to succeed");
    }
}
