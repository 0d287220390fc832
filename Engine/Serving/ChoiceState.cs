using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Serving;

/// <summary>The output side of one live sequence (one choice of one request): where its text goes and how it is made.</summary>
internal sealed record ChoiceState(Sequence Sequence, Generation Generation, ChoiceStream Choice);
