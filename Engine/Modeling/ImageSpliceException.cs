namespace FlorenceVL.Engine.Modeling;

/// <summary>Image placeholders and visual embeddings do not line up.</summary>
public sealed class ImageSpliceException(string message) : Exception(message);
