namespace FlorenceVL.Contracts.Models;

/// <summary>Answer of <c>GET /v1/models</c>.</summary>
public sealed record ModelList
{
    public string Object { get; init; } = "list";
    public required IReadOnlyList<ModelCard> Data { get; init; }
}

/// <summary>One model; also the answer of <c>GET /v1/models/{id}</c>.</summary>
public sealed record ModelCard
{
    public required string Id { get; init; }
    public string Object { get; init; } = "model";

    /// <summary>Unix time in seconds.</summary>
    public required long Created { get; init; }
    public required string OwnedBy { get; init; }
}
