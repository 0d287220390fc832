using System.ComponentModel.DataAnnotations;

namespace FlorenceVL.Api.Options;

/// <summary>Graceful drain on SIGTERM (section FlorenceVL:Shutdown).</summary>
public sealed class ShutdownOptions
{
    public const string Section = "FlorenceVL:Shutdown";

    /// <summary>
    /// How long in-flight requests and streams may run after SIGTERM before the engine stops under them. Kubernetes'
    /// terminationGracePeriodSeconds must exceed the preStop delay plus this.
    /// </summary>
    [Range(0, 3600, ErrorMessage = "FlorenceVL:Shutdown:DrainTimeoutSeconds must be between 0 and 3600.")]
    public double DrainTimeoutSeconds { get; set; } = 30;

    public TimeSpan DrainTimeout => TimeSpan.FromSeconds(DrainTimeoutSeconds);
}
