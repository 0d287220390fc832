namespace FlorenceVL.Engine.Inference;

/// <summary>An image the vision tower must encode this step: Images[ImageIndex] of sequence SequenceId. Listed
/// once per content hash; the result goes into the encoder cache under <see cref="ContentHash"/>.</summary>
public sealed record EncoderInput(string ContentHash, long SequenceId, int ImageIndex);
