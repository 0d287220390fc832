using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>
/// Multi-head self-attention inside non-overlapping windows (no shift, no relative bias). A grid that is not a multiple
/// of the window is zero-padded on the bottom/right and cropped back afterwards, as the reference does; the padded
/// (zero) tokens take part in attention unmasked.
/// </summary>
internal sealed class WindowAttention : GridModule
{
    [ComponentName(Name = "qkv")] private readonly Linear _qkv;
    [ComponentName(Name = "proj")] private readonly Linear _proj;
    private readonly long _numHeads;
    private readonly long _windowSize;

    public WindowAttention(long dim, long numHeads, long windowSize, ModelPlacement placement) : base(nameof(WindowAttention))
    {
        _qkv = nn.Linear(dim, 3 * dim, hasBias: true, device: placement.Device, dtype: placement.DType);
        _proj = nn.Linear(dim, dim, hasBias: true, device: placement.Device, dtype: placement.DType);
        _numHeads = numHeads;
        _windowSize = windowSize;
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens, GridSize grid) // tokens: [B, H*W, C]
    {
        using var scope = NewDisposeScope();
        var (batch, channels) = (tokens.shape[0], tokens.shape[2]);
        var padded = PadToWindows(tokens.view(batch, grid.Height, grid.Width, channels)); // [B, Hp, Wp, C]
        var paddedGrid = new GridSize(padded.shape[1], padded.shape[2]);
        var attended = Attend(Partition(padded));                                           // [B*numWindows, ws*ws, C]
        var merged = Merge(attended, batch, paddedGrid);                                    // [B, Hp, Wp, C]
        var output = merged.narrow(1, 0, grid.Height).narrow(2, 0, grid.Width).reshape(batch, grid.NumTokens, channels);
        return output.MoveToOuterDisposeScope(); // [B, H*W, C]
    }

    private Tensor PadToWindows(Tensor grid) // [B, H, W, C]
    {
        var padBottom = (_windowSize - grid.shape[1] % _windowSize) % _windowSize;
        var padRight = (_windowSize - grid.shape[2] % _windowSize) % _windowSize;
        return padBottom == 0 && padRight == 0 ? grid : nn.functional.pad(grid, new long[] { 0, 0, 0, padRight, 0, padBottom });
    }

    private Tensor Partition(Tensor grid) // [B, Hp, Wp, C] -> [B*numWindows, ws*ws, C]
    {
        var (batch, height, width, channels) = (grid.shape[0], grid.shape[1], grid.shape[2], grid.shape[3]);
        return grid.view(batch, height / _windowSize, _windowSize, width / _windowSize, _windowSize, channels)
            .permute(0, 1, 3, 2, 4, 5)
            .reshape(-1, _windowSize * _windowSize, channels);
    }

    private Tensor Merge(Tensor windows, long batch, GridSize grid) // [B*numWindows, ws*ws, C] -> [B, Hp, Wp, C]
    {
        var channels = windows.shape[2];
        return windows.view(batch, grid.Height / _windowSize, grid.Width / _windowSize, _windowSize, _windowSize, channels)
            .permute(0, 1, 3, 2, 4, 5)
            .reshape(batch, grid.Height, grid.Width, channels);
    }

    private Tensor Attend(Tensor windows) // [numWindows, n, C]
    {
        var (numWindows, n, channels) = (windows.shape[0], windows.shape[1], windows.shape[2]);
        var qkv = _qkv.forward(windows).view(numWindows, n, 3, _numHeads, channels / _numHeads).permute(2, 0, 3, 1, 4); // [3, nW, heads, n, hd]
        var attended = nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2]);                            // [nW, heads, n, hd]
        return _proj.forward(attended.transpose(1, 2).reshape(numWindows, n, channels));
    }
}
