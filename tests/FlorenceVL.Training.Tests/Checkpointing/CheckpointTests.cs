using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Weights;
using FlorenceVL.Training.Checkpointing;
using FlorenceVL.Training.Modeling;
using FlorenceVL.Training.Stages;
using FlorenceVL.Training.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Tests.Checkpointing;

public sealed class CheckpointTests(MicroSetup setup) : IClassFixture<MicroSetup>
{
    [Fact]
    public void Released_names_are_the_exact_inverse_of_the_engines_released_layout()
    {
        using var model = new FlorenceVLModel(FlorenceVLConfig.FromModelDirectory(setup.ModelDirectory), ModelPlacement.Meta);
        var layout = WeightLayouts.ReleasedFlorenceVL(packLlama: false);
        foreach (var name in model.state_dict().Keys)
        {
            var released = ReleasedNames.FromModuleName(name);
            Assert.False(layout.IsIgnored(released), $"{name} -> {released} would be ignored");
            Assert.Equal(name, layout.ToInternal(released));
        }
    }

    [Theory]
    [InlineData("vision_tower.davit.convs.0.proj.weight", "model.vision_tower.vision_tower.vision_tower.convs.0.proj.weight")]
    [InlineData("vision_tower.encoder.layers.0.fc1.bias", "model.vision_tower.vision_tower.language_model.model.encoder.layers.0.fc1.bias")]
    [InlineData("vision_tower.shared.weight", "model.vision_tower.vision_tower.language_model.model.shared.weight")]
    [InlineData("vision_tower.image_projection", "model.vision_tower.vision_tower.image_projection")]
    [InlineData("mm_projector.layers.0.weight", "model.mm_projector.encoder_mlp.0.weight")]
    [InlineData("mm_projector.layers.2.bias", "model.mm_projector.encoder_mlp.2.1.bias")]
    [InlineData("language_model.model.layers.1.self_attn.qkv_proj.weight", "model.layers.1.self_attn.qkv_proj.weight")]
    [InlineData("language_model.lm_head.weight", "lm_head.weight")]
    public void Module_names_map_to_the_released_checkpoint_names(string module, string released)
    {
        Assert.Equal(released, ReleasedNames.FromModuleName(module));
    }

    [Fact]
    public void A_saved_checkpoint_loads_in_the_engine_and_reproduces_the_training_time_logits()
    {
        using var output = new TempDirectory();
        var (model, examples, collator) = setup.Load();
        using var _ = model;
        var result = new Trainer(setup.Stage(output.Path, StageKind.Pretraining, maxSteps: 2), model, examples, collator, TextWriter.Null).Run();
        var example = examples[0];
        using var batch = collator.Collate([example]);
        using var trainingLogits = model.Logits(batch);                                      // [T, vocab]

        var served = LoadedModel.Load(result.FinalCheckpoint, ModelPlacement.CpuFloat32);
        using var engine = served.Model;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var visual = engine.EncodeImages(batch.PixelValues!)[0];
        var embeds = engine.EmbedWithImages(tensor(example.Ids.Select(i => (long)i).ToArray()), [(example.Images[0].Offset, visual)]);
        using var decoder = new SingleSequenceDecoder(engine.LanguageModel, example.Length);
        var servingLogits = decoder.Append(embeds);
        var difference = (servingLogits - trainingLogits).abs().max().item<float>();
        Assert.True(difference < 1e-4, $"max |serving - training| = {difference}");
        Assert.True(trainingLogits.abs().max().item<float>() > 1e-2);
    }

    [Fact]
    public void The_checkpoint_folder_has_the_released_layout()
    {
        using var output = new TempDirectory();
        var (model, examples, collator) = setup.Load();
        using var _ = model;
        var result = new Trainer(setup.Stage(output.Path, StageKind.InstructionTuning, maxSteps: 1), model, examples, collator, TextWriter.Null).Run();
        foreach (var file in new[] { "model.safetensors", "config.json", "vision_tower/config.json", "tokenizer.json", "tokenizer_config.json" })
            Assert.True(File.Exists(Path.Combine(result.FinalCheckpoint, file)), file);
        using var checkpoint = SafetensorsCheckpoint.Open(result.FinalCheckpoint);
        Assert.Contains("model.mm_projector.encoder_mlp.2.1.weight", checkpoint.Names);
        Assert.Contains("model.vision_tower.vision_tower.vision_tower.convs.0.proj.weight", checkpoint.Names);
        Assert.Contains("lm_head.weight", checkpoint.Names);
    }
}
