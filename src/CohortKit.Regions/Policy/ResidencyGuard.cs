using CohortKit.Regions.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CohortKit.Regions.Policy;

/// <summary>Checks every read and copy of learner data against the <see cref="ResidencyPolicy"/>; a refusal is written to the
/// audit log (by pseudonymous token) before <see cref="ResidencyViolationException"/> is thrown.</summary>
/// <remarks>Thread-safe. An allowed check costs a table look-up and writes nothing.</remarks>
public sealed class ResidencyGuard
{
    private readonly AuditLog _audit;
    private readonly Pseudonymizer _pseudonymizer;
    private readonly ILogger _logger;

    /// <summary>Creates a guard.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="audit">Where refusals are recorded.</param>
    /// <param name="pseudonymizer">Turns learner ids into the tokens the audit log holds.</param>
    /// <param name="logger">Logs refusals (counts and regions only); none when null.</param>
    public ResidencyGuard(ResidencyPolicy policy, AuditLog audit, Pseudonymizer pseudonymizer, ILogger<ResidencyGuard>? logger = null)
    {
        Policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _audit = audit ?? throw new ArgumentNullException(nameof(audit));
        _pseudonymizer = pseudonymizer ?? throw new ArgumentNullException(nameof(pseudonymizer));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the policy.</summary>
    public ResidencyPolicy Policy { get; }

    /// <summary>Gets the audit log.</summary>
    public AuditLog Audit => _audit;

    /// <summary>Gets the pseudonymizer.</summary>
    public Pseudonymizer Pseudonymizer => _pseudonymizer;

    /// <summary>Checks an operation on a learner's data; returns when allowed, audits and throws when not.</summary>
    /// <param name="operation">Read or copy.</param>
    /// <param name="dataClass">The data class.</param>
    /// <param name="learnerId">The learner (turned into a token for the audit log).</param>
    /// <param name="home">The learner's home region.</param>
    /// <param name="target">The region that would read or hold the data.</param>
    /// <exception cref="ResidencyViolationException">The policy does not allow the data class in <paramref name="target"/> for
    /// learners homed in <paramref name="home"/>; the refusal is already audited.</exception>
    public void Ensure(ResidencyOperation operation, DataClass dataClass, string learnerId, Region home, Region target)
    {
        ArgumentNullException.ThrowIfNull(learnerId);
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(target);
        if (Policy.IsAllowed(dataClass, home.Index, target.Index))
        {
            return;
        }

        var token = _pseudonymizer.Token(learnerId);
        var entry = _audit.Append(new AuditRecord
        {
            Action = operation == ResidencyOperation.Read ? AuditAction.ReadRefused : AuditAction.CopyRefused,
            DataClass = dataClass, SourceRegion = home.Name, TargetRegion = target.Name, Subject = token,
        });
        RegionsTelemetry.Refusals.Add(1, new KeyValuePair<string, object?>("data_class", dataClass.ToString()), new KeyValuePair<string, object?>("target_region", target.Name));
        RegionsLog.Refused(_logger, operation, dataClass, home.Name, target.Name, entry.Sequence);
        throw new ResidencyViolationException(operation, dataClass, home.Name, target.Name, token, entry.Sequence);
    }
}
