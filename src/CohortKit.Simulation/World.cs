using CohortKit.Events;
using CohortKit.Learners;
using CohortKit.Simulation.Experiments;
using CohortKit.Simulation.Model;
using CohortKit.Randomness;

namespace CohortKit.Simulation;

/// <summary>The state of one generation run: platform-level draws (personas, cohorts) and per-learner outputs.</summary>
internal sealed class World
{
    private const ulong PersonaStream = ulong.MaxValue;
    private const ulong CohortStreamBase = 1UL << 40;
    private const ulong ArmStreamBase = 1UL << 41;
    private const int FirstSessionMinute = 5 * 60;
    private const int LastSessionMinute = 21 * 60 + 59;
    private const double MaxSessionMinutes = 480;
    private const int MinutesPerDay = 24 * 60;
    private static readonly int MetricCount = Enum.GetValues<SimulatedMetric>().Length;

    private readonly SimulationOptions _o;
    private readonly ulong _seed;
    private readonly double[][] _cumulative;
    private readonly double[] _regionCumulative;
    private readonly double[][] _countryCumulativeByRegion;
    private readonly int[][] _countriesByRegion;
    private readonly string[] _locales;
    private readonly int[] _localeOfCountry;
    private readonly int _englishLocale;
    private readonly string[] _timezones;
    private readonly int[] _timezoneOfCountry;

    // personas
    private readonly double[] _personaEngagement, _personaMinutesMu, _personaPace, _personaExtraSessions;
    private readonly int[] _personaMinute;
    private readonly float[] _personaSkill;

    // experiment
    private readonly ExperimentDesign? _design;
    private readonly double[] _armCumulative = [];
    private readonly int[] _cohortOfLearner = [];
    private readonly int[] _armOfCohort = [];
    private readonly double[] _cohortShift = [];
    private readonly (int Arm, int Metric, double Effect, int Attribute, int Code)[] _effects = [];

    // per-learner outputs
    private readonly int[][] _codes;
    private readonly DateOnly[] _signupDates;
    private readonly int[] _signupDay, _persona, _onset, _churnDay, _arm;
    private readonly float[] _baseEngagement, _churnMultiplier, _skills;
    private readonly double[][] _effectByMetric;

    public World(SimulationOptions o)
    {
        _o = o;
        _seed = unchecked((ulong)o.Seed);
        var n = o.Learners;
        var dists = Distributions;
        _cumulative = dists.Select(d => d.Cumulative()).ToArray();
        var regions = PlatformModel.Region.Categories;
        _countriesByRegion = regions.Select(r => PlatformModel.Countries.Select((c, i) => (c, i)).Where(x => x.c.Region == r).Select(x => x.i).ToArray()).ToArray();
        _countryCumulativeByRegion = _countriesByRegion.Select(ids =>
        {
            var dist = new AttributeDistribution("country", ids.Select(i => PlatformModel.Countries[i].Code).ToArray(), ids.Select(i => PlatformModel.Countries[i].ProbabilityWithinRegion).ToArray());
            return dist.Cumulative();
        }).ToArray();
        _locales = [.. PlatformModel.CategoriesOf("locale")];
        _regionCumulative = PlatformModel.Region.Cumulative();
        _localeOfCountry = PlatformModel.Countries.Select(c => Array.IndexOf(_locales, c.Locale)).ToArray();
        _englishLocale = Array.IndexOf(_locales, "en-US");
        _timezones = [.. PlatformModel.CategoriesOf("timezone")];
        _timezoneOfCountry = PlatformModel.Countries.Select(c => Array.IndexOf(_timezones, PlatformModel.TimezoneName(c.UtcOffsetMinutes))).ToArray();

        // Personas: the planted groups.
        var pr = new Xoshiro256(_seed, PersonaStream);
        var p = o.Personas;
        var k = o.SkillDimensions;
        _personaEngagement = new double[p];
        _personaMinutesMu = new double[p];
        _personaPace = new double[p];
        _personaExtraSessions = new double[p];
        _personaMinute = new int[p];
        _personaSkill = new float[p * k];
        int[] hours = [7, 21, 12, 19, 9, 22, 13, 17, 6, 20, 11, 15];
        for (var i = 0; i < p; i++)
        {
            _personaEngagement[i] = 0.4 * pr.NextGaussian();
            _personaMinutesMu[i] = Math.Log(12 + 4 * (i % 7) + 6 * pr.NextDouble());
            _personaPace[i] = 0.6 + 0.9 * pr.NextDouble();
            _personaExtraSessions[i] = 0.15 + 0.6 * pr.NextDouble();
            _personaMinute[i] = hours[i % hours.Length] * 60 + pr.NextInt(60);
            for (var d = 0; d < k; d++)
            {
                _personaSkill[i * k + d] = (float)pr.NextGaussian();
            }
        }

        _codes = new int[PlatformModel.AttributeNames.Count][];
        for (var a = 0; a < _codes.Length; a++)
        {
            _codes[a] = new int[n];
        }

        _signupDates = new DateOnly[n];
        _signupDay = new int[n];
        _persona = new int[n];
        _onset = new int[n];
        _churnDay = new int[n];
        _arm = new int[n];
        _baseEngagement = new float[n];
        _churnMultiplier = new float[n];
        _skills = new float[(long)n * k];
        var zeros = new double[n];
        _effectByMetric = Enumerable.Range(0, MetricCount).Select(_ => zeros).ToArray();

        _design = o.Experiment;
        if (_design is null)
        {
            Array.Fill(_arm, -1);
            return;
        }

        var totalWeight = _design.Arms.Sum(a => a.Weight);
        _armCumulative = new double[_design.Arms.Count];
        double s = 0;
        for (var i = 0; i < _armCumulative.Length; i++)
        {
            s += _design.Arms[i].Weight / totalWeight;
            _armCumulative[i] = s;
        }

        _armCumulative[^1] = 1;
        _effects = _design.Effects.Select(e => (
            Arm: _design.Arms.Select(a => a.Name).ToList().IndexOf(e.Arm),
            Metric: (int)e.Metric,
            e.Effect,
            Attribute: e.SegmentAttribute is null ? -1 : PlatformModel.AttributeNames.ToList().IndexOf(e.SegmentAttribute),
            Code: e.SegmentAttribute is null ? -1 : CodeOf(e.SegmentAttribute, e.SegmentValue!)))
            // segment-specific effects are checked first so they replace the overall effect
            .OrderBy(e => e.Attribute < 0 ? 1 : 0).ToArray();
        _effectByMetric = Enumerable.Range(0, MetricCount).Select(_ => new double[n]).ToArray();

        if (_design.Unit == RandomizationUnit.Cohort)
        {
            // Cohorts: consecutive blocks of a seeded permutation of the learners.
            var order = new int[n];
            for (var i = 0; i < n; i++)
            {
                order[i] = i;
            }

            var cr = new Xoshiro256(_seed, CohortStreamBase - 1);
            for (var i = n - 1; i > 0; i--)
            {
                var j = (int)((cr.NextUInt64() >> 11) % (ulong)(i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }

            var cohorts = (n + _design.CohortSize - 1) / _design.CohortSize;
            _cohortOfLearner = new int[n];
            for (var i = 0; i < n; i++)
            {
                _cohortOfLearner[order[i]] = i / _design.CohortSize;
            }

            _armOfCohort = new int[cohorts];
            _cohortShift = new double[cohorts];
            for (var c = 0; c < cohorts; c++)
            {
                var r = new Xoshiro256(_seed, CohortStreamBase + (ulong)c);
                _armOfCohort[c] = r.NextCategorical(_armCumulative);
                _cohortShift[c] = _design.CohortEngagementSd * r.NextGaussian();
            }
        }
    }

    private static AttributeDistribution[] Distributions { get; } =
        [PlatformModel.AgeBand, PlatformModel.Domain, PlatformModel.Experience, PlatformModel.Device, PlatformModel.Plan, PlatformModel.Channel];

    // Attribute indexes in PlatformModel.AttributeNames order.
    private const int AgeA = 0, DomainA = 1, ExperienceA = 2, RegionA = 3, CountryA = 4, LocaleA = 5, TimezoneA = 6, DeviceA = 7, PlanA = 8, ChannelA = 9;

    private static readonly int[] DistributionAttribute = [AgeA, DomainA, ExperienceA, DeviceA, PlanA, ChannelA];

    private string[] CategoriesOf(int attribute) => attribute switch
    {
        LocaleA => _locales,
        TimezoneA => _timezones,
        _ => [.. PlatformModel.CategoriesOf(PlatformModel.AttributeNames[attribute])],
    };

    private int CodeOf(string attribute, string value)
    {
        var a = PlatformModel.AttributeNames.ToList().IndexOf(attribute);
        return Array.IndexOf(CategoriesOf(a), value);
    }

    /// <summary>The facts of one learner that the later steps read.</summary>
    private readonly record struct Profile(int SignupDay, int Country, string Plan, string Experience, string Channel, string Device);

    /// <summary>One learner's latent traits.</summary>
    private readonly record struct Traits(double Skill, double MinutesMu, double Pace, double ExtraSessions, int PreferredMinute, double Baseline);

    /// <summary>Simulates one learner: attributes, latent traits, experiment arm and effects, then day-by-day activity
    /// and churn. Draws come from the learner's own stream (seed, row), so the result does not depend on threads.</summary>
    public void SimulateLearner(int row, PlatformSimulator.ChunkEvents output)
    {
        var r = new Xoshiro256(_seed, (ulong)row);
        var profile = DrawAttributes(row, ref r);
        var traits = DrawTraits(row, ref r, profile);
        traits = AssignExperiment(row, traits);
        SimulateDays(row, ref r, profile, traits, output);
    }

    private Profile DrawAttributes(int row, ref Xoshiro256 r)
    {
        var o = _o;
        for (var d = 0; d < Distributions.Length; d++)
        {
            _codes[DistributionAttribute[d]][row] = r.NextCategorical(_cumulative[d]);
        }

        var region = r.NextCategorical(_regionCumulative);
        var country = _countriesByRegion[region][r.NextCategorical(_countryCumulativeByRegion[region])];
        _codes[RegionA][row] = region;
        _codes[CountryA][row] = country;
        _codes[LocaleA][row] = r.NextBool(PlatformModel.EnglishLocaleShare) ? _englishLocale : _localeOfCountry[country];
        _codes[TimezoneA][row] = _timezoneOfCountry[country];
        var signupDay = r.NextBool(o.NewLearnerShare) ? r.NextInt(o.Days) : -1 - r.NextInt(365);
        _signupDay[row] = signupDay;
        _signupDates[row] = o.StartDate.AddDays(signupDay);
        return new Profile(signupDay, country,
            PlatformModel.Plan.Categories[_codes[PlanA][row]],
            PlatformModel.Experience.Categories[_codes[ExperienceA][row]],
            PlatformModel.Channel.Categories[_codes[ChannelA][row]],
            PlatformModel.Device.Categories[_codes[DeviceA][row]]);
    }

    private Traits DrawTraits(int row, ref Xoshiro256 r, in Profile p)
    {
        var o = _o;
        var persona = r.NextInt(o.Personas);
        _persona[row] = persona;
        var k = o.SkillDimensions;
        double skillSum = 0;
        for (var d = 0; d < k; d++)
        {
            var v = _personaSkill[persona * k + d] + 0.5 * r.NextGaussian();
            _skills[(long)row * k + d] = (float)v;
            skillSum += v;
        }

        var skill = skillSum / Math.Sqrt(k) * 0.5 + (p.Experience switch { "advanced" => 0.8, "intermediate" => 0.3, _ => 0 });
        var minutesMu = _personaMinutesMu[persona] + 0.2 * r.NextGaussian();
        var pace = _personaPace[persona] * Math.Exp(0.2 * r.NextGaussian());
        var extraSessions = _personaExtraSessions[persona];
        var preferredMinute = _personaMinute[persona] + (int)Math.Round(60 * r.NextGaussian());
        var baseline = Logit(o.MeanEngagement) + PlatformModel.EngagementShift(p.Plan, p.Device, p.Channel) + _personaEngagement[persona] + 0.5 * r.NextGaussian();
        return new Traits(skill, minutesMu, pace, extraSessions, preferredMinute, baseline);
    }

    /// <summary>Assigns the arm (own stream, or the cohort's) and records the true effect per metric; returns the traits
    /// with the cohort's engagement shift applied.</summary>
    private Traits AssignExperiment(int row, Traits traits)
    {
        var arm = -1;
        if (_design is not null)
        {
            if (_design.Unit == RandomizationUnit.Cohort)
            {
                arm = _armOfCohort[_cohortOfLearner[row]];
                traits = traits with { Baseline = traits.Baseline + _cohortShift[_cohortOfLearner[row]] };
            }
            else
            {
                var ar = new Xoshiro256(_seed, ArmStreamBase + (ulong)row);
                arm = ar.NextCategorical(_armCumulative);
            }

            if (arm > 0)
            {
                for (var m = 0; m < MetricCount; m++)
                {
                    foreach (var e in _effects)
                    {
                        if (e.Arm == arm && e.Metric == m && (e.Attribute < 0 || _codes[e.Attribute][row] == e.Code))
                        {
                            _effectByMetric[m][row] = e.Effect;
                            break;
                        }
                    }
                }
            }
        }

        _arm[row] = arm;
        return traits;
    }

    /// <summary>Day by day from signup (or the window start): engagement walk, sessions, lessons, assessments, churn.</summary>
    private void SimulateDays(int row, ref Xoshiro256 r, in Profile profile, in Traits traits, PlatformSimulator.ChunkEvents output)
    {
        var o = _o;
        var signupDay = profile.SignupDay;
        var country = profile.Country;
        var skill = traits.Skill;
        var (minutesMu, pace, extraSessions, preferredMinute, baseline) = (traits.MinutesMu, traits.Pace, traits.ExtraSessions, traits.PreferredMinute, traits.Baseline);
        var activityEffect = 1 + _effectByMetric[(int)SimulatedMetric.Activity][row];
        var minutesEffect = 1 + _effectByMetric[(int)SimulatedMetric.Minutes][row];
        var lessonsEffect = 1 + _effectByMetric[(int)SimulatedMetric.Lessons][row];
        var scoreEffect = _effectByMetric[(int)SimulatedMetric.Score][row];
        var multiplier = PlatformModel.ChurnHazardMultiplier(profile.Plan, profile.Experience, profile.Channel) * (1 + _effectByMetric[(int)SimulatedMetric.ChurnHazard][row]);
        _churnMultiplier[row] = (float)multiplier;
        _baseEngagement[row] = (float)Sigmoid(baseline);

        // Days: day t is the UTC calendar day StartDate + t, for the simulator, the ground truth and the files alike.
        var startDay = Math.Max(0, signupDay);
        var offsetMinutes = PlatformModel.Countries[country].UtcOffsetMinutes;
        var startTicks = o.StartDate.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc).Ticks;
        var x = baseline;
        var window = 0u;
        int onset = -1, churnDay = -1, lead = 0;
        var before = output.Timestamps.Count;
        Span<int> starts = stackalloc int[16];
        for (var t = startDay; t < o.Days; t++)
        {
            if (churnDay >= 0 && t >= churnDay)
            {
                break;
            }

            var tenure = t - startDay;
            var target = baseline - o.EngagementDecayPerDay * tenure;
            x += 0.2 * (target - x) + o.EngagementVolatility * r.NextGaussian();
            var pActive = Math.Min(1, Sigmoid(x) * activityEffect);
            if (onset >= 0)
            {
                pActive *= (double)(churnDay - t) / (lead + 1);
            }

            var active = r.NextBool(pActive);
            window = ((window << 1) | (active ? 1u : 0u)) & 0x7F;
            if (active)
            {
                var dayTicks = startTicks + t * TimeSpan.TicksPerDay;
                var sessions = Math.Min(starts.Length, 1 + r.NextPoisson(extraSessions));
                for (var s = 0; s < sessions; s++)
                {
                    // A preferred local time of day, expressed as a minute of the UTC day (wrapping past midnight).
                    var local = Math.Clamp(preferredMinute + (int)Math.Round(90 * r.NextGaussian()), FirstSessionMinute, LastSessionMinute);
                    starts[s] = ((local - offsetMinutes) % MinutesPerDay + MinutesPerDay) % MinutesPerDay;
                }

                starts[..sessions].Sort();

                // Sessions one after another, never overlapping, all ending early enough that the day's lesson and
                // assessment events (at the last end and one minute later) still fall on the same UTC day.
                var latestEnd = dayTicks + TimeSpan.TicksPerDay - 2 * TimeSpan.TicksPerMinute;
                double totalMinutes = 0;
                var lastEnd = dayTicks;
                for (var s = 0; s < sessions; s++)
                {
                    var minutes = Math.Clamp(Math.Exp(minutesMu + 0.5 * r.NextGaussian()) * minutesEffect, 1, MaxSessionMinutes);
                    var at = Math.Max(dayTicks + starts[s] * TimeSpan.TicksPerMinute, lastEnd);
                    minutes = Math.Min(minutes, (double)(latestEnd - at) / TimeSpan.TicksPerMinute);
                    if (minutes < 1)
                    {
                        break; // no room left today
                    }

                    var stored = (float)minutes;
                    Emit(output, at, LearnerEventKind.Session, stored);
                    totalMinutes += minutes;
                    // One millisecond of slack: the CSV writes the float32 duration as its shortest decimal, which a
                    // reader in double precision (pandas) may see up to half a float32 ulp longer (< 0.6 ms at 300 min).
                    lastEnd = at + (long)Math.Ceiling((double)stored * TimeSpan.TicksPerMinute) + TimeSpan.TicksPerMillisecond;
                }

                var lessons = r.NextPoisson(pace * totalMinutes / 30 * lessonsEffect);
                if (lessons > 0)
                {
                    Emit(output, lastEnd, LearnerEventKind.Lesson, lessons);
                    skill += 0.004 * lessons;
                    if (r.NextBool(o.AssessmentRate))
                    {
                        var score = Math.Clamp(100 * Sigmoid(skill + 0.4 * r.NextGaussian()) + scoreEffect, 0, 100);
                        Emit(output, lastEnd + TimeSpan.TicksPerMinute, LearnerEventKind.Assessment, (float)Math.Round(score, 1));
                    }
                }
            }

            if (onset < 0)
            {
                var recent = (double)System.Numerics.BitOperations.PopCount(window) / Math.Min(7, tenure + 1);
                var hazard = o.BaseDailyChurnHazard * multiplier * Math.Exp(o.ChurnEngagementSensitivity * (o.MeanEngagement - recent));
                if (r.NextDouble() < hazard)
                {
                    onset = t;
                    lead = o.ChurnLeadDaysMin + r.NextInt(o.ChurnLeadDaysMax - o.ChurnLeadDaysMin + 1);
                    churnDay = t + lead;
                }
            }
        }

        _onset[row] = onset;
        _churnDay[row] = churnDay;
        output.CountPerLearner.Add(output.Timestamps.Count - before);
    }

    private static void Emit(PlatformSimulator.ChunkEvents output, long ticks, LearnerEventKind kind, float value)
    {
        output.Timestamps.Add(ticks);
        output.Kinds.Add(kind);
        output.Values.Add(value);
    }

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    private static double Logit(double p) => Math.Log(p / (1 - p));

    public LearnerAttributes BuildLearners()
    {
        var n = _o.Learners;
        var ids = new LearnerId[n];
        for (var i = 0; i < n; i++)
        {
            ids[i] = new LearnerId(i + 1);
        }

        var columns = new List<CategoricalColumn>();
        for (var a = 0; a < _codes.Length; a++)
        {
            columns.Add(new CategoricalColumn(PlatformModel.AttributeNames[a], CategoriesOf(a), _codes[a]));
        }

        if (_design is not null)
        {
            columns.Add(new CategoricalColumn("arm", _design.Arms.Select(a => a.Name).ToArray(), _arm));
            if (_design.Unit == RandomizationUnit.Cohort)
            {
                var cohorts = _armOfCohort.Length;
                columns.Add(new CategoricalColumn("cohort", Enumerable.Range(0, cohorts).Select(c => $"c{c}").ToArray(), _cohortOfLearner));
            }
        }

        return new LearnerAttributes(ids, _signupDates, columns);
    }

    public SimulationGroundTruth BuildTruth()
    {
        var cohort = _design?.Unit == RandomizationUnit.Cohort ? _cohortOfLearner : Enumerable.Repeat(-1, _o.Learners).ToArray();
        return new SimulationGroundTruth(_persona, _skills, _o.SkillDimensions, _baseEngagement, _signupDay, _onset, _churnDay,
            _churnMultiplier, _arm, cohort, _design?.Arms.Select(a => a.Name).ToArray() ?? [], _effectByMetric, _design?.Effects.ToArray() ?? []);
    }
}
