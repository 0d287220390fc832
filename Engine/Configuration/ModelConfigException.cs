namespace FlorenceVL.Engine.Configuration;

/// <summary>A checkpoint's configuration is missing, unreadable or describes an impossible model.</summary>
public sealed class ModelConfigException(string message, Exception? inner = null) : Exception(message, inner);
