using CohortKit.Reliability.Slo;
using Microsoft.Extensions.Time.Testing;

namespace CohortKit.Reliability.Tests.Slo;

/// <summary>The live monitor with 30-second buckets on a <see cref="FakeTimeProvider"/>: requests are recorded one by one and
/// the rules evaluated once per bucket; the fire and clear buckets are worked out by hand.</summary>
public sealed class SloMonitorTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Bucket = TimeSpan.FromSeconds(30);

    [Fact]
    public void Evaluate_FullOutageOfTwentyBuckets_FiresAndClearsAtTheWorkbookBuckets()
    {
        // 20 requests per 30-s bucket, objective 0.999, period 3 d (8,640 buckets). Buckets s … s+19 fail completely (e = 1),
        // s = 9,000 so every window is full. Windows in buckets: 1h/5m = 120/10, 6h/30m = 720/60, 3d/6h = 8640/720.
        // Fire: k outage buckets in the long window: k/120 > 0.0144 ⇔ k ≥ 2 ⇒ s+1; k/720 > 0.006 ⇔ k ≥ 5 ⇒ s+4; k/8640 > 0.001 ⇔ k ≥ 9 ⇒ s+8.
        // Clear: the short window empties of outage buckets (any one of them is above every threshold) at s+20+9, s+20+59, s+20+719.
        const int s = 9000, d = 20, perBucket = 20;
        var time = new FakeTimeProvider(Start);
        var monitor = new SloMonitor(new SloOptions { Objective = 0.999, Period = TimeSpan.FromDays(3) }, time);
        monitor.BucketCount.Should().Be(8640);
        var fired = new int?[3];
        var cleared = new int?[3];
        for (var b = 0; b < s + d + 730; b++)
        {
            time.SetUtcNow(Start + b * Bucket);
            for (var r = 0; r < perBucket; r++)
            {
                monitor.Record(good: b < s || b >= s + d);
                time.Advance(TimeSpan.FromSeconds(1));
            }

            var status = monitor.Evaluate();
            for (var i = 0; i < 3; i++)
            {
                if (status.Alerts[i].Firing && fired[i] is null) { fired[i] = b; }
                if (!status.Alerts[i].Firing && fired[i] is not null && cleared[i] is null) { cleared[i] = b; }
            }
        }

        fired.Should().Equal(s + 1, s + 4, s + 8);
        cleared.Should().Equal(s + d + 9, s + d + 59, s + d + 719);
    }

    [Fact]
    public void Evaluate_ReportsBurnRatesBudgetAndFiringSince()
    {
        // 1,000 requests in one bucket, 50 bad, objective 0.99: error ratio 0.05 = 5× the budget ratio in every window that holds
        // the bucket; budget consumed over the period 50 / (1000 × 0.01) = 5.
        var time = new FakeTimeProvider(Start);
        var monitor = new SloMonitor(new SloOptions { Objective = 0.99 }, time);
        monitor.RecordCounts(1000, 50);
        var status = monitor.Evaluate();
        status.Requests.Should().Be(1000);
        status.BadRequests.Should().Be(50);
        status.ErrorBudgetConsumed.Should().BeApproximately(5, 1e-12);
        status.Attainment.Should().BeApproximately(0.95, 1e-15);
        status.Alerts.Should().OnlyContain(a => Math.Abs(a.LongBurnRate - 5) < 1e-12 && Math.Abs(a.ShortBurnRate - 5) < 1e-12);
        status.Alerts.Select(a => a.Firing).Should().Equal(false, false, true); // 5 < 14.4, 5 < 6, 5 > 1
        status.Alerts[2].FiringSince.Should().Be(Start);
        time.Advance(TimeSpan.FromMinutes(1));
        monitor.Evaluate().Alerts[2].FiringSince.Should().Be(Start, "it keeps the time it started firing");
    }

    [Fact]
    public void Memory_IsBoundedByBuckets_OldBucketsAreForgottenAfterThePeriod()
    {
        var time = new FakeTimeProvider(Start);
        var monitor = new SloMonitor(new SloOptions { Period = TimeSpan.FromHours(1), Alerts = { new BurnRateAlertRule { LongWindow = TimeSpan.FromHours(1) } } }, time);
        monitor.BucketCount.Should().Be(120);
        monitor.RecordCounts(100, 100);
        time.Advance(TimeSpan.FromHours(1));
        monitor.Record(good: true);
        var status = monitor.Evaluate();
        status.Requests.Should().Be(1, "the bucket an hour ago has left the window (m − 120, m]");
        status.BadRequests.Should().Be(0);
    }

    [Fact]
    public void RecordRequest_LatencyIndicator_CountsSlowSuccessesAsBad()
    {
        var time = new FakeTimeProvider(Start);
        var monitor = new SloMonitor(new SloOptions { Indicator = ServiceLevelIndicator.Latency, LatencyThreshold = TimeSpan.FromMilliseconds(200) }, time);
        monitor.RecordRequest(true, TimeSpan.FromMilliseconds(200));
        monitor.RecordRequest(true, TimeSpan.FromMilliseconds(201));
        monitor.RecordRequest(false, TimeSpan.FromMilliseconds(5));
        monitor.RecordRequest(true, TimeSpan.FromMilliseconds(1));
        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((4, 2));
    }

    [Fact]
    public void Record_ClockJumpingBackAndForthAcrossBuckets_CountsEachRecordInItsOwnBucket()
    {
        // The cached bucket cursor must not misplace records when the clock goes back, or lands on a bucket's last tick or
        // first tick. Objective 0.5 (budget ratio 0.5), one rule over 1 min / 30 s. Records (s after t0, outcome):
        // 0 good, 45 bad, 45 bad, 10 bad (back), 60 − 1 tick good, 60 bad, 30 − 1 tick good (back).
        // Buckets: 0 = {good, bad, good} (3, 1); 1 = {bad, bad, good} (3, 2); 2 = {bad} (1, 1).
        // Short window (one bucket) burn = ratio / 0.5: 2/3, 4/3, 2; long window at 30 s = 3/6 → 1, at 60 s = 3/4 → 1.5.
        var time = new FakeTimeProvider(Start);
        var options = new SloOptions { Objective = 0.5 };
        options.Alerts.Add(new BurnRateAlertRule { LongWindow = TimeSpan.FromMinutes(1), ShortWindow = Bucket, BurnRate = 1 });
        var monitor = new SloMonitor(options, time);
        void At(TimeSpan offset, bool good)
        {
            time.SetUtcNow(Start + offset);
            monitor.Record(good);
        }

        var tick = TimeSpan.FromTicks(1);
        time.AdjustTime(Start);
        At(TimeSpan.Zero, true);
        At(TimeSpan.FromSeconds(45), false);
        At(TimeSpan.FromSeconds(45), false);
        time.AdjustTime(Start + TimeSpan.FromSeconds(10));
        monitor.Record(false);
        At(TimeSpan.FromSeconds(60) - tick, true);
        At(TimeSpan.FromSeconds(60), false);
        time.AdjustTime(Start + TimeSpan.FromSeconds(30) - tick);
        monitor.Record(true);

        var expected = new (double Short, double Long)[] { (2.0 / 3, 2.0 / 3), (4.0 / 3, 1), (2, 1.5) };
        for (var k = 0; k < 3; k++)
        {
            time.AdjustTime(Start + k * Bucket);
            var alert = monitor.Evaluate().Alerts[0];
            alert.ShortBurnRate.Should().BeApproximately(expected[k].Short, 1e-12, $"bucket {k}");
            alert.LongBurnRate.Should().BeApproximately(expected[k].Long, 1e-12, $"bucket {k}");
        }

        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((7, 4));
    }

    [Fact]
    public void Record_OnTheSystemClock_CountsEveryRecord()
    {
        var monitor = new SloMonitor(new SloOptions());
        for (var i = 0; i < 1000; i++)
        {
            monitor.Record(i % 4 != 0);
        }

        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((1000, 250));
    }

    [Fact]
    public void Record_OnTheSystemClockAcrossBuckets_CountsEachRecordInTheBucketItWasMadeIn()
    {
        // 200-ms buckets for 1.3 s on the real clock. A record whose clock reads before and after fall in the same bucket must
        // be counted there (the coarse-clock fast path may not leak a record into a bucket that has ended); a record that
        // straddles a boundary may land on either side.
        var width = TimeSpan.FromMilliseconds(200);
        var monitor = new SloMonitor(new SloOptions
        {
            BucketWidth = width,
            Period = TimeSpan.FromSeconds(60),
            Alerts = { new BurnRateAlertRule { LongWindow = TimeSpan.FromSeconds(2), ShortWindow = TimeSpan.FromSeconds(1), BurnRate = 2 } },
        });
        var clock = TimeProvider.System;
        var exact = new Dictionary<long, long>();
        var straddling = new Dictionary<long, long>();
        var first = clock.GetUtcNow();
        while (clock.GetUtcNow() - first < TimeSpan.FromMilliseconds(1300))
        {
            var before = clock.GetUtcNow().UtcTicks / width.Ticks;
            monitor.Record(true);
            var after = clock.GetUtcNow().UtcTicks / width.Ticks;
            var into = before == after ? exact : straddling;
            into[before] = into.GetValueOrDefault(before) + 1;
        }

        exact.Keys.Should().HaveCountGreaterThanOrEqualTo(5);
        foreach (var (epoch, count) in exact)
        {
            var counted = monitor.CountsAt(new DateTimeOffset(epoch * width.Ticks, TimeSpan.Zero)).Requests;
            var slack = straddling.GetValueOrDefault(epoch) + straddling.GetValueOrDefault(epoch - 1);
            counted.Should().BeInRange(count, count + slack, $"bucket {epoch}");
        }
    }

    [Fact]
    public void Record_FromManyThreads_LosesNoCount()
    {
        var time = new FakeTimeProvider(Start);
        var monitor = new SloMonitor(new SloOptions(), time);
        Parallel.For(0, 100_000, i => monitor.Record(i % 10 != 0));
        var status = monitor.Evaluate();
        (status.Requests, status.BadRequests).Should().Be((100_000, 10_000));
    }

    [Theory]
    [InlineData(1L, "BucketWidth")]                           // 1 tick: below the 1-ms minimum (was an OverflowException)
    [InlineData(TimeSpan.TicksPerMillisecond, "Period")]      // 1 ms over 30 days: 2,592,000,000 buckets (was an OverflowException)
    [InlineData(TimeSpan.TicksPerMillisecond / 2, "BucketWidth")]
    public void Constructor_BucketTooNarrowOrTooMany_ThrowsNamingTheOption(long widthTicks, string option)
        => new Action(() => _ = new SloMonitor(new SloOptions { BucketWidth = TimeSpan.FromTicks(widthTicks) }))
            .Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(option);

    [Fact]
    public void Constructor_TenMillionBuckets_IsTheLimit()
    {
        // 1-s buckets: a period of 10,000,000 s is accepted, one more second (10,000,001 buckets) is not.
        var rule = new BurnRateAlertRule { LongWindow = TimeSpan.FromMinutes(2), ShortWindow = TimeSpan.FromMinutes(1), BurnRate = 2 };
        SloOptions Options(long seconds) => new() { BucketWidth = TimeSpan.FromSeconds(1), Period = TimeSpan.FromSeconds(seconds), Alerts = { rule } };
        new SloMonitor(Options(10_000_000)).BucketCount.Should().Be(10_000_000);
        new Action(() => _ = new SloMonitor(Options(10_000_001))).Should().Throw<ArgumentOutOfRangeException>()
            .Where(e => e.ParamName == "Period").WithMessage("*10000001 buckets*");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Constructor_ObjectiveOutsideOpenUnitInterval_ThrowsNamingObjective(double objective)
    {
        var act = () => new SloMonitor(new SloOptions { Objective = objective });
        act.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("Objective");
    }

    [Fact]
    public void Constructor_WindowsThatDoNotNest_ThrowsNamingTheRule()
    {
        var options = new SloOptions();
        options.Alerts.Add(new BurnRateAlertRule());
        options.Alerts.Add(new BurnRateAlertRule { LongWindow = TimeSpan.FromMinutes(30), ShortWindow = TimeSpan.FromHours(1) });
        var act = () => new SloMonitor(options);
        act.Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Alerts[1].ShortWindow").WithMessage("*do not nest*");
    }

    [Fact]
    public void Constructor_RuleThatCanNeverFire_AndWindowLongerThanPeriod_AreRefused()
    {
        var never = new SloOptions { Objective = 0.9 };
        never.Alerts.Add(new BurnRateAlertRule { BurnRate = 14.4 });
        new Action(() => _ = new SloMonitor(never)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*can never fire*");
        var tooLong = new SloOptions { Period = TimeSpan.FromDays(1) };
        new Action(() => _ = new SloMonitor(tooLong)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "Alerts[2].LongWindow");
    }

    [Fact]
    public void Constructor_CopiesOptions_LaterChangesDoNotApply()
    {
        var options = new SloOptions { Objective = 0.99 };
        var monitor = new SloMonitor(options, new FakeTimeProvider(Start));
        options.Objective = 0.5;
        monitor.Objective.Should().Be(0.99);
    }
}
