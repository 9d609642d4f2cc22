using System.Security.Cryptography;

namespace Sluice.Server.Hosting;

/// <summary>
/// Secrets that must come from configuration in production (master key, admin bootstrap token). For the embedded
/// quick start, when configuration leaves them empty, they are generated once into files under <c>data/</c>
/// (mode 0600) so a restart keeps decrypting what it encrypted.
/// </summary>
public static class LocalSecrets
{
    public static byte[] MasterKey(SluiceOptions options, string dataFolder)
    {
        var configured = options.MasterKey;
        if (string.IsNullOrWhiteSpace(configured))
        {
            configured = ReadOrCreate(Path.Combine(dataFolder, "master.key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(configured.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Sluice:MasterKey must be base64 of 32 random bytes.");
        }

        return key.Length == 32 ? key : throw new InvalidOperationException("Sluice:MasterKey must be base64 of 32 random bytes.");
    }

    public static string AdminToken(SluiceOptions options, string dataFolder) =>
        string.IsNullOrWhiteSpace(options.Admin.BootstrapToken)
            ? ReadOrCreate(Path.Combine(dataFolder, "admin-token"), () => "adm_" + Security.ApiKeys.RandomToken(40))
            : options.Admin.BootstrapToken.Trim();

    private static string ReadOrCreate(string path, Func<string> create)
    {
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var value = create();
        using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(value);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return value;
    }
}
