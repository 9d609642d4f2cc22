using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Sluice.Simulator;
using Sluice.Simulator.Infrastructure;

namespace Sluice.Tests.Infrastructure;

/// <summary>
/// The channel simulator hosted in the test process on Kestrel at 127.0.0.1 (its real HTTP surface), with callback
/// retries compressed so a channel's day-long schedule plays out in seconds.
/// </summary>
public sealed class SimulatorHost : IAsyncLifetime
{
    private WebApplication? _app;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    /// <summary>Retry intervals are multiplied by this (1 minute becomes 6 ms at the default).</summary>
    public double RetryScale { get; init; } = 0.0001;

    public async ValueTask InitializeAsync()
    {
        var port = GatewayFixture.FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        _app = SimulatorApp.Build(
            ["--urls", BaseAddress.ToString().TrimEnd('/'), "--Simulator:RetryScale", RetryScale.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--Simulator:TimeoutHold", "00:00:30", "--Logging:LogLevel:Default", "Warning",
             // The gateway's clock in tests runs ahead of real time by whatever schedules and leases a class fast-forwards.
             "--Simulator:RequestTimestampTolerance", "1.00:00:00"]);
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public HttpClient Client() => new() { BaseAddress = BaseAddress };

    public BehaviourBook Behaviours => Services.GetRequiredService<BehaviourBook>();

    public CallbackSender Callbacks => Services.GetRequiredService<CallbackSender>();

    /// <summary>Sets a behaviour through the control API, as an operator or test script would.</summary>
    public async Task SetBehaviourAsync(string channel, string? orderId, string action, string? code = null, string? subCode = null, int? delayMs = null, int? times = null)
    {
        using var client = Client();
        var response = await client.PostAsJsonAsync("control/behaviours", new { channel, order_id = orderId, action, code, sub_code = subCode, delay_ms = delayMs, times });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Waits (polling real time, the simulator's clock) until <paramref name="condition"/> holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold in time.");
            }

            await Task.Delay(25);
        }
    }
}
