using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>A module over grid tokens [B, H*W, C] that may need the grid's shape (convolutions, windows) to run.</summary>
internal abstract class GridModule(string name) : nn.Module<Tensor, GridSize, Tensor>(name);
