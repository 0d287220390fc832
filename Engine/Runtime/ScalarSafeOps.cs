using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Runtime;

/// <summary>
/// Tensor arithmetic that never hands libtorch a collectable temporary <see cref="Scalar"/>.
/// <para>
/// TorchSharp 0.107 turns numbers into native Scalars implicitly (<c>x * 0.5</c>, and <c>a + b</c> itself, which calls
/// <c>add(b, alpha: 1)</c>) and frees them only from the finalizer. The JIT may treat such a temporary as dead once its
/// handle is read, so under GC pressure the finalizer can free it while libtorch still reads it; the op then fails with
/// "Expected false to be true ... toFloat" or computes garbage (dotnet/TorchSharp#1434). Seen here in training every few
/// hundred steps. Hot paths therefore use rooted singleton Scalars for constants and a using-scoped Scalar, alive until
/// after the native call returns, for per-call values.
/// </para>
/// </summary>
internal static class ScalarSafeOps
{
    /// <summary>Rooted for the life of the process, so never finalized.</summary>
    private static readonly Scalar One = 1.ToScalar();

    /// <summary><c>a + b</c> without the implicit alpha Scalar.</summary>
    public static Tensor Plus(this Tensor a, Tensor b) => a.add(b, One);

    public static Tensor Plus(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.add(scalar, One);
    }

    public static Tensor Times(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.mul(scalar);
    }

    public static Tensor DividedBy(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.div(scalar);
    }

    public static Tensor Filled(this Tensor a, Tensor mask, double value)
    {
        using var scalar = value.ToScalar();
        return a.masked_fill(mask, scalar);
    }

    public static Tensor AtLeast(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.ge(scalar);
    }

    public static Tensor GreaterThan(this Tensor a, double value)
    {
        using var scalar = value.ToScalar();
        return a.gt(scalar);
    }
}
