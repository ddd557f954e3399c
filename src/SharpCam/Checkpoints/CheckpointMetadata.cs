using System.Text.Json.Serialization;

namespace SharpCam.Checkpoints;

/// <summary>What a checkpoint says about itself: enough to rebuild the model and to tell runs apart.</summary>
public sealed record CheckpointMetadata
{
    /// <summary>Architecture name as the model zoo knows it: "lenet", "vgg16", "resnet50", …</summary>
    public string Architecture { get; init; } = "lenet";
    public int NumClasses { get; init; } = 10;
    public int? Epoch { get; init; }
    public long? Step { get; init; }
    /// <summary>Training settings (lr, batch size, seed, …) as the notebook's hyper_parameters.</summary>
    public Dictionary<string, object?> HyperParameters { get; init; } = new();
    /// <summary>Class names in index order, when known.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }
    [JsonIgnore] public string? Format { get; init; }
}
