namespace FlorenceVL.Engine.Constrained;

internal enum NumberPhase { Start, Minus, Zero, IntegerDigits, Dot, FractionDigits, Exponent, ExponentSign, ExponentDigits }

/// <summary>
/// RFC 8259's number, <c>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</c>; an integer stops after its
/// digits. Digit runs are bounded by the limits. A number has no closing byte: it may end wherever
/// <see cref="CanFinish"/> holds, and the byte after it goes to the parent.
/// </summary>
internal sealed record NumberFrame(bool IsInteger, NumberPhase Phase, int Digits = 0) : Frame
{
    public override bool CanFinish => Phase is NumberPhase.Zero or NumberPhase.IntegerDigits or NumberPhase.FractionDigits or NumberPhase.ExponentDigits;

    public override void Consume(byte b, FrameStack stack, MatchContext context, List<FrameStack> next)
    {
        if (Successor(b, context.Limits) is { } successor) next.Add(stack.WithTop(successor));
    }

    private NumberFrame? Successor(byte b, GrammarLimits limits)
    {
        var isDigit = b is >= (byte)'0' and <= (byte)'9';
        var isExponent = !IsInteger && b is (byte)'e' or (byte)'E';
        return Phase switch
        {
            NumberPhase.Start when b == (byte)'-' => Go(NumberPhase.Minus),
            NumberPhase.Start or NumberPhase.Minus when b == (byte)'0' => Go(NumberPhase.Zero),
            NumberPhase.Start or NumberPhase.Minus when isDigit => Go(NumberPhase.IntegerDigits, 1),
            NumberPhase.IntegerDigits when isDigit && Digits < limits.MaxIntegerDigits => Go(NumberPhase.IntegerDigits, Digits + 1),
            NumberPhase.Zero or NumberPhase.IntegerDigits when !IsInteger && b == (byte)'.' => Go(NumberPhase.Dot),
            NumberPhase.Zero or NumberPhase.IntegerDigits or NumberPhase.FractionDigits when isExponent => Go(NumberPhase.Exponent),
            NumberPhase.Dot when isDigit => Go(NumberPhase.FractionDigits, 1),
            NumberPhase.FractionDigits when isDigit && Digits < limits.MaxFractionDigits => Go(NumberPhase.FractionDigits, Digits + 1),
            NumberPhase.Exponent when b is (byte)'+' or (byte)'-' => Go(NumberPhase.ExponentSign),
            NumberPhase.Exponent or NumberPhase.ExponentSign when isDigit => Go(NumberPhase.ExponentDigits, 1),
            NumberPhase.ExponentDigits when isDigit && Digits < limits.MaxExponentDigits => Go(NumberPhase.ExponentDigits, Digits + 1),
            _ => null,
        };
    }

    private NumberFrame Go(NumberPhase phase, int digits = 0) => this with { Phase = phase, Digits = digits };
}
