namespace FlorenceVL.Engine.FeatureStore;

/// <summary>The backend cannot take commands yet (still connecting); counts against the breaker like a lost connection.</summary>
internal sealed class FeatureStoreUnavailableException(string message) : Exception(message);
