namespace CohortKit.Experiments;

/// <summary>One metric with one value per unit (learner or cluster), in unit order.</summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Values">One finite value per unit.</param>
public sealed record MetricColumn(string Name, ReadOnlyMemory<double> Values);
