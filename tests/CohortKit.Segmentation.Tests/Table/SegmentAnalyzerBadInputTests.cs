using CohortKit.Experiments;
using CohortKit.Learners;

namespace CohortKit.Segmentation.Tests.Table;

public sealed class SegmentAnalyzerBadInputTests
{
    private static readonly SegmentAnalyzer Analyzer = new(new SegmentationOptions { MinimumSegmentSize = 2 });

    private static CategoricalColumn Column(string name, params string[] values) => CategoricalColumn.Encode(name, values);

    private static SegmentationData Data(double[] y, params CategoricalColumn[] dims) => new([new MetricColumn("y", y)], dims);

    [Fact]
    public void Analyze_NonFiniteMetric_NamesTheColumnAndRow()
    {
        var act = () => Analyzer.Analyze(Data([1, double.NaN, 3, 4], Column("plan", "a", "a", "b", "b")));
        act.Should().Throw<ArgumentException>().WithMessage("Metric 'y' has NaN at row 1*").WithParameterName("data");
    }

    [Fact]
    public void Analyze_SingleValueDimension_NamesTheColumn()
    {
        var act = () => Analyzer.Analyze(Data([1, 2, 3], Column("plan", "a", "a", "a")));
        act.Should().Throw<ArgumentException>().WithMessage("Dimension 'plan' has a single value ('a')*");
    }

    [Fact]
    public void Analyze_NoLearners_NamesTheColumn()
    {
        var act = () => Analyzer.Analyze(Data([], new CategoricalColumn("plan", ["a", "b"], [])));
        act.Should().Throw<ArgumentException>().WithMessage("Dimension 'plan' has no learners*");
    }

    [Fact]
    public void Analyze_AllSegmentsBelowMinimumSize_NamesTheColumn()
    {
        var act = () => new SegmentAnalyzer(new SegmentationOptions()).Analyze(Data([1, 2, 3, 4], Column("plan", "a", "a", "b", "b")));
        act.Should().Throw<ArgumentException>().WithMessage("Every value of dimension 'plan' has fewer than 50 learners*");
    }

    [Fact]
    public void Analyze_CrossOfUnknownColumn_NamesIt()
    {
        var data = Data([1, 2, 3, 4], Column("plan", "a", "a", "b", "b"));
        var act = () => Analyzer.Analyze(new SegmentationData(data.Metrics, data.Dimensions) { Crosses = [new("plan", "device")] });
        act.Should().Throw<ArgumentException>().WithMessage("*column 'device' is not one of the dimensions (plan)*");
    }

    [Fact]
    public void Analyze_ArmsOtherThanTwo_OrUnknownControl_NamesTheArmColumn()
    {
        var dims = new[] { Column("plan", "a", "a", "b", "b", "a", "b") };
        var three = new SegmentationData([new MetricColumn("y", new double[] { 1, 2, 3, 4, 5, 6 })], dims) { Arm = Column("arm", "c", "t", "u", "c", "t", "u"), ControlArm = "c" };
        ((Action)(() => Analyzer.Analyze(three))).Should().Throw<ArgumentException>().WithMessage("The arm column 'arm' has 3 arms*");
        var unknown = new SegmentationData([new MetricColumn("y", new double[] { 1, 2, 3, 4, 5, 6 })], dims) { Arm = Column("arm", "c", "t", "c", "t", "c", "t"), ControlArm = "control" };
        ((Action)(() => Analyzer.Analyze(unknown))).Should().Throw<ArgumentException>().WithMessage("The control arm 'control' is not a value of column 'arm'*");
    }

    [Fact]
    public void Constructor_MismatchedLengthsOrRepeatedNames_NameTheColumn()
    {
        ((Func<SegmentationData>)(() => new SegmentationData([new MetricColumn("y", new double[] { 1, 2 })], [Column("plan", "a")])))
            .Should().Throw<ArgumentException>().WithMessage("Dimension 'plan' has 1 rows*");
        ((Func<SegmentationData>)(() => new SegmentationData([new MetricColumn("y", new double[] { 1 }), new MetricColumn("y", new double[] { 1 })], [Column("plan", "a")])))
            .Should().Throw<ArgumentException>().WithMessage("Column 'y' is given twice.*");
        ((Func<SegmentationData>)(() => new SegmentationData([], [Column("plan", "a")]))).Should().Throw<ArgumentException>().WithParameterName("metrics");
        ((Func<SegmentationData>)(() => new SegmentationData([new MetricColumn("y", new double[] { 1 })], []))).Should().Throw<ArgumentException>().WithParameterName("dimensions");
    }

    [Fact]
    public void Analyze_EmptyCrossCellsAndTinyPooledRow_NeverProduceNaN()
    {
        // plan × device has four cells, one of them empty; with minimum size 3 the two-learner cell is pooled.
        var plan = Column("plan", "a", "a", "a", "b", "b", "b", "a", "b", "b");
        var device = Column("device", "x", "x", "x", "x", "x", "x", "y", "y", "y");
        var data = new SegmentationData([new MetricColumn("y", new double[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 })], [plan, device]) { Crosses = [new("plan", "device")] };
        var report = new SegmentAnalyzer(new SegmentationOptions { MinimumSegmentSize = 2 }).Analyze(data);
        var cross = report.Dimensions.Single(d => d.Dimension == "plan×device");
        cross.Segments.Select(s => s.Value).Should().BeEquivalentTo(["a×x", "b×x", "b×y", "(other)"]);
        var pooled = cross.Segments.Single(s => s.Value == "(other)");
        pooled.N.Should().Be(1);
        pooled.MeanInterval.Should().BeNull("one learner has no interval");
        pooled.DifferenceInterval.Should().BeNull();
        foreach (var s in report.Dimensions.SelectMany(d => d.Segments))
        {
            double.IsFinite(s.Mean).Should().BeTrue();
            double.IsFinite(s.DifferenceFromOverall).Should().BeTrue();
        }
    }

    [Fact]
    public void Analyze_ReportsProgressToOne_AndStopsWhenCancelled()
    {
        var data = new SegmentationData([new MetricColumn("y", new double[] { 1, 2, 3, 4 }), new MetricColumn("z", new double[] { 4, 3, 2, 1 })],
            [Column("plan", "a", "a", "b", "b"), Column("device", "x", "y", "x", "y")]);
        var reports = new List<double>();
        Analyzer.Analyze(data, new SynchronousProgress(reports));
        reports.Should().HaveCount(4, "2 dimensions × 2 metrics").And.Contain(1.0);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        ((Action)(() => Analyzer.Analyze(data, cancellationToken: cancelled.Token))).Should().Throw<OperationCanceledException>();
    }

    private sealed class SynchronousProgress(List<double> values) : IProgress<double>
    {
        public void Report(double value)
        {
            lock (values) { values.Add(value); }
        }
    }
}
