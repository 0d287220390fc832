namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// A token the checkpoint adds on top of the base vocabulary (HF "added_tokens"). LStrip/RStrip swallow the
/// whitespace beside the token when it is matched in text, as HF tokenizers do.
/// </summary>
public sealed record AddedToken(string Content, int Id, bool Special, bool LStrip = false, bool RStrip = false);
