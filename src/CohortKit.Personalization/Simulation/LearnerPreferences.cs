using CohortKit.Randomness;

namespace CohortKit.Personalization.Simulation;

/// <summary>A population of learners with latent preferences over actions, the ground truth of a bandit simulation: learner
/// i's expected reward for action a is <c>μ(i, a) = w_a0 + Σ_f w_af·x_if</c>, and an observed reward adds normal noise.</summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class LearnerPreferences
{
    private readonly double[] _contexts;
    private readonly double[] _weights;

    /// <summary>Creates a population.</summary>
    /// <param name="contexts">Learners × features, row-major, finite (what the engine sees).</param>
    /// <param name="features">The number of features per learner (at least 1).</param>
    /// <param name="weights">Actions × (1 + features), row-major: each action's intercept and weights (the latent preferences).</param>
    /// <param name="noise">The standard deviation of the reward noise (finite, at least 0).</param>
    /// <exception cref="ArgumentException">A length does not fit <paramref name="features"/>, or there is no learner or action.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is not finite or <paramref name="noise"/> is negative.</exception>
    public LearnerPreferences(ReadOnlySpan<double> contexts, int features, ReadOnlySpan<double> weights, double noise)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (contexts.IsEmpty || contexts.Length % features != 0) { throw new ArgumentException($"contexts has {contexts.Length} values; a positive multiple of {features} was expected.", nameof(contexts)); }
        if (weights.IsEmpty || weights.Length % (features + 1) != 0) { throw new ArgumentException($"weights has {weights.Length} values; a positive multiple of {features + 1} was expected.", nameof(weights)); }
        if (!(double.IsFinite(noise) && noise >= 0)) { throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise must be finite and at least 0."); }
        foreach (var x in contexts) { if (!double.IsFinite(x)) { throw new ArgumentOutOfRangeException(nameof(contexts), x, "Contexts must be finite."); } }
        foreach (var x in weights) { if (!double.IsFinite(x)) { throw new ArgumentOutOfRangeException(nameof(weights), x, "Weights must be finite."); } }
        _contexts = contexts.ToArray();
        _weights = weights.ToArray();
        Features = features;
        Noise = noise;
    }

    /// <summary>Gets the number of learners.</summary>
    public int Learners => _contexts.Length / Features;

    /// <summary>Gets the number of actions.</summary>
    public int Actions => _weights.Length / (Features + 1);

    /// <summary>Gets the number of context features.</summary>
    public int Features { get; }

    /// <summary>Gets the reward noise's standard deviation.</summary>
    public double Noise { get; }

    /// <summary>A population with standard-normal contexts and weights drawn N(0, 1/features) (intercepts N(0, 0.25)),
    /// so that actions' expected rewards differ by about one noise unit.</summary>
    /// <param name="learners">The number of learners (at least 1).</param>
    /// <param name="features">The number of features (at least 1).</param>
    /// <param name="actions">The number of actions (at least 1).</param>
    /// <param name="seed">The seed.</param>
    /// <param name="noise">The reward noise's standard deviation.</param>
    /// <returns>The population.</returns>
    public static LearnerPreferences Random(int learners, int features, int actions, long seed, double noise = 0.5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(learners, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actions, 1);
        var random = new Xoshiro256(unchecked((ulong)seed), 0x5EED);
        var contexts = new double[learners * features];
        for (var i = 0; i < contexts.Length; i++) { contexts[i] = random.NextGaussian(); }
        return new LearnerPreferences(contexts, features, RandomWeights(features, actions, ref random), noise);
    }

    /// <summary>Weights for <paramref name="actions"/> actions over standardised features (the latent preferences).</summary>
    /// <param name="features">The number of features.</param>
    /// <param name="actions">The number of actions.</param>
    /// <param name="random">The generator.</param>
    /// <returns>Actions × (1 + features), row-major.</returns>
    public static double[] RandomWeights(int features, int actions, ref Xoshiro256 random)
    {
        var weights = new double[actions * (features + 1)];
        for (var a = 0; a < actions; a++)
        {
            weights[a * (features + 1)] = 0.5 * random.NextGaussian();
            for (var f = 1; f <= features; f++) { weights[(a * (features + 1)) + f] = random.NextGaussian() / Math.Sqrt(features); }
        }

        return weights;
    }

    /// <summary>Learner i's context.</summary>
    /// <param name="learner">The learner's row.</param>
    /// <returns>The features.</returns>
    public ReadOnlySpan<double> Context(int learner) => _contexts.AsSpan(learner * Features, Features);

    /// <summary>μ(i, a): learner i's expected reward for action a.</summary>
    /// <param name="learner">The learner's row.</param>
    /// <param name="action">The action.</param>
    /// <returns>The expected reward.</returns>
    public double ExpectedReward(int learner, int action)
    {
        var w = _weights.AsSpan(action * (Features + 1), Features + 1);
        var x = Context(learner);
        var mu = w[0];
        for (var f = 0; f < Features; f++) { mu += w[f + 1] * x[f]; }
        return mu;
    }
}
