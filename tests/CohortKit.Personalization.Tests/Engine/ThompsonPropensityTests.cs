using System.Runtime.Intrinsics;
using CohortKit.Personalization.Engine;
using CohortKit.Testing;

namespace CohortKit.Personalization.Tests.Engine;

/// <summary>Thompson sampling's propensity and Φ against SciPy (tests/reference/personalization/thompson_propensity.json:
/// adaptive Gauss–Kronrod quadrature with breakpoints at every factor's transition, and scipy.special.ndtr).</summary>
public sealed class ThompsonPropensityTests
{
    private const string File = "personalization/thompson_propensity.json";

    public static TheoryData<string> Cases() => [.. SharedData.Cases(File).Select(c => c.GetProperty("name").GetString()!)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void ThompsonProbability_ReferenceCase_MatchesAdaptiveQuadratureTo1e12(string name)
    {
        var c = SharedData.Cases(File).Single(e => e.GetProperty("name").GetString() == name);
        var means = c.Doubles("means");
        var widths = c.Doubles("widths");
        var scale = c.GetProperty("scale").GetDouble();
        var expected = c.Doubles("probabilities");
        for (var a = 0; a < means.Length; a++)
        {
            var p = ActionSelection.ThompsonProbability(means, widths, scale, a);
            p.Should().BeApproximately(expected[a], 1e-12, $"action {a} of '{name}'");
            if (expected[a] > 1e-4) { (Math.Abs(p - expected[a]) / expected[a]).Should().BeLessThan(1e-9, $"relative error of action {a}"); }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(32)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(128)]
    [InlineData(300)]
    public void ThompsonProbability_IdenticalActions_IsOneOverTheirNumber(int k)
    {
        // k exchangeable draws: each is the largest with probability 1/k (closed form). With many factors the integrand's
        // product rises sharply, which a fixed panel width did not resolve (more than 1e-12 off from k = 63).
        var means = Enumerable.Repeat(0.3, k).ToArray();
        var widths = Enumerable.Repeat(0.1, k).ToArray();
        foreach (var a in new[] { 0, k / 2, k - 1 })
        {
            ActionSelection.ThompsonProbability(means, widths, 1, a).Should().BeApproximately(1.0 / k, 1e-12, $"action {a} of {k}");
        }
    }

    [Fact]
    public void ThompsonProbability_ManyRivalsSomeFinishedEarly_StaysFiniteAndMatchesQuadrature()
    {
        // The chosen action N(0, 1) against 299 rivals of spread 1: every 8th (the ones whose factor would end a block of 8
        // multiplications) has mean −6 and reaches 1 earlier than the rest (mean −5), so late node groups skip exactly those.
        // Expected: ∫φ(z)Φ(z+5)^262 Φ(z+6)^37 dz by scipy.integrate.quad (SciPy 1.10.1, NumPy 1.24.2, epsabs 1e-16,
        // estimated error 2.7e-14), computed for this test.
        const double expected = 0.9771363688938898;
        var means = Enumerable.Range(0, 300).Select(b => b == 0 ? 0.0 : b % 8 == 0 ? -6.0 : -5.0).ToArray();
        var widths = Enumerable.Repeat(1.0, 300).ToArray();
        ActionSelection.ThompsonProbability(means, widths, 1, 0).Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void ThompsonProbability_RivalAMillionthOfAMillionthAsWide_IsTheClosedForm()
    {
        // The rival is practically the point 1 (spread 1e-12 against 1): P(N(0, 1) > 1) = 1 − Φ(1), Φ(1) = 0.841344746068542949
        // (mpmath, 40 digits). The trapezoid's node count (about 1e13) overflowed int, the cast saturated, groups·4 wrapped
        // negative and passed the 160-node check, and the stackalloc crashed the process with a stack overflow.
        var means = new[] { 0.0, 1.0 };
        var widths = new[] { 1.0, 1e-12 };
        ActionSelection.ThompsonProbability(means, widths, 1, 0).Should().BeApproximately(0.158655253931457051, 1e-12);
        ActionSelection.ThompsonProbability(means, widths, 1, 1).Should().BeApproximately(0.841344746068542949, 1e-12);
    }

    [Theory]
    [InlineData(1.0, 0.158655253931457051)]
    [InlineData(0.0, 0.5)]
    [InlineData(-2.0, 0.977249868051820793)]
    public void ThompsonProbability_RivalAStepNarrowerThanAnUlp_IsTheClosedForm(double rivalAt, double expected)
    {
        // Spreads 1e6 (scale 1e6) and 1e-12 (the floor): in the chosen action's units the rival is a step at rivalAt,
        // 1e-18 wide, so P(chosen) = 1 − Φ(rivalAt) (mpmath, 40 digits). The step's start rivalAt − 8.5e-18 rounded to
        // rivalAt, the trapezoid's lower-end bound was lost, and a node up to h below the step counted the rival as 1
        // (0.359 instead of 0.159).
        var means = new[] { 0.0, rivalAt * 1e6 };
        var widths = new[] { 1.0, 1e-18 };
        ActionSelection.ThompsonProbability(means, widths, 1e6, 0).Should().BeApproximately(expected, 1e-12);
        ActionSelection.ThompsonProbability(means, widths, 1e6, 1).Should().BeApproximately(1 - expected, 1e-12);
    }

    [Fact]
    public async Task ThompsonProbability_RivalNarrowerThanAnUlp_EndsAndIsTheClosedForm()
    {
        // The chosen action N(0, 1e4²) against a rival at 4e4 of spread 1e-12 (1e-16 in the chosen's units: a step) and 64
        // rivals N(0, 1e4²): P = ∫_4^∞ φ(z)Φ(z)^64 dz = (1 − Φ(4)^65)/65 = 3.16391650091095090e-05 (mpmath, 40 digits).
        // The Gauss–Legendre panels narrower than an ulp of z never advanced z: an endless loop.
        var means = new[] { 0.0, 4e4 }.Concat(Enumerable.Repeat(0.0, 64)).ToArray();
        var widths = new[] { 1e4, 3e-13 }.Concat(Enumerable.Repeat(1e4, 64)).ToArray();
        var task = Task.Run(() => ActionSelection.ThompsonProbability(means, widths, 1, 0));
        (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10)))).Should().BeSameAs(task, "the quadrature must end");
        (await task).Should().BeApproximately(3.16391650091095090e-05, 1e-12);
    }

    [Fact]
    public void ThompsonProbability_ManyWideRivalsJustSetToOne_MatchesQuadratureTo1e12()
    {
        // 199 rivals 1,000 times as wide, each at −7,503 (its factor Φ((z + 7503)/1000) passes Φ(7.5) at z = −3): each one
        // set to 1 from its Φ(7.5) on erred by about 3e-14, together 6.1e-12 (the Gauss–Legendre panels; more than 64 rivals).
        // Expected 1 − 6.206346157e-12 = ∫φ(z)Φ((z + 7503)/1000)^199 dz by mpmath.quad (30 digits).
        var means = new[] { 0.0 }.Concat(Enumerable.Repeat(-7503.0, 199)).ToArray();
        var widths = new[] { 1.0 }.Concat(Enumerable.Repeat(1000.0, 199)).ToArray();
        ActionSelection.ThompsonProbability(means, widths, 1, 0).Should().BeApproximately(0.9999999999937936538, 1e-12);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void ThompsonProbability_ActionFarBehind_IsTheSmallestPositiveNumber(int k)
    {
        // Action 0 is 70 standard deviations of the difference behind action 1: its probability, Φ(−70.7) by the two-action
        // closed form and below it with more rivals, underflows; it was drawn, so the propensity is the smallest positive
        // double, never 0 (an importance weight 1/p must stay finite).
        var means = Enumerable.Range(0, k).Select(b => b == 1 ? 10.0 : 0.0).ToArray();
        var widths = Enumerable.Repeat(0.1, k).ToArray();
        ActionSelection.ThompsonProbability(means, widths, 1, 0).Should().Be(double.Epsilon);
        ActionSelection.ThompsonProbability(means, widths, 1, 1).Should().BeApproximately(1, 1e-15);
    }

    [Fact]
    public void Probabilities_Thompson_MatchAdaptiveQuadratureForEveryCase()
    {
        var options = new BanditPolicyOptions { Policy = BanditPolicy.Thompson };
        foreach (var c in SharedData.Cases(File))
        {
            options.ThompsonScale = c.GetProperty("scale").GetDouble();
            var expected = c.Doubles("probabilities");
            var destination = new double[expected.Length];
            ActionSelection.Probabilities(options, c.Doubles("means"), c.Doubles("widths"), destination);
            destination.Should().Equal(expected, (p, q) => Math.Abs(p - q) <= 1e-12, c.GetProperty("name").GetString());
        }
    }

    [Fact]
    public void NormalCdf_Grid_MatchesScipyNdtr()
    {
        var grid = SharedData.Reference(File).GetProperty("normalCdf");
        var x = grid.Doubles("x");
        var phi = grid.Doubles("phi");
        for (var i = 0; i < x.Length; i++)
        {
            var value = ActionSelection.NormalCdf(x[i]);
            value.Should().BeApproximately(phi[i], 3e-16, $"Φ({x[i]})");
            var tolerance = x[i] >= -3 ? 1e-13 : 1e-8;
            if (phi[i] > 0) { (Math.Abs(value - phi[i]) / phi[i]).Should().BeLessThan(tolerance, $"relative error of Φ({x[i]})"); }
        }
    }

    [Fact]
    public void NormalCdfRatio_WithinTheQuadraturesRange_MatchesScipyNdtr()
    {
        var grid = SharedData.Reference(File).GetProperty("normalCdf");
        var x = grid.Doubles("x");
        var phi = grid.Doubles("phi");
        var inRange = Enumerable.Range(0, x.Length).Where(i => x[i] >= -7.5 && x[i] <= 7.5).ToArray();
        inRange.Length.Should().BeGreaterThan(150);
        foreach (var i in inRange)
        {
            // Each point in its own lane position in turn, beside three other arguments of both signs.
            for (var lane = 0; lane < Vector256<double>.Count; lane++)
            {
                var u = Vector256.Create(-1.5, 0.25, 3, -6).WithElement(lane, x[i]);
                ActionSelection.NormalCdfRatio(u, out var numerator, out var denominator);
                (numerator.GetElement(lane) / denominator.GetElement(lane)).Should().BeApproximately(phi[i], 3e-16, $"Φ({x[i]}) in lane {lane}");
            }
        }
    }
}
