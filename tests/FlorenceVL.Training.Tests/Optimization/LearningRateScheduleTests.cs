using FlorenceVL.Training.Optimization;

namespace FlorenceVL.Training.Tests.Optimization;

public class LearningRateScheduleTests
{
    [Fact]
    public void Warmup_rises_linearly_and_reaches_the_peak_when_it_ends()
    {
        var schedule = new LearningRateSchedule(TotalSteps: 100, WarmupSteps: 4);
        Assert.Equal([0.2, 0.4, 0.6, 0.8], Enumerable.Range(0, 4).Select(schedule.Factor).Select(f => Math.Round(f, 12)));
        Assert.Equal(1.0, schedule.Factor(4), 12);
    }

    [Fact]
    public void Cosine_decay_is_half_way_at_the_midpoint_and_reaches_the_floor_at_the_end()
    {
        var schedule = new LearningRateSchedule(TotalSteps: 110, WarmupSteps: 10, MinFactor: 0.1);
        Assert.Equal(0.1 + 0.9 * 0.5, schedule.Factor(60), 12);
        Assert.Equal(0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * 0.25)), schedule.Factor(35), 12);
        Assert.Equal(0.1, schedule.Factor(110), 12);
        Assert.Equal(0.1, schedule.Factor(500), 12);
    }

    [Fact]
    public void Decay_never_increases_after_warmup()
    {
        var schedule = LearningRateSchedule.FromWarmupRatio(totalSteps: 200, warmupRatio: 0.03);
        Assert.Equal(6, schedule.WarmupSteps);
        var factors = Enumerable.Range(schedule.WarmupSteps, 200 - schedule.WarmupSteps).Select(schedule.Factor).ToList();
        Assert.All(factors.Zip(factors.Skip(1)), pair => Assert.True(pair.Second <= pair.First));
    }

    [Fact]
    public void Without_warmup_the_first_step_uses_the_full_rate()
    {
        Assert.Equal(1.0, new LearningRateSchedule(TotalSteps: 10, WarmupSteps: 0).Factor(0), 12);
    }
}
