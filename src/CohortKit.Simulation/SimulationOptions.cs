using CohortKit.Simulation.Experiments;

namespace CohortKit.Simulation;

/// <summary>Settings of <see cref="PlatformSimulator"/>. Validated by <see cref="SimulationOptionsValidator"/>.</summary>
public sealed class SimulationOptions
{
    /// <summary>Gets or sets the number of learners.</summary>
    /// <value>The default value is 10,000.</value>
    public int Learners { get; set; } = 10_000;

    /// <summary>Gets or sets the number of simulated days.</summary>
    /// <value>The default value is 90.</value>
    public int Days { get; set; } = 90;

    /// <summary>Gets or sets the seed; the same seed and options give the same platform.</summary>
    /// <value>The default value is 42.</value>
    public long Seed { get; set; } = 42;

    /// <summary>Gets or sets the first simulated day (UTC).</summary>
    /// <value>The default value is 2026-01-05.</value>
    public DateOnly StartDate { get; set; } = new(2026, 1, 5);

    /// <summary>Gets or sets the share of learners who sign up during the simulated window (the rest signed up in the year before it).</summary>
    /// <value>The default value is 0.5.</value>
    public double NewLearnerShare { get; set; } = 0.5;

    /// <summary>Gets or sets the daily active probability of a reference learner at the start.</summary>
    /// <value>The default value is 0.45.</value>
    public double MeanEngagement { get; set; } = 0.45;

    /// <summary>Gets or sets how much a learner's baseline engagement falls per day of tenure, on the logit scale.</summary>
    /// <value>The default value is 0.01.</value>
    public double EngagementDecayPerDay { get; set; } = 0.01;

    /// <summary>Gets or sets the standard deviation of the daily engagement drift, on the logit scale.</summary>
    /// <value>The default value is 0.15.</value>
    public double EngagementVolatility { get; set; } = 0.15;

    /// <summary>Gets or sets the daily churn-onset hazard of a reference learner (free, intermediate, organic) whose recent activity equals <see cref="MeanEngagement"/>.</summary>
    /// <value>The default value is 0.004.</value>
    public double BaseDailyChurnHazard { get; set; } = 0.004;

    /// <summary>Gets or sets how strongly low recent activity raises the hazard: the hazard is multiplied by
    /// exp(sensitivity × (MeanEngagement − active share of the last 7 days)). 0 makes churn independent of engagement.</summary>
    /// <value>The default value is 2.</value>
    public double ChurnEngagementSensitivity { get; set; } = 2;

    /// <summary>Gets or sets the shortest disengagement phase, in days, between churn onset and the churn day.</summary>
    /// <value>The default value is 7.</value>
    public int ChurnLeadDaysMin { get; set; } = 7;

    /// <summary>Gets or sets the longest disengagement phase, in days.</summary>
    /// <value>The default value is 14.</value>
    public int ChurnLeadDaysMax { get; set; } = 14;

    /// <summary>Gets or sets the number of planted learner groups (personas) that shape study habits and skills.</summary>
    /// <value>The default value is 8.</value>
    public int Personas { get; set; } = 8;

    /// <summary>Gets or sets the dimension of the latent skill vector.</summary>
    /// <value>The default value is 8.</value>
    public int SkillDimensions { get; set; } = 8;

    /// <summary>Gets or sets the probability that an active day with lessons includes an assessment.</summary>
    /// <value>The default value is 0.15.</value>
    public double AssessmentRate { get; set; } = 0.15;

    /// <summary>Gets or sets an experiment to plant, or <see langword="null"/> for none.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public ExperimentDesign? Experiment { get; set; }

    /// <summary>Gets or sets the largest number of threads used; results do not depend on it.</summary>
    /// <value>The default value is the processor count.</value>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Returns a copy that shares nothing mutable with this instance (the experiment design and its lists are copied).</summary>
    internal SimulationOptions Copy()
    {
        var copy = (SimulationOptions)MemberwiseClone();
        copy.Experiment = Experiment?.Copy();
        return copy;
    }
}
