namespace FlorenceVL.Training.Data;

/// <summary>A LLaVA conversation JSON file and the folder its "image" names are relative to.</summary>
public sealed record DatasetSource(string JsonPath, string ImageFolder);
