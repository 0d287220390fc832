using FlorenceVL.Engine.Modeling.Vision;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.ImageEncoder;

/// <summary>
/// Florence-2's learned absolute 2D position embedding: <c>pos[h, w] = cat(column[w], row[h])</c>, the first half of the
/// channels from the column (x) table, the second half from the row (y) table.
/// </summary>
internal sealed class ImagePositionEmbedding2D : nn.Module<GridSize, Tensor>
{
    [ComponentName(Name = "row_embeddings")] private readonly Embedding _rowEmbeddings;
    [ComponentName(Name = "column_embeddings")] private readonly Embedding _columnEmbeddings;
    private readonly long _maxPositions;

    public ImagePositionEmbedding2D(long dim, long maxPositions, ModelPlacement placement) : base(nameof(ImagePositionEmbedding2D))
    {
        _rowEmbeddings = nn.Embedding(maxPositions, dim / 2, device: placement.Device, dtype: placement.DType);
        _columnEmbeddings = nn.Embedding(maxPositions, dim - dim / 2, device: placement.Device, dtype: placement.DType);
        _maxPositions = maxPositions;
        RegisterComponents();
    }

    public override Tensor forward(GridSize grid)
    {
        if (grid.Height > _maxPositions || grid.Width > _maxPositions)
            throw new ArgumentOutOfRangeException(nameof(grid),
                $"The image grid is {grid.Height}x{grid.Width} but image_pos_embed covers at most {_maxPositions} per side.");
        using var scope = NewDisposeScope();
        var columns = _columnEmbeddings.weight!.narrow(0, 0, grid.Width).unsqueeze(0).expand(grid.Height, -1, -1); // [H, W, C/2]
        var rows = _rowEmbeddings.weight!.narrow(0, 0, grid.Height).unsqueeze(1).expand(-1, grid.Width, -1);      // [H, W, C/2]
        return cat([columns, rows], -1).MoveToOuterDisposeScope(); // [H, W, C]
    }
}
