namespace CohortKit.Churn.Tests.Interventions;

/// <summary>A settable clock (the runs only read <see cref="GetUtcNow"/>).</summary>
internal sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void AdvanceDays(int days) => Now = Now.AddDays(days);
}
