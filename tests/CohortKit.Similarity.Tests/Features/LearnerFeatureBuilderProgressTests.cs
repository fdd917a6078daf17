using CohortKit.Similarity.Features;
using CohortKit.Simulation;

namespace CohortKit.Similarity.Tests.Features;

/// <summary>Issue 16: <see cref="LearnerFeatureBuilder.Build"/> reports progress and can be cancelled, as <c>Generate</c> does.</summary>
public class LearnerFeatureBuilderProgressTests
{
    // 5,000 learners: five blocks of 1,024, so progress has several steps.
    private static readonly SimulatedPlatform Platform = new PlatformSimulator(new SimulationOptions { Learners = 5_000, Days = 28, Seed = 9 }).Generate();

    private static LearnerFeatureBuilder Builder(int threads = 2) => new(new LearnerFeatureBuilderOptions { MaxDegreeOfParallelism = threads });

    [Fact]
    public void Build_ReportsNonDecreasingProgress_EndingAtOne()
    {
        var progress = new RecordingProgress();

        Builder().Build(Platform.Learners, Platform.Activity, Platform.StartDate, Platform.Days, progress);

        var values = progress.Values;
        values.Count.Should().BeGreaterThanOrEqualTo(6, "one report per block of learners and one at the end");
        values.Should().BeInAscendingOrder().And.OnlyContain(v => v >= 0 && v <= 1);
        values[^1].Should().Be(1);
        values.Should().Contain(v => v > 0 && v < 1);
    }

    [Fact]
    public void Build_CancelledBeforeStart_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var act = () => Builder().Build(Platform.Learners, Platform.Activity, Platform.StartDate, Platform.Days, cancellationToken: cts.Token);
        act.Should().Throw<OperationCanceledException>();
    }

    [Fact]
    public void Build_CancelledMidway_Throws_AndTheBuilderStillBuildsTheSameFeatures()
    {
        var builder = Builder(threads: 1);
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(_ => cts.Cancel()); // cancel after the first block
        var act = () => builder.Build(Platform.Learners, Platform.Activity, Platform.StartDate, Platform.Days, progress, cts.Token);
        act.Should().Throw<OperationCanceledException>();
        progress.Values.Should().NotContain(1.0, "the build stopped before it finished");

        var after = builder.Build(Platform.Learners, Platform.Activity, Platform.StartDate, Platform.Days);
        var fresh = Builder(threads: 1).Build(Platform.Learners, Platform.Activity, Platform.StartDate, Platform.Days);
        after.AsSpan().SequenceEqual(fresh.AsSpan()).Should().BeTrue("a cancelled build leaves nothing behind in the builder");
    }
}
