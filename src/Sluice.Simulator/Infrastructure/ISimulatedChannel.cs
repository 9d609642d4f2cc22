namespace Sluice.Simulator.Infrastructure;

/// <summary>One upstream the simulator plays: its protocol endpoints, control endpoints and statement files.</summary>
public interface ISimulatedChannel
{
    /// <summary>The channel's name in the control API and behaviour book: alipay, wechatpay, unionpay, bankpayout.</summary>
    string Name { get; }

    /// <summary>The channel's own callback retry schedule (the intervals after the first attempt).</summary>
    IReadOnlyList<TimeSpan> CallbackRetrySchedule { get; }

    void MapEndpoints(IEndpointRouteBuilder routes);
}

/// <summary>The channels the simulator plays. Each module registers itself here.</summary>
public static class SimulatedChannels
{
    public static void Register(IServiceCollection services)
    {
        services.AddSingleton<Channels.Alipay.AlipayTrades>();
        services.AddSingleton<ISimulatedChannel, Channels.Alipay.AlipaySimulator>();
        services.AddSingleton<Channels.UnionPay.UnionPayCertificates>();
        services.AddSingleton<Channels.UnionPay.UnionPaySimulator>();
        services.AddSingleton<ISimulatedChannel>(sp => sp.GetRequiredService<Channels.UnionPay.UnionPaySimulator>());
        services.AddSingleton<Channels.BankPayout.BankPayoutSimulator>();
        services.AddSingleton<ISimulatedChannel>(sp => sp.GetRequiredService<Channels.BankPayout.BankPayoutSimulator>());
        services.AddSingleton<ISimulatedChannel, Channels.WeChatPay.WeChatPaySimulator>();
    }
}
