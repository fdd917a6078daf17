using CohortKit.Features;
using CohortKit.Learners;
using CohortKit.Randomness;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Segmentation.Discovery;

/// <summary>
/// Discovers behavioural segments: k-means (k-means++ seeding, Lloyd iterations with SIMD distances) on learners' feature
/// vectors, k chosen by the silhouette on a sample unless fixed, and each cluster profiled in attribute terms (lift and a
/// two-proportion test per attribute value) so that a person can name it.
/// </summary>
/// <remarks>Thread-safe and stateless apart from its options; the same seed gives the same clusters on any number of threads.</remarks>
public sealed partial class SegmentDiscovery
{
    private readonly DiscoveryOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates the engine (the non-DI entry); the options are validated now and snapshotted.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (the parameter name is the option's; the message lists every failure).</exception>
    public SegmentDiscovery(DiscoveryOptions options, ILogger<SegmentDiscovery>? logger = null)
    {
        DiscoveryOptionsValidator.ThrowIfInvalid(options);
        _options = options.Snapshot();
        _logger = logger ?? NullLogger<SegmentDiscovery>.Instance;
    }

    /// <summary>Creates the engine from DI.</summary>
    /// <param name="options">The settings.</param>
    /// <param name="logger">Optional logger.</param>
    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
    public SegmentDiscovery(IOptions<DiscoveryOptions> options, ILogger<SegmentDiscovery>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), logger)
    {
    }

    /// <summary>Gets a copy of the validated settings.</summary>
    public DiscoveryOptions Options => _options.Snapshot();

    /// <summary>Clusters the learners and profiles the clusters.</summary>
    /// <param name="features">One row per learner (not changed: standardisation works on a copy).</param>
    /// <param name="attributes">Categorical attributes with one value per learner, in the same row order, to profile the clusters
    /// by; empty or <see langword="null"/> for clusters without profiles.</param>
    /// <param name="progress">Receives the fraction done: choosing k, then the final fit.</param>
    /// <param name="cancellationToken">Stops the work between iterations.</param>
    /// <returns>The clusters, largest first, with every learner's assignment.</returns>
    /// <exception cref="ArgumentException">A feature is not finite (naming its row and column), an attribute's length differs
    /// from the features' rows, or there are fewer learners than clusters.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public DiscoveredSegments Discover(FeatureMatrix features, IReadOnlyList<CategoricalColumn>? attributes = null, IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(features);
        attributes ??= [];
        using var activity = SegmentationTelemetry.ActivitySource.StartActivity("SegmentDiscovery.Discover");
        var (n, d) = (features.Rows, features.Dimensions);
        foreach (var a in attributes)
        {
            if (a.Count != n) { throw new ArgumentException($"Attribute '{a.Name}' has {a.Count} rows; the features have {n}.", nameof(attributes)); }
        }

        var o = _options;
        var minimum = o.K == 0 ? o.MinK : o.K;
        if (n < Math.Max(minimum, 2) + 1)
        {
            throw new ArgumentException($"There are {n} learners; at least {Math.Max(minimum, 2) + 1} are needed for {minimum} clusters.", nameof(features));
        }

        var x = Prepare(features);

        var sample = Sample(x, n, d);
        var best = new Dictionary<int, KMeansFit>();
        var silhouettes = o.K == 0 ? ChooseK(sample, d, best, cancellationToken) : [];
        progress?.Report(0.5);
        var k = o.K != 0 ? o.K : silhouettes.MaxBy(s => s.Score)!.K;
        // The final fit on every learner starts from the best of the restarts on the sample.
        var start = best.TryGetValue(k, out var found) ? found : BestOfRestarts(sample, d, k, cancellationToken);
        var fit = KMeansKernel.Fit(x, n, d, k, o.Seed, o.MaxIterations, o.Tolerance, o.MaxDegreeOfParallelism, cancellationToken, start.Centroids);
        var (labels, order) = LargestFirst(fit.Labels, k);
        var profiles = AttributeProfiler.Profile(labels, k, attributes, o.Alpha, o.ProfileSize);
        var sizes = new int[k];
        foreach (var l in labels) { sizes[l]++; }
        progress?.Report(1);
        SegmentationTelemetry.LearnersClustered.Add(n);
        LogDiscovered(_logger, n, k, fit.Iterations);
        return new DiscoveredSegments
        {
            K = k,
            Selection = o.K == 0 ? KSelection.Silhouette : KSelection.Fixed,
            Silhouettes = silhouettes,
            Inertia = fit.Inertia,
            Iterations = fit.Iterations,
            Assignments = labels,
            Clusters = [.. Enumerable.Range(0, k).Select(c => new DiscoveredCluster
            {
                Cluster = c,
                Size = sizes[c],
                Share = (double)sizes[c] / n,
                Centroid = fit.Centroids.AsMemory(order[c] * d, d),
                Profile = profiles[c],
            })],
        };
    }

    /// <summary>A copy of the features, checked finite and standardised when configured.</summary>
    private float[] Prepare(FeatureMatrix features)
    {
        var data = features.AsSpan().ToArray();
        var d = features.Dimensions;
        for (var i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                throw new ArgumentException($"Feature '{features.FeatureNames[i % d]}' is {data[i]} at row {i / d}; features must be finite.", nameof(features));
            }
        }

        if (_options.Standardize)
        {
            var copy = new FeatureMatrix(data, features.Rows, d, features.FeatureNames);
            copy.Standardize();
        }

        return data;
    }

    /// <summary>A seeded sample of at most <see cref="DiscoveryOptions.SilhouetteSample"/> rows (all rows when fewer).</summary>
    private float[] Sample(float[] x, int n, int d)
    {
        var s = Math.Min(n, _options.SilhouetteSample);
        var rows = Enumerable.Range(0, n).ToArray();
        var rng = new Xoshiro256(_options.Seed, 0x5a5a);
        for (var i = 0; i < s; i++) { var j = i + rng.NextInt(n - i); (rows[i], rows[j]) = (rows[j], rows[i]); }
        var sample = new float[s * d];
        for (var i = 0; i < s; i++) { x.AsSpan(rows[i] * d, d).CopyTo(sample.AsSpan(i * d, d)); }
        return sample;
    }

    /// <summary>The lowest-inertia fit of <see cref="DiscoveryOptions.Restarts"/> k-means++ starts on the sample.</summary>
    private KMeansFit BestOfRestarts(float[] sample, int d, int k, CancellationToken cancellationToken)
    {
        var o = _options;
        var s = sample.Length / d;
        KMeansFit? best = null;
        for (var r = 0; r < o.Restarts; r++)
        {
            var fit = KMeansKernel.Fit(sample, s, d, k, o.Seed + (ulong)r, o.MaxIterations, o.Tolerance, o.MaxDegreeOfParallelism, cancellationToken);
            if (best is null || fit.Inertia < best.Inertia) { best = fit; }
        }

        return best!;
    }

    /// <summary>Scores every k in [MinK, MaxK] by the silhouette of its best restart on the sample (kept in <paramref name="best"/>).</summary>
    private List<SilhouetteScore> ChooseK(float[] sample, int d, Dictionary<int, KMeansFit> best, CancellationToken cancellationToken)
    {
        var o = _options;
        var s = sample.Length / d;
        var distances = Silhouette.Distances(sample, s, d);
        var scores = new List<SilhouetteScore>();
        for (var k = o.MinK; k <= Math.Min(o.MaxK, s - 1); k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fit = best[k] = BestOfRestarts(sample, d, k, cancellationToken);
            scores.Add(new SilhouetteScore(k, Silhouette.Score(distances, s, fit.Labels, k)));
        }

        return scores;
    }

    /// <summary>Renumbers clusters largest first (ties by the old number); order[new] = old.</summary>
    private static (int[] Labels, int[] Order) LargestFirst(int[] labels, int k)
    {
        var sizes = new int[k];
        foreach (var l in labels) { sizes[l]++; }
        var order = Enumerable.Range(0, k).OrderByDescending(c => sizes[c]).ThenBy(c => c).ToArray();
        var rank = new int[k];
        for (var r = 0; r < k; r++) { rank[order[r]] = r; }
        return ([.. labels.Select(l => rank[l])], order);
    }

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Discovered segments: {Learners} learners, k = {K}, {Iterations} iterations")]
    private static partial void LogDiscovered(ILogger logger, int learners, int k, int iterations);
}
