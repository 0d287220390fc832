namespace FlorenceVL.Training.Stages;

/// <summary>A stage file that cannot be used; the message names the file and the field.</summary>
public sealed class StageFileException(string message) : Exception(message);
