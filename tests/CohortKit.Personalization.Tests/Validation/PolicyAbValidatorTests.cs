using CohortKit.Learners;
using CohortKit.Personalization.Validation;
using CohortKit.Randomness;

namespace CohortKit.Personalization.Tests.Validation;

/// <summary>The go-live verdict on simulated A/B tests with known true effects.</summary>
public sealed class PolicyAbValidatorTests
{
    [Fact]
    public void Validate_RealLiftEverywhere_Ships()
    {
        var outcomes = Simulate(4000, seed: 1, liftNovice: 0.15, liftExpert: 0.15);
        var verdict = new PolicyAbValidator().Validate(outcomes);
        verdict.Ship.Should().BeTrue(string.Join(", ", verdict.Blockers));
        verdict.Reward.AbsoluteEffect.Should().BeApproximately(DifferenceOfMeans(outcomes), 1e-12);
        verdict.Reward.PValue.Should().BeLessThan(0.05);
        verdict.Readout.Segments.Select(s => s.Segment).Distinct().Should().BeEquivalentTo("novice", "expert");
    }

    [Fact]
    public void Validate_LiftOverallButHarmInOneSegment_IsBlocked_NamingTheSegment()
    {
        var outcomes = Simulate(6000, seed: 2, liftNovice: 0.6, liftExpert: -0.3);
        var verdict = new PolicyAbValidator().Validate(outcomes);
        verdict.Reward.PValue.Should().BeLessThan(0.05, "the overall effect is positive and large");
        verdict.Ship.Should().BeFalse();
        verdict.Blockers.Should().Equal(ValidationBlocker.SegmentRegression);
        verdict.RegressedSegments.Should().Equal("expert");
    }

    [Fact]
    public void Validate_GuardrailDrops_IsBlocked()
    {
        var outcomes = Simulate(6000, seed: 3, liftNovice: 0.2, liftExpert: 0.2, completionDrop: 0.08);
        var verdict = new PolicyAbValidator().Validate(outcomes);
        verdict.Blockers.Should().Contain(ValidationBlocker.GuardrailRegression);
        verdict.Ship.Should().BeFalse();
    }

    [Fact]
    public void Validate_UnbalancedSplit_IsBlockedBySampleRatioMismatch()
    {
        var outcomes = Simulate(4000, seed: 4, liftNovice: 0.15, liftExpert: 0.15, policyShare: 0.6);
        var verdict = new PolicyAbValidator().Validate(outcomes, expectedPolicyShare: 0.5);
        verdict.Blockers.Should().Contain(ValidationBlocker.SampleRatioMismatch);
        new PolicyAbValidator().Validate(outcomes, expectedPolicyShare: 0.6).Blockers.Should().NotContain(ValidationBlocker.SampleRatioMismatch);
    }

    [Fact]
    public void Validate_NoTrueEffect_ShipsAtMostAtHalfAlpha_BinomialBand()
    {
        // Under A/A the gate (p < 0.05 and a positive effect) passes with probability 0.025; over 400 simulated tests the
        // count must lie in the binomial 99.9 % band [0, 10 + 3.29·√(400·0.025·0.975)] = [0, 20].
        const int simulations = 400;
        var validator = new PolicyAbValidator();
        var shipped = 0;
        for (var s = 0; s < simulations; s++)
        {
            if (validator.Validate(Simulate(600, seed: (ulong)(100 + s), liftNovice: 0, liftExpert: 0, withSegments: false)).Ship) { shipped++; }
        }

        shipped.Should().BeInRange(1, 20);
    }

    [Fact]
    public void Constructor_BadInput_IsRefused()
    {
        FluentActions.Invoking(() => new PolicyOutcomes([true, true], new double[] { 1, 2 })).Should().Throw<ArgumentException>().WithMessage("Both the policy arm and the holdout*");
        FluentActions.Invoking(() => new PolicyOutcomes([true, false], new double[] { 1 })).Should().Throw<ArgumentException>().WithMessage("reward has 1 values*");
        var ok = new PolicyOutcomes([true, false, true, false], new double[] { 1, 2, 3, 4 });
        FluentActions.Invoking(() => new PolicyAbValidator().Validate(ok, 1)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("expectedPolicyShare");
    }

    private static PolicyOutcomes Simulate(int n, ulong seed, double liftNovice, double liftExpert, double completionDrop = 0, double policyShare = 0.5, bool withSegments = true)
    {
        var random = new Xoshiro256(seed, 0);
        var served = new bool[n];
        var reward = new double[n];
        var completion = new double[n];
        var segment = new string[n];
        for (var i = 0; i < n; i++)
        {
            served[i] = random.NextDouble() < policyShare;
            var expert = random.NextDouble() < 0.5;
            segment[i] = expert ? "expert" : "novice";
            reward[i] = 1 + (served[i] ? (expert ? liftExpert : liftNovice) : 0) + random.NextGaussian();
            completion[i] = random.NextDouble() < 0.7 - (served[i] ? completionDrop : 0) ? 1 : 0;
        }

        return new PolicyOutcomes(served, reward, [new GuardrailMetric("completion", completion)], withSegments ? CategoricalColumn.Encode("level", segment) : null);
    }

    private static double DifferenceOfMeans(PolicyOutcomes o)
    {
        var r = o.Reward.Span;
        double sp = 0, sh = 0;
        int np = 0, nh = 0;
        for (var i = 0; i < r.Length; i++)
        {
            if (o.Arms[i] == PolicyOutcomes.PolicyArm) { sp += r[i]; np++; } else { sh += r[i]; nh++; }
        }

        return (sp / np) - (sh / nh);
    }
}
