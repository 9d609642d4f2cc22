namespace Sluice.Server.Hosting;

/// <summary>The gateway's own settings (section <c>Sluice</c>).</summary>
public sealed class SluiceOptions
{
    public const string Section = "Sluice";

    /// <summary>The address channels and payers reach this gateway at: notify URLs and sandbox cashier links use it.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>This node's name in leases and webhook attempt logs; defaults to host name and process id.</summary>
    public string NodeId { get; set; } = "";

    /// <summary>Base64 of 32 bytes; encrypts channel credentials and webhook secrets at rest.</summary>
    public string MasterKey { get; set; } = "";

    public AdminOptions Admin { get; set; } = new();
    public WorkerOptions Workers { get; set; } = new();

    public Uri PublicBase => new(PublicBaseUrl.TrimEnd('/') + "/");

    public sealed class AdminOptions
    {
        /// <summary>Bearer token for the admin API until console users exist. Empty: one is generated under data/.</summary>
        public string BootstrapToken { get; set; } = "";
    }

    public sealed class WorkerOptions
    {
        /// <summary>False stops the background loops (tests drive the workers directly with a controlled clock).</summary>
        public bool Enabled { get; set; } = true;

        public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
        public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);
    }
}
