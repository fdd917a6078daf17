using CohortKit.Churn.Interventions.Playbook;
using CohortKit.Learners;

namespace CohortKit.Churn.Tests.Interventions;

public sealed class InterventionHoldoutTests
{
    [Fact]
    public void IsHeldOut_ShareOf200000Learners_LiesInTheBinomialInterval()
    {
        var holdout = new InterventionHoldout(new HoldoutSettings { Fraction = 0.1, Salt = "s" });
        const int n = 200_000;
        var held = Enumerable.Range(0, n).Count(i => holdout.IsHeldOut(new LearnerId(i)));

        // 99.9% normal interval of Binomial(200000, 0.1): 20000 ± 3.29·√(200000·0.1·0.9) = 20000 ± 441.
        held.Should().BeInRange(20_000 - 441, 20_000 + 441);
    }

    [Fact]
    public void IsHeldOut_DependsOnlyOnIdAndSalt()
    {
        var a = new InterventionHoldout(new HoldoutSettings { Fraction = 0.2, Salt = "programme" });
        var b = new InterventionHoldout(new HoldoutSettings { Fraction = 0.2, Salt = "programme" });
        var other = new InterventionHoldout(new HoldoutSettings { Fraction = 0.2, Salt = "other" });
        var ids = Enumerable.Range(0, 5000).Select(i => new LearnerId(i * 7919L - 3)).ToArray();

        ids.Select(a.IsHeldOut).Should().Equal(ids.Reverse().Select(b.IsHeldOut).Reverse());
        // Another salt gives another holdout: the two agree on about 0.8² + 0.2² = 68% of learners, not all.
        ids.Count(i => a.IsHeldOut(i) == other.IsHeldOut(i)).Should().BeInRange(3200, 3600);
    }

    [Fact]
    public void IsHeldOut_RaisingTheFraction_OnlyAddsLearners()
    {
        var small = new InterventionHoldout(new HoldoutSettings { Fraction = 0.05, Salt = "s" });
        var large = new InterventionHoldout(new HoldoutSettings { Fraction = 0.15, Salt = "s" });
        var ids = Enumerable.Range(0, 20_000).Select(i => new LearnerId(i)).ToArray();

        ids.Where(small.IsHeldOut).Should().OnlyContain(i => large.IsHeldOut(i));
        ids.Count(large.IsHeldOut).Should().BeGreaterThan(ids.Count(small.IsHeldOut));
    }

    [Fact]
    public void Constructor_FractionOutOfRange_Throws()
    {
        FluentActions.Invoking(() => new InterventionHoldout(new HoldoutSettings { Fraction = 1, Salt = "s" }))
            .Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new InterventionHoldout(new HoldoutSettings { Fraction = 0.1, Salt = " " }))
            .Should().Throw<ArgumentException>();
    }
}
