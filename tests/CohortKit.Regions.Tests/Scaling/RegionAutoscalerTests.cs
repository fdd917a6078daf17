using CohortKit.Regions.Scaling;
using CohortKit.Reliability.Capacity;

namespace CohortKit.Regions.Tests.Scaling;

/// <summary>The autoscaler against Erlang C written out here (Erlang B recursion, C = cB/(c − a(1 − B)), smallest c with
/// C·e^(−(c − a)W/S) ≤ 0.01) and the default diurnal curve written out here.</summary>
public sealed class RegionAutoscalerTests
{
    private static int Size(double lambda, double s, double w)
    {
        var a = lambda * s;
        var b = 1.0;
        for (var c = 1; ; c++)
        {
            b = a * b / (c + (a * b));
            if (c > a && c * b / (c - (a * (1 - b))) * Math.Exp(-(c - a) * w / s) <= 0.01) { return c; }
        }
    }

    [Theory]
    [InlineData(1200.0, 7, 26, 50)]
    [InlineData(900.0, 6, 20, 38)]
    [InlineData(600.0, 4, 14, 26)]
    public void Plan_DefaultCurveAndTwiceHeadroom_MatchesErlangC(double peak, int min, int atPeak, int max)
    {
        var plan = new RegionAutoscaler(new CapacityPlanner(new CapacityOptions())).Plan(new RegionTraffic { Region = "eu", PeakRequestsPerSecond = peak }, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50));
        var curve = Enumerable.Range(0, 24).Select(h => 0.6 + (0.4 * Math.Cos(2 * Math.PI * (h - 20) / 24))).ToArray();
        plan.HourlyRequestsPerSecond.Should().Equal(curve.Select(f => peak * f));
        plan.HourlyInstances.Should().Equal(curve.Select(f => Size(peak * f, 0.02, 0.05)));
        (plan.MinInstances, plan.PeakInstances, plan.MaxInstances).Should().Be((min, atPeak, max));
        plan.MaxInstances.Should().Be(Size(2 * peak, 0.02, 0.05));
        plan.PeakUtilization.Should().BeApproximately(peak * 0.02 / atPeak, 1e-12);
    }

    [Fact]
    public void Plan_IdleRegion_KeepsTheMinimumForZoneFailures()
    {
        var plan = new RegionAutoscaler(new CapacityPlanner(new CapacityOptions())).Plan(new RegionTraffic { Region = "asia", PeakRequestsPerSecond = 0 }, TimeSpan.FromMilliseconds(20), TimeSpan.Zero);
        (plan.MinInstances, plan.PeakInstances, plan.MaxInstances).Should().Be((2, 2, 2));
    }

    [Fact]
    public void Constructor_BadCurve_IsRefusedNamingIt()
    {
        var planner = new CapacityPlanner(new CapacityOptions());
        ((Action)(() => _ = new RegionAutoscaler(planner, [.. Enumerable.Repeat(0.5, 24)]))).Should().Throw<ArgumentException>().WithParameterName("diurnal");
        ((Action)(() => _ = new RegionAutoscaler(planner, [1.0, 0.5]))).Should().Throw<ArgumentException>().WithParameterName("diurnal");
    }

    [Fact]
    public void Constructor_NegativeFactor_NamesItsIndexAndValue()
    {
        var curve = Enumerable.Repeat(1.0, 24).ToArray();
        curve[22] = -0.5;
        ((Action)(() => _ = new RegionAutoscaler(new CapacityPlanner(new CapacityOptions()), curve))).Should().Throw<ArgumentException>()
            .WithParameterName("diurnal").WithMessage("The factor at index 22 (hour 22) is -0.5; each hourly factor must be in [0, 1].*");
    }

    [Theory]
    [InlineData(-3.0)]
    [InlineData(1e12)]
    public void Plan_PeakRateNegativeOrBeyondThePlanner_NamesTheRegionAndItsPeakNotAnHoursShare(double peak)
    {
        // The default curve's hour 0 factor is 0.6 + 0.4 cos(2π(0 − 20)/24) = 0.8: the old message named 0.8 × the peak.
        var autoscaler = new RegionAutoscaler(new CapacityPlanner(new CapacityOptions()));
        var act = () => autoscaler.Plan(new RegionTraffic { Region = "eu", PeakRequestsPerSecond = peak }, TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(50));
        var ex = act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("traffic").Which;
        ex.ActualValue.Should().Be(peak);
        ex.Message.Should().StartWith($"Region 'eu': PeakRequestsPerSecond {peak.ToString(System.Globalization.CultureInfo.InvariantCulture)}")
            .And.NotContain((0.8 * peak).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
