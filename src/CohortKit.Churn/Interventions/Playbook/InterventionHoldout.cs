using System.Text;
using CohortKit.Learners;
using CohortKit.Randomness;

namespace CohortKit.Churn.Interventions.Playbook;

/// <summary>The permanent randomised holdout: a learner is held out when <c>u(salt, id) &lt; fraction</c>, where <c>u</c> is the
/// first uniform draw of Core's <see cref="Xoshiro256"/> seeded by a 64-bit FNV-1a hash of the salt, on the stream of the
/// learner's id. It depends on nothing else (not the day, the risk, the order of learners or the run), so a held-out
/// learner stays held out for ever; raising the fraction only adds learners to the holdout.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class InterventionHoldout
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    private readonly ulong _seed;

    /// <summary>Creates the holdout of a playbook.</summary>
    /// <param name="settings">The fraction and salt.</param>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is outside [0, 1).</exception>
    /// <exception cref="ArgumentException">The salt is empty.</exception>
    public InterventionHoldout(HoldoutSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!(settings.Fraction is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Fraction, "The holdout fraction must be in [0, 1).");
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(settings.Salt, nameof(settings));
        Fraction = settings.Fraction;
        _seed = Fnv1a(settings.Salt);
    }

    /// <summary>Gets the share of learners held out.</summary>
    public double Fraction { get; }

    /// <summary>Whether the learner is in the permanent holdout (never treated).</summary>
    /// <param name="learner">The learner.</param>
    /// <returns><see langword="true"/> when held out.</returns>
    public bool IsHeldOut(LearnerId learner) => Draw(learner) < Fraction;

    /// <summary>The learner's uniform draw in [0, 1) that the fraction is compared with.</summary>
    /// <param name="learner">The learner.</param>
    /// <returns>The draw.</returns>
    internal double Draw(LearnerId learner) => new Xoshiro256(_seed, unchecked((ulong)learner.Value)).NextDouble();

    private static ulong Fnv1a(string salt)
    {
        var hash = FnvOffset;
        foreach (var b in Encoding.UTF8.GetBytes(salt))
        {
            hash = unchecked((hash ^ b) * FnvPrime);
        }

        return hash;
    }
}
