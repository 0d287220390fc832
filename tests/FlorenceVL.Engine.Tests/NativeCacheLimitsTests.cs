using FlorenceVL.Engine.Runtime;
using static FlorenceVL.Engine.Runtime.NativeCacheLimits;

namespace FlorenceVL.Engine.Tests;

public class NativeCacheLimitsTests
{
    private static string FreshName() => "FLORENCEVL_TEST_LIMIT_" + Guid.NewGuid().ToString("N");

    [Fact]
    public void A_limit_the_user_did_not_set_is_written_to_the_native_environment()
    {
        var name = FreshName();

        var applied = Apply([new Limit(name, "128", [])]);

        Assert.Equal([name], applied);
        Assert.Equal("128", NativeValue(name));
    }

    [Fact]
    public void A_value_the_user_set_is_left_alone()
    {
        var name = FreshName();
        Apply([new Limit(name, "7", [])]);

        var applied = Apply([new Limit(name, "128", [])]);

        Assert.Empty(applied);
        Assert.Equal("7", NativeValue(name));
    }

    [Fact]
    public void A_value_set_under_an_older_name_counts_as_the_users_choice()
    {
        var name = FreshName();
        var olderName = FreshName();
        Apply([new Limit(olderName, "16", [])]);

        var applied = Apply([new Limit(name, "128", [olderName])]);

        Assert.Empty(applied);
        Assert.Null(NativeValue(name));
    }

    [Fact]
    public void Loading_the_engine_bounds_both_onednn_caches_before_torch_runs()
    {
        TorchRuntime.EnsureLoadable();

        foreach (var limit in Defaults)
            Assert.NotNull(limit.Aliases.Prepend(limit.Name).Select(NativeValue).FirstOrDefault(v => v is not null));
    }
}
