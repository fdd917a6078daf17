using System.Security.Cryptography;
using System.Text;

namespace CohortKit.Regions.Audit;

/// <summary>Turns a learner id into a pseudonymous token for the audit log: the first 16 bytes of HMAC-SHA-256 under a secret
/// key, in hex. The same learner always gets the same token; without the key the token cannot be linked back to the id
/// (GDPR Art. 4(5): the key is the "additional information kept separately").</summary>
/// <remarks>Thread-safe.</remarks>
public sealed class Pseudonymizer
{
    private const int TokenBytes = 16;
    private readonly byte[] _key;

    /// <summary>Creates a pseudonymizer.</summary>
    /// <param name="key">The secret key, at least 16 bytes; copied.</param>
    /// <exception cref="ArgumentException">The key is shorter than 16 bytes.</exception>
    public Pseudonymizer(ReadOnlySpan<byte> key)
    {
        if (key.Length < 16) { throw new ArgumentException($"The key has {key.Length} bytes; at least 16 are needed.", nameof(key)); }
        _key = key.ToArray();
    }

    /// <summary>The token of a learner.</summary>
    /// <param name="learnerId">The learner id.</param>
    /// <returns>"p-" and 32 hex digits.</returns>
    public string Token(string learnerId)
    {
        ArgumentNullException.ThrowIfNull(learnerId);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(learnerId), mac);
        return "p-" + Convert.ToHexStringLower(mac[..TokenBytes]);
    }
}
