namespace Sluice.Sample.Merchant;

internal static class Program
{
    public static void Main(string[] args) => MerchantSample.Build(args).Run();
}
