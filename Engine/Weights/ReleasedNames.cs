using System.Text.RegularExpressions;

namespace FlorenceVL.Engine.Weights;

/// <summary>
/// The inverse of <c>WeightLayouts.ReleasedFlorenceVL</c>'s renames (Phi-3 decoders): module names back to the names
/// released Florence-VL checkpoints use, so a checkpoint written here loads through the very rules that read the
/// released ones. The first matching rule wins; each undoes one forward rule.
/// <code>
///   vision_tower.davit.*            model.vision_tower.vision_tower.vision_tower.*
///   vision_tower.encoder.*          model.vision_tower.vision_tower.language_model.model.encoder.*
///   vision_tower.shared.*           model.vision_tower.vision_tower.language_model.model.shared.*
///   vision_tower.*                  model.vision_tower.vision_tower.*
///   mm_projector.layers.0.*         model.mm_projector.encoder_mlp.0.*
///   mm_projector.layers.K.*         model.mm_projector.encoder_mlp.K.1.*      (K >= 1; the GELU sits at K.0)
///   language_model.model.*          model.*
///   language_model.lm_head.*        lm_head.*
/// </code>
/// </summary>
public static class ReleasedNames
{
    private const string Tower = "model.vision_tower.vision_tower.";

    private static readonly (Regex Pattern, string Replacement)[] Rules =
    [
        (new(@"^vision_tower\.davit\."), Tower + "vision_tower."),
        (new(@"^vision_tower\.encoder\."), Tower + "language_model.model.encoder."),
        (new(@"^vision_tower\.shared\."), Tower + "language_model.model.shared."),
        (new(@"^vision_tower\."), Tower),
        (new(@"^mm_projector\.layers\.0\."), "model.mm_projector.encoder_mlp.0."),
        (new(@"^mm_projector\.layers\.(\d+)\."), "model.mm_projector.encoder_mlp.$1.1."),
        (new(@"^language_model\.model\."), "model."),
        (new(@"^language_model\.lm_head\."), "lm_head."),
    ];

    public static string FromModuleName(string name)
    {
        foreach (var (pattern, replacement) in Rules)
            if (pattern.IsMatch(name)) return pattern.Replace(name, replacement, 1);
        throw new ArgumentException($"'{name}' is not a Florence-VL module name (no released-layout rule matches it).", nameof(name));
    }
}
