using System.Security.Cryptography;
using System.Text;

namespace Sluice.Demo.Sandbox;

/// <summary>
/// The sandbox channel issues each sandbox merchant number its API secret, derived from a root key of its own
/// (itself derived from the master key), as a real channel issues keys from its merchant platform.
/// </summary>
public sealed class SandboxKeys(byte[] masterKey)
{
    private readonly byte[] _root = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey, 32, info: Encoding.ASCII.GetBytes("sluice-sandbox-channel-root"));

    public string SecretFor(string merchantNo) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_root, Encoding.UTF8.GetBytes(merchantNo)));
}
