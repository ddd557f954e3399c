using System.Text.Json.Serialization;

namespace SharpCam.Server;

/// <summary>What the page asks to explain: a subject (item or upload id) with a method, layer, target and normalisation.</summary>
public sealed record ExplainRequest
{
    [JsonPropertyName("subject")] public string Subject { get; init; } = "";
    /// <summary>A registry name (CamMethods); default: the run's.</summary>
    [JsonPropertyName("method")] public string? Method { get; init; }
    /// <summary>A layer name, or several joined by '+'; default: the run's.</summary>
    [JsonPropertyName("layer")] public string? Layer { get; init; }
    /// <summary>"pred" (default), "true", a class index or a class name.</summary>
    [JsonPropertyName("target")] public string? Target { get; init; }
    /// <summary>"divide-by-max" or "min-max"; default: the run's.</summary>
    [JsonPropertyName("normalization")] public string? Normalization { get; init; }
}

/// <summary>One explanation made by the server, kept (boundedly) for its figures, downloads and metrics.</summary>
public sealed record ServedExplanation(string Id, Subject Subject, string Method, IReadOnlyList<string> Layers, string Normalization,
                                 int TargetClass, float[,] Map, double[] Probabilities, double ServerMilliseconds)
{
    public int Predicted => Array.IndexOf(Probabilities, Probabilities.Max());
}
