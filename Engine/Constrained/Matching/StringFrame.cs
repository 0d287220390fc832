namespace FlorenceVL.Engine.Constrained;

internal enum StringPhase { Open, Content, Escape, UnicodeHex }

/// <summary>
/// A JSON string read as UTF-8 bytes: well-formed UTF-8 only (no overlong forms, no encoded surrogates), no raw
/// control characters, the standard escapes, and \u escapes outside the surrogate range D800-DFFF (a lone
/// surrogate is valid JSON text but System.Text.Json and many clients refuse it). Content is bounded by
/// <see cref="GrammarLimits.MaxStringBytes"/>; a character or escape is only begun when it fits whole.
/// </summary>
internal sealed record StringFrame(
    StringPhase Phase, int Length = 0, int PendingContinuations = 0, byte NextMin = 0x80, byte NextMax = 0xBF,
    int HexDigits = 0, bool AfterHexD = false) : Frame
{
    public static StringFrame Start { get; } = new(StringPhase.Open);

    private static readonly StringFrame EmptyContent = new(StringPhase.Content);

    public override void Consume(byte b, FrameStack stack, MatchContext context, List<FrameStack> next)
    {
        var successor = Phase switch
        {
            StringPhase.Open => b == (byte)'"' ? EmptyContent : null,
            StringPhase.Content when PendingContinuations > 0 => Continuation(b),
            StringPhase.Content when b == (byte)'"' => null,
            StringPhase.Content => ContentByte(b, context.Limits.MaxStringBytes),
            StringPhase.Escape => EscapeByte(b, context.Limits.MaxStringBytes),
            StringPhase.UnicodeHex => HexByte(b),
            _ => null,
        };
        if (Phase == StringPhase.Content && PendingContinuations == 0 && b == (byte)'"') next.Add(stack.PopFinished());
        else if (successor is not null) next.Add(stack.WithTop(successor));
    }

    private StringFrame? Continuation(byte b) =>
        b >= NextMin && b <= NextMax ? this with { PendingContinuations = PendingContinuations - 1, NextMin = 0x80, NextMax = 0xBF } : null;

    private StringFrame? ContentByte(byte b, int maxBytes)
    {
        if (b == (byte)'\\') return Length + 2 <= maxBytes ? this with { Phase = StringPhase.Escape } : null;
        if (b < 0x20) return null;
        var (sequenceLength, secondMin, secondMax) = Utf8Lead(b);
        if (sequenceLength == 0 || Length + sequenceLength > maxBytes) return null;
        return this with { Length = Length + sequenceLength, PendingContinuations = sequenceLength - 1, NextMin = secondMin, NextMax = secondMax };
    }

    /// <summary>Lead byte -> sequence length and the allowed range of the second byte (RFC 3629 table 3-7).</summary>
    private static (int Length, byte SecondMin, byte SecondMax) Utf8Lead(byte b) => b switch
    {
        < 0x80 => (1, 0x80, 0xBF),
        >= 0xC2 and <= 0xDF => (2, 0x80, 0xBF),
        0xE0 => (3, 0xA0, 0xBF),
        0xED => (3, 0x80, 0x9F),
        >= 0xE1 and <= 0xEF => (3, 0x80, 0xBF),
        0xF0 => (4, 0x90, 0xBF),
        >= 0xF1 and <= 0xF3 => (4, 0x80, 0xBF),
        0xF4 => (4, 0x80, 0x8F),
        _ => (0, 0, 0),
    };

    private StringFrame? EscapeByte(byte b, int maxBytes) => b switch
    {
        (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t'
            => this with { Phase = StringPhase.Content, Length = Length + 2 },
        (byte)'u' when Length + 6 <= maxBytes => this with { Phase = StringPhase.UnicodeHex, HexDigits = 0 },
        _ => null,
    };

    private StringFrame? HexByte(byte b)
    {
        if (!char.IsAsciiHexDigit((char)b)) return null;
        if (AfterHexD && b > (byte)'7') return null;
        if (HexDigits == 3) return this with { Phase = StringPhase.Content, Length = Length + 6, AfterHexD = false };
        return this with { HexDigits = HexDigits + 1, AfterHexD = HexDigits == 0 && (b == (byte)'d' || b == (byte)'D') };
    }
}
