namespace FlorenceVL.Engine.Inference;

/// <summary>Bookkeeping for one KV block; the K/V tensors live in the model runner's KvCache.</summary>
internal sealed class KvBlock(int id)
{
    public int Id { get; } = id;

    public int RefCount { get; set; }

    /// <summary>Prefix-cache identity, set once the block is full and its K/V are computed.</summary>
    public UInt128? Hash { get; set; }

    /// <summary>Position in the free queue while unreferenced; null while in use.</summary>
    public LinkedListNode<KvBlock>? FreeNode { get; set; }
}
