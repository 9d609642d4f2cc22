using Microsoft.Extensions.Options;

namespace Sluice.Server.Hosting;

/// <summary>
/// The loop of a leased background worker on every node: a round whenever the poll interval ticks, draining while
/// rounds find due work. The leases in the database keep nodes apart; a failed round is logged and retried next tick.
/// </summary>
public abstract class PollingWorkerService(
    string name, Func<CancellationToken, Task<int>> runOnce, IOptions<SluiceOptions> options, TimeProvider clock, ILogger logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Workers.PollInterval, clock);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await runOnce(stoppingToken) > 0)
                {
                    // Keep draining while there is due work.
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.WorkerRoundFailed(ex, name);
            }

            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
