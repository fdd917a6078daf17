using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Simulation.Experiments;
using CohortKit.Simulation.Model;
using CohortKit.Randomness;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CohortKit.Simulation;

/// <summary>
/// Generates a learning platform with known ground truth: learners with ten segmentable attributes, daily sessions,
/// lessons and assessments driven by latent skills and a drifting, decaying engagement; churn whose hazard depends on
/// attributes and recent engagement and which is preceded by a 7–14-day disengagement phase; and optionally an
/// experiment with true effects per metric and per segment. The same options and seed give the same platform, whatever
/// the number of threads.
/// </summary>
/// <remarks>Thread-safe: <see cref="Generate"/> may be called concurrently. See docs/simulation.md for the model.</remarks>
public sealed partial class PlatformSimulator
{
    private const int ChunkSize = 4096;

    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a simulator (the non-DI entry).</summary>
    /// <param name="options">The settings; validated now.</param>
    /// <param name="timeProvider">Clock for measuring generation time; defaults to <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Optional logger (counts and durations only).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the parameter name is the option's name.</exception>
    public PlatformSimulator(SimulationOptions options, TimeProvider? timeProvider = null, ILogger<PlatformSimulator>? logger = null)
    {
        SimulationOptionsValidator.ThrowIfInvalid(options);
        _options = options.Copy(); // a snapshot: a later change to the caller's object cannot bypass validation
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<PlatformSimulator>.Instance;
    }

    /// <summary>Creates a simulator from DI.</summary>
    /// <param name="options">The validated settings.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="logger">Optional logger.</param>
    [ActivatorUtilitiesConstructor]
    public PlatformSimulator(IOptions<SimulationOptions> options, TimeProvider timeProvider, ILogger<PlatformSimulator>? logger = null)
        : this(options?.Value ?? throw new ArgumentNullException(nameof(options)), timeProvider, logger)
    {
    }

    private readonly SimulationOptions _options;

    /// <summary>Gets a copy of the validated settings the simulator uses (changing it changes nothing).</summary>
    public SimulationOptions Options => _options.Copy();

    /// <summary>Generates the platform.</summary>
    /// <param name="progress">Optional progress in [0, 1].</param>
    /// <param name="cancellationToken">Stops generation between chunks of learners.</param>
    /// <returns>The learners, their activity and the ground truth.</returns>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    /// <exception cref="SimulationTooLargeException">Estimated before generating (by simulating the first learners): the events
    /// would not fit in one array (about 2.1 billion) or in the memory available to the process.</exception>
    public SimulatedPlatform Generate(IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        using var activity = SimulationTelemetry.ActivitySource.StartActivity("PlatformSimulator.Generate");
        var started = _time.GetTimestamp();
        var o = _options;
        ThrowIfTooLarge(o);
        var world = new World(o);
        var n = o.Learners;
        var chunks = new ChunkEvents[(n + ChunkSize - 1) / ChunkSize];
        long done = 0;
        Parallel.For(0, chunks.Length, new ParallelOptions { MaxDegreeOfParallelism = o.MaxDegreeOfParallelism, CancellationToken = cancellationToken }, c =>
        {
            var from = c * ChunkSize;
            var to = Math.Min(n, from + ChunkSize);
            var events = new ChunkEvents(to - from, o.Days);
            for (var row = from; row < to; row++)
            {
                world.SimulateLearner(row, events);
            }

            chunks[c] = events;
            if (progress is not null)
            {
                progress.Report(0.9 * Interlocked.Add(ref done, to - from) / n);
            }
        });

        var log = Assemble(chunks, n);
        progress?.Report(1);
        var elapsed = _time.GetElapsedTime(started);
        SimulationTelemetry.LearnersGenerated.Add(n);
        SimulationTelemetry.EventsGenerated.Add(log.EventCount);
        SimulationTelemetry.Duration.Record(elapsed.TotalSeconds);
        LogGenerated(_logger, n, o.Days, log.EventCount, elapsed.TotalSeconds);
        return new SimulatedPlatform(world.BuildLearners(), log, world.BuildTruth(), o.StartDate, o.Days);
    }

    /// <summary>Learners simulated up front to estimate the event count of a large run.</summary>
    private const int PilotLearners = 1_000;

    /// <summary>Runs at most this many learner-days without an estimate: even at the most events a learner-day can have
    /// (16 sessions, a lesson and an assessment), they fit in one array and in a few GiB.</summary>
    private const long UncheckedLearnerDays = 10_000_000;

    /// <summary>Peak bytes per event while generating: the final arrays (8 + 1 + 4) plus the per-chunk lists being copied,
    /// rounded up from the measured 28.5 (docs/benchmarks.md: 1.8 GB for 63M events).</summary>
    private const long PeakBytesPerEvent = 32;

    /// <summary>Bytes per learner besides the skill vector: attribute codes, dates, truth arrays, effects, ids, offsets.</summary>
    private const long BytesPerLearner = 256;

    /// <summary>Share of the memory available to the process that a run may plan to use.</summary>
    private const double UsableMemoryShare = 0.8;

    /// <summary>Refuses, before allocating anything per learner, a run whose events cannot fit: the event count is
    /// extrapolated from simulating the first <see cref="PilotLearners"/> learners (the same per-learner streams the run uses).</summary>
    private static void ThrowIfTooLarge(SimulationOptions o)
    {
        if ((long)o.Learners * o.Days <= UncheckedLearnerDays)
        {
            return;
        }

        var pilotOptions = o.Copy();
        pilotOptions.Learners = Math.Min(PilotLearners, o.Learners);
        var pilotWorld = new World(pilotOptions);
        var pilot = new ChunkEvents(pilotOptions.Learners, o.Days);
        for (var row = 0; row < pilotOptions.Learners; row++)
        {
            pilotWorld.SimulateLearner(row, pilot);
        }

        var estimated = (long)Math.Ceiling((double)pilot.Timestamps.Count / pilotOptions.Learners * o.Learners);
        var usable = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * UsableMemoryShare - (double)o.Learners * (BytesPerLearner + 4L * o.SkillDimensions);
        var maximum = (long)Math.Min(Array.MaxLength, Math.Max(0, usable / PeakBytesPerEvent));
        if (estimated > maximum)
        {
            throw new SimulationTooLargeException(o.Learners, o.Days, estimated, maximum);
        }
    }

    private static ActivityLog Assemble(ChunkEvents[] chunks, int learners)
    {
        long total = 0;
        foreach (var c in chunks)
        {
            total += c.Timestamps.Count;
        }

        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"The simulation produced {total} events, more than one array holds; simulate fewer learners or days.");
        }

        var offsets = new int[learners + 1];
        var ts = new long[total];
        var kinds = new LearnerEventKind[total];
        var values = new float[total];
        var at = 0;
        var row = 0;
        for (var c = 0; c < chunks.Length; c++)
        {
            var chunk = chunks[c];
            foreach (var count in chunk.CountPerLearner)
            {
                offsets[row + 1] = offsets[row] + count;
                row++;
            }

            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chunk.Timestamps).CopyTo(ts.AsSpan(at));
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chunk.Kinds).CopyTo(kinds.AsSpan(at));
            System.Runtime.InteropServices.CollectionsMarshal.AsSpan(chunk.Values).CopyTo(values.AsSpan(at));
            at += chunk.Timestamps.Count;
            chunks[c] = null!; // release the chunk's buffers as soon as they are copied
        }

        return new ActivityLog(offsets, ts, kinds, values);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Simulated {Learners} learners over {Days} days: {Events} events in {Seconds:F2} s")]
    private static partial void LogGenerated(ILogger logger, int learners, int days, int events, double seconds);

    /// <summary>Events of one chunk of learners, in learner then time order.</summary>
    internal sealed class ChunkEvents(int learners, int days)
    {
        public List<long> Timestamps { get; } = new(Math.Min(learners * days, 1 << 20));
        public List<LearnerEventKind> Kinds { get; } = new(Math.Min(learners * days, 1 << 20));
        public List<float> Values { get; } = new(Math.Min(learners * days, 1 << 20));
        public List<int> CountPerLearner { get; } = new(learners);
    }
}
