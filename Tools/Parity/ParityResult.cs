namespace FlorenceVL.Engine.Parity;

/// <summary>One compared tensor: relative error ||actual - expected|| / ||expected|| (or exact equality for ids).</summary>
public sealed record ParityResult(string Name, double RelativeError, bool Passed, string? Detail = null)
{
    public override string ToString() =>
        $"{(Passed ? "ok  " : "FAIL")} {Name,-32} rel_err={RelativeError:E2}{(Detail is null ? "" : "  " + Detail)}";
}
