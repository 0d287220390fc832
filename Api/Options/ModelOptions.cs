using System.ComponentModel.DataAnnotations;

namespace FlorenceVL.Api.Options;

/// <summary>Which checkpoint to serve and how (section FlorenceVL:Model; the --model switch sets Path).</summary>
public sealed class ModelOptions
{
    public const string Section = "FlorenceVL:Model";

    /// <summary>Checkpoint folder; empty serves the bundled test model. Relative paths resolve from the working directory, then the app's folders.</summary>
    public string? Path { get; set; }

    /// <summary>The id clients send as "model"; empty uses the checkpoint folder's name.</summary>
    public string? ServedModelName { get; set; }

    [Required, RegularExpression("^(cpu|cuda(:[0-9]+)?)$", ErrorMessage = "FlorenceVL:Model:Device must be 'cpu', 'cuda' or 'cuda:N'.")]
    public string Device { get; set; } = "cpu";

    /// <summary>auto: bfloat16 on a GPU and on a CPU with native bf16 and AVX-512, float32 elsewhere (<see cref="ModelDType"/>).</summary>
    [Required, RegularExpression("^(auto|float32|bfloat16|float16)$", ErrorMessage = "FlorenceVL:Model:DType must be auto, float32, bfloat16 or float16.")]
    public string DType { get; set; } = "auto";
}
