using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sluice.Tests.Infrastructure;

namespace Sluice.Tests.Hosting;

/// <summary>Operators see channel calls and callbacks as trace spans and business counters as metrics.</summary>
public abstract class TelemetryTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_paid_payment_produces_channel_spans_and_counts_in_the_sluice_meter()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Sluice",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var measurements = new ConcurrentQueue<(string Name, long Value)>();
        using var meterListener = new MeterListener();
        meterListener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Sluice")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meterListener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.Enqueue((instrument.Name, value)));
        meterListener.Start();

        using var merchant = gateway.Merchant();
        var payment = await merchant.CreatePaymentAsync("O-" + Guid.NewGuid().ToString("N")[..12]);
        await merchant.PayOnCashierAsync(payment);
        await Api.EventuallyAsync(() => merchant.GetPaymentAsync(payment.Str("id")), p => p.Str("status") == "succeeded", "payment success");
        await Api.EventuallyAsync(() => Task.FromResult(spans.Any(s => s.OperationName == "channel.callback" && (string?)s.GetTagItem("sluice.callback.effect") == "applied")), x => x, "the callback span");

        var pay = spans.Single(s => s.OperationName == "channel.pay" && (string?)s.GetTagItem("sluice.order_id") == payment.Str("id"));
        pay.GetTagItem("sluice.channel.outcome").ShouldBe("pending");
        pay.GetTagItem("sluice.channel.protocol").ShouldBe("sandbox");
        measurements.ShouldContain(m => m.Name == "sluice.payments.created" && m.Value == 1);
        measurements.ShouldContain(m => m.Name == "sluice.orders.transitions");
        measurements.ShouldContain(m => m.Name == "sluice.callbacks.received");
    }
}

public sealed class TelemetrySqliteTests(SqliteGateway gateway) : TelemetryTests(gateway), IClassFixture<SqliteGateway>;

public sealed class TelemetryPostgresTests(PostgresGateway gateway) : TelemetryTests(gateway), IClassFixture<PostgresGateway>;
