namespace FlorenceVL.Engine.Inference;

public enum FinishReason
{
    /// <summary>A stop token (or, decided above the engine, a stop string) ended the sequence.</summary>
    Stop,

    /// <summary>max_tokens or the model's context length was reached.</summary>
    Length,

    /// <summary>The client went away or the request was cancelled.</summary>
    Abort,
}
