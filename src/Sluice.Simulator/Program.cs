namespace Sluice.Simulator;

/// <summary>
/// The channel simulator: plays Alipay, WeChat Pay, UnionPay and a bank payout API over HTTP on 127.0.0.1.
/// Control API under /control. Default address http://127.0.0.1:5090 (override with --urls).
/// </summary>
public static class SimulatorProgram
{
    public static async Task Main(string[] args)
    {
        var app = SimulatorApp.Build(args);
        await app.RunAsync();
    }
}
