namespace CohortKit.Churn.Interventions;

/// <summary>How the orchestrator ranks learners for a rule's budget.</summary>
public enum InterventionTargeting
{
    /// <summary>Highest P(churn) first: the learners most likely to leave.</summary>
    Risk = 0,

    /// <summary>Highest predicted uplift (churn reduction from acting, e.g. a T-learner) first; learners whose
    /// uplift does not exceed <see cref="InterventionOptions.MinimumUplift"/> are not targeted.</summary>
    Uplift = 1,
}

/// <summary>Settings of the <see cref="InterventionOrchestrator"/>.</summary>
public sealed class InterventionOptions
{
    /// <summary>Gets or sets how learners are ranked within a rule.</summary>
    /// <value>The default value is <see cref="InterventionTargeting.Risk"/>.</value>
    public InterventionTargeting Targeting { get; set; } = InterventionTargeting.Risk;

    /// <summary>Gets or sets the uplift a learner must exceed to be targeted under <see cref="InterventionTargeting.Uplift"/>.</summary>
    /// <value>The default value is 0 (act only where acting is predicted to reduce churn).</value>
    public double MinimumUplift { get; set; }

    /// <summary>Gets or sets how many days after its planned day an unsent decision is still retried; older ones become
    /// <see cref="Dispatch.DecisionState.Expired"/> (a nudge for last week's risk is stale).</summary>
    /// <value>The default value is 2.</value>
    public int RetryWindowDays { get; set; } = 2;

    /// <summary>Gets or sets the playbook file the DI registration reads.</summary>
    /// <value>The default value is <c>intervention-playbook.json</c>.</value>
    public string PlaybookPath { get; set; } = "intervention-playbook.json";

    /// <summary>Gets or sets the SQLite connection string of the store the DI registration creates.</summary>
    /// <value>The default value is <c>Data Source=interventions.db</c>.</value>
    public string ConnectionString { get; set; } = "Data Source=interventions.db";

    internal InterventionOptions Copy() => (InterventionOptions)MemberwiseClone();
}
