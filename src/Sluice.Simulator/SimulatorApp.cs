using System.Text.Json;
using System.Text.Json.Serialization;
using Sluice.Simulator.Infrastructure;

namespace Sluice.Simulator;

/// <summary>Builds the simulator as a web application, for its own process or for tests hosting it in-process.</summary>
public static class SimulatorApp
{
    public const string DefaultUrl = "http://127.0.0.1:5090";

    public static readonly JsonSerializerOptions ControlJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <param name="configureServices">Lets tests replace the clock or add services before the app is built.</param>
    public static WebApplication Build(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["Urls"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = ControlJson.PropertyNamingPolicy;
            o.SerializerOptions.DefaultIgnoreCondition = ControlJson.DefaultIgnoreCondition;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        builder.Services.Configure<SimulatorOptions>(builder.Configuration.GetSection(SimulatorOptions.Section));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<BehaviourBook>();
        builder.Services.AddSingleton<MerchantRegistry>();
        builder.Services.AddSingleton<SimulatorKeys>();
        builder.Services.AddSingleton<AnswerBehaviours>();
        builder.Services.AddSingleton<CallbackSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallbackSender>());
        builder.Services.AddHttpClient(CallbackSender.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        SimulatedChannels.Register(builder.Services);
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapGet("/", (IEnumerable<ISimulatedChannel> channels) => Results.Ok(new
        {
            name = "Sluice channel simulator",
            channels = channels.Select(c => c.Name),
            control = "/control",
        }));
        app.MapControlEndpoints();
        foreach (var channel in app.Services.GetServices<ISimulatedChannel>())
        {
            channel.MapEndpoints(app);
        }

        return app;
    }
}

public sealed class SimulatorOptions
{
    public const string Section = "Simulator";

    /// <summary>Multiplies every channel's callback retry interval; tests use a small scale to see a day of retries in seconds.</summary>
    public double RetryScale { get; set; } = 1.0;

    /// <summary>How long a "time out" behaviour holds the answer: longer than any client waits.</summary>
    public TimeSpan TimeoutHold { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How far a request's own timestamp (Alipay's <c>timestamp</c>) may be from the simulator's clock before it is refused
    /// with <c>isv.invalid-timestamp</c>. Tests that fast-forward the gateway's clock widen it.
    /// </summary>
    public TimeSpan RequestTimestampTolerance { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>When set, the simulator's own signing keys are kept here, so channel accounts survive a restart.</summary>
    public string? KeysFolder { get; set; }
}
