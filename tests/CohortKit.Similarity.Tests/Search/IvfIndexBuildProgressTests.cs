using CohortKit.Learners;
using CohortKit.Similarity.Search;

namespace CohortKit.Similarity.Tests.Search;

/// <summary>Issue 16: <see cref="IvfIndex.Build"/> reports progress and can be cancelled, as <c>Generate</c> does.</summary>
public class IvfIndexBuildProgressTests
{
    private static readonly CohortKit.Features.FeatureMatrix Vectors = UniformFeatures.Create(5_000, 16, seed: 3);
    private static readonly LearnerId[] Ids = Enumerable.Range(0, 5_000).Select(i => new LearnerId(i)).ToArray();

    private static IvfIndexOptions Options() => new() { Lists = 20, Iterations = 6, MaxDegreeOfParallelism = 1 };

    private static byte[] Saved(IvfIndex index)
    {
        using var stream = new MemoryStream();
        index.Save(stream);
        return stream.ToArray();
    }

    [Fact]
    public void Build_ReportsNonDecreasingProgress_OneStepPerIteration_EndingAtOne()
    {
        var progress = new RecordingProgress();

        IvfIndex.Build(Vectors, Ids, options: Options(), progress: progress);

        var values = progress.Values;
        values.Should().BeInAscendingOrder().And.OnlyContain(v => v >= 0 && v <= 1);
        values.Count(v => v <= 0.7).Should().Be(6, "one report per k-means iteration");
        values[^1].Should().Be(1);
    }

    [Fact]
    public void Build_CancelledDuringTraining_Throws_AndLeavesNothingBehind()
    {
        using var cts = new CancellationTokenSource();
        var progress = new RecordingProgress(_ => cts.Cancel()); // cancel after the first k-means iteration
        var act = () => IvfIndex.Build(Vectors, Ids, options: Options(), progress: progress, cancellationToken: cts.Token);
        act.Should().Throw<OperationCanceledException>();
        progress.Values.Should().ContainSingle("the build stopped at the next iteration");

        // Build is static and the vectors are copied, so the next build equals one that never saw the cancellation.
        var expected = Saved(IvfIndex.Build(UniformFeatures.Create(5_000, 16, seed: 3), Ids, options: Options()));
        Saved(IvfIndex.Build(Vectors, Ids, options: Options())).Should().Equal(expected);
    }

    [Fact]
    public void Build_CancelledBeforeStart_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var act = () => IvfIndex.Build(Vectors, Ids, options: Options(), cancellationToken: cts.Token);
        act.Should().Throw<OperationCanceledException>();
    }
}
