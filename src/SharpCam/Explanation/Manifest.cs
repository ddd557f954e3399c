using System.Text.Json;
using System.Text.Json.Serialization;
using SharpCam.IO;

namespace SharpCam.Explanation;

/// <summary>What a run folder holds (docs/ARCHITECTURE.md, "Run folder and manifest").</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunKind>))]
public enum RunKind
{
    [JsonStringEnumMemberName("explain")] Explain,
    [JsonStringEnumMemberName("failures")] Failures,
}

/// <summary>
/// A run folder's <c>manifest.json</c>: the one definition of its schema, written by <c>explain</c> and
/// <c>failures</c> and read by the HTML report. JSON names are fixed by attributes (snake_case), so any
/// serializer options give the same file; optional parts are null and left out when written. Paths are
/// relative to the run folder.
/// </summary>
public sealed record RunManifest
{
    public const string FileName = "manifest.json";

    [JsonPropertyName("tool")] public string Tool { get; init; } = "sharpcam";
    [JsonPropertyName("version")] public required string Version { get; init; }
    /// <summary>UTC; written as ISO 8601 with a trailing Z.</summary>
    [JsonPropertyName("created")] public required DateTime Created { get; init; }
    [JsonPropertyName("kind")] public required RunKind Kind { get; init; }
    [JsonPropertyName("model")] public required ManifestModel Model { get; init; }
    /// <summary>CAM method registry name, e.g. "gradcam".</summary>
    [JsonPropertyName("method")] public string? Method { get; init; }
    [JsonPropertyName("layer")] public string? Layer { get; init; }
    /// <summary>"divide-by-max" or "min-max".</summary>
    [JsonPropertyName("normalization")] public string? Normalization { get; init; }
    /// <summary>What each map explains: "pred", "true", or a fixed class.</summary>
    [JsonPropertyName("target_rule")] public string? TargetRule { get; init; }
    /// <summary>Class names in index order; empty when unknown (the report then shows indices).</summary>
    [JsonPropertyName("class_names")] public IReadOnlyList<string> ClassNames { get; init; } = [];
    [JsonPropertyName("data")] public ManifestData? Data { get; init; }
    /// <summary>The run's options that shape its results (absent in manifests of runs made before they were recorded).</summary>
    [JsonPropertyName("options")] public ManifestOptions? Options { get; init; }
    [JsonPropertyName("figures")] public RunFigures? Figures { get; init; }
    /// <summary>The explained images (for <see cref="RunKind.Failures"/>: the misclassified ones).</summary>
    [JsonPropertyName("items")] public required IReadOnlyList<ManifestItem> Items { get; init; }
    /// <summary>Items that could not be read (a damaged file, one larger than --max-pixels), each with the reason.</summary>
    [JsonPropertyName("skipped")] public IReadOnlyList<SkippedItem>? Skipped { get; init; }
    [JsonPropertyName("evaluation")] public Evaluation? Evaluation { get; init; }
    [JsonPropertyName("metrics")] public IReadOnlyList<MetricSeries>? Metrics { get; init; }
    [JsonPropertyName("sanity")] public SanityCheck? Sanity { get; init; }
    /// <summary>Misclassified images explained for their predicted and true class, inside an explain run.</summary>
    [JsonPropertyName("failures")] public FailureSection? Failures { get; init; }
    /// <summary>The demo's photos explained by the trained featurizer (beside the digits of the same report).</summary>
    [JsonPropertyName("photos")] public PhotoSection? Photos { get; init; }

    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>A manifest saying null where its schema has a value is refused on reading (found by fuzz/manifest).</summary>
    private static readonly JsonSerializerOptions ReadOptions = JsonNulls.Reading(JsonOptions);

    /// <summary>
    /// What the run is, without what it found: the header a resumed run must match, and the shards of one run share
    /// (<c>sharpcam merge</c> compares them with their shard left out).
    /// </summary>
    public RunManifest Identity() => this with
    {
        Created = default, Items = [], Data = Data is null ? null : Data with { Count = 0 },
        Figures = null, Evaluation = null, Metrics = null, Sanity = null, Failures = null, Skipped = null,
    };

    /// <summary>Writes <c>DIR/manifest.json</c> atomically; returns its path.</summary>
    public string Save(string runDir)
    {
        var path = Path.Combine(runDir, FileName);
        AtomicFile.Write(path, stream => JsonSerializer.Serialize(stream, this, JsonOptions));
        return path;
    }

    /// <summary>Reads <c>DIR/manifest.json</c>; the messages of its exceptions name the file and the fix.</summary>
    public static RunManifest Load(string runDir)
    {
        var path = Path.Combine(runDir, FileName);
        if (!Directory.Exists(runDir))
            throw new DirectoryNotFoundException($"{runDir}: no such run folder. Pass the output folder of an explain or failures run.");
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no manifest in this folder. Pass the output folder of a finished explain or failures run.", path);
        try
        {
            using var stream = File.OpenRead(path);
            var manifest = JsonSerializer.Deserialize<RunManifest>(stream, ReadOptions)
                           ?? throw new InvalidDataException($"{path}: the manifest is JSON null; re-run the command that wrote this folder.");
            JsonNulls.RefuseNullElements(manifest, "manifest");
            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid SharpCam manifest ({e.Message}). Re-run the command that wrote this folder.", e);
        }
    }
}

public sealed record ManifestModel
{
    [JsonPropertyName("architecture")] public required string Architecture { get; init; }
    [JsonPropertyName("checkpoint")] public string? Checkpoint { get; init; }
    [JsonPropertyName("num_classes")] public int NumClasses { get; init; }
    /// <summary>[height, width].</summary>
    [JsonPropertyName("input_size")] public IReadOnlyList<int>? InputSize { get; init; }
    [JsonPropertyName("device")] public string? Device { get; init; }
    /// <summary>"xxh128:" and the hex XxHash128 of the weights file: shards of one run must have used the same weights.</summary>
    [JsonPropertyName("weights_hash")] public string? WeightsHash { get; init; }
    /// <summary>A zoo model's input transform: "notebook" or "weights" (<see cref="Models.PreprocessingMode"/>); null for the others.</summary>
    [JsonPropertyName("preprocessing")] public string? Preprocessing { get; init; }
    /// <summary>What that transform did, in words: "resize to 256 (bicubic), centre crop 224×224".</summary>
    [JsonPropertyName("transform")] public string? Transform { get; init; }
}

/// <summary>Options of a run that change what it writes.</summary>
public sealed record ManifestOptions
{
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; }
    [JsonPropertyName("top_k")] public int TopK { get; init; }
    /// <summary>"all", "failures" or "none" (<c>--figures</c>).</summary>
    [JsonPropertyName("figures")] public string? Figures { get; init; }
    /// <summary>Failure analysis: only the N most confident mistakes are kept.</summary>
    [JsonPropertyName("limit")] public int? Limit { get; init; }
    [JsonPropertyName("metrics")] public bool Metrics { get; init; }
    /// <summary>How many methods the sanity check compares; null without one.</summary>
    [JsonPropertyName("sanity_methods")] public int? SanityMethods { get; init; }
}

public sealed record ManifestData
{
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("split")] public string? Split { get; init; }
    [JsonPropertyName("count")] public int Count { get; init; }
    /// <summary>"reduced" when JPEGs were decoded at reduced scale for the model (<c>--fast-decode</c>); null for full decoding.</summary>
    [JsonPropertyName("decoding")] public string? Decoding { get; init; }
    /// <summary>"K/N" when the run explained one shard of the data set (<c>--shard</c>); <c>sharpcam merge</c> joins them.</summary>
    [JsonPropertyName("shard")] public string? Shard { get; init; }
    /// <summary>A run merged with <c>--allow-partial</c>: the shards ("K/N") it lacks.</summary>
    [JsonPropertyName("missing_shards")] public IReadOnlyList<string>? MissingShards { get; init; }
}

public sealed record RunFigures
{
    /// <summary>4×4 grid of the explained inputs.</summary>
    [JsonPropertyName("grid")] public string? Grid { get; init; }
}

/// <summary>One explained image.</summary>
public sealed record ManifestItem
{
    [JsonPropertyName("id")] public required string Id { get; init; }
    /// <summary>The file the image came from.</summary>
    [JsonPropertyName("source")] public string? Source { get; init; }
    /// <summary>Index of the image inside <see cref="Source"/>.</summary>
    [JsonPropertyName("index")] public long? Index { get; init; }
    [JsonPropertyName("true_label")] public int? TrueLabel { get; init; }
    [JsonPropertyName("true_name")] public string? TrueName { get; init; }
    [JsonPropertyName("predicted_label")] public int PredictedLabel { get; init; }
    [JsonPropertyName("predicted_name")] public string? PredictedName { get; init; }
    /// <summary>Softmax over all classes.</summary>
    [JsonPropertyName("probabilities")] public IReadOnlyList<double>? Probabilities { get; init; }
    [JsonPropertyName("top_k")] public IReadOnlyList<TopKEntry>? TopK { get; init; }
    [JsonPropertyName("target_class")] public int? TargetClass { get; init; }
    /// <summary>What the map explains, in words, e.g. "logit of class 0".</summary>
    [JsonPropertyName("target")] public string? Target { get; init; }
    [JsonPropertyName("layer")] public string? Layer { get; init; }
    /// <summary>Raw map (.npy, float32 [h, w]) of an explain run.</summary>
    [JsonPropertyName("map")] public string? Map { get; init; }
    [JsonPropertyName("map_shape")] public IReadOnlyList<int>? MapShape { get; init; }
    /// <summary>Probability of the predicted class (failures).</summary>
    [JsonPropertyName("confidence")] public double? Confidence { get; init; }
    /// <summary>Raw maps for the predicted and the true class (failures).</summary>
    [JsonPropertyName("maps")] public ItemMaps? Maps { get; init; }
    [JsonPropertyName("figures")] public ItemFigures? Figures { get; init; }
}

/// <summary>An item a run could not explain, and why.</summary>
public sealed record SkippedItem
{
    [JsonPropertyName("id")] public string? Id { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("reason")] public required string Reason { get; init; }
}

public sealed record TopKEntry
{
    [JsonPropertyName("class")] public int ClassIndex { get; init; }
    [JsonPropertyName("name")] public string? Name { get; init; }
    [JsonPropertyName("probability")] public double Probability { get; init; }
}

public sealed record ItemMaps
{
    [JsonPropertyName("predicted")] public string? Predicted { get; init; }
    [JsonPropertyName("true")] public string? True { get; init; }
}

public sealed record ItemFigures
{
    [JsonPropertyName("heatmap")] public string? Heatmap { get; init; }
    /// <summary>image | upsampled heatmap | overlay.</summary>
    [JsonPropertyName("panels")] public string? Panels { get; init; }
    /// <summary>image | map for the predicted class | map for the true class (failures).</summary>
    [JsonPropertyName("compare")] public string? Compare { get; init; }
}

/// <summary>The model's test evaluation.</summary>
public sealed record Evaluation
{
    [JsonPropertyName("test_loss")] public double? TestLoss { get; init; }
    [JsonPropertyName("test_acc")] public double? TestAcc { get; init; }
    /// <summary>Number of images evaluated.</summary>
    [JsonPropertyName("n")] public long? N { get; init; }
    /// <summary>Accuracy of each class; null for a class with no test image.</summary>
    [JsonPropertyName("per_class_accuracy")] public IReadOnlyList<double?>? PerClassAccuracy { get; init; }
    /// <summary>Counts, [true class][predicted class].</summary>
    [JsonPropertyName("confusion")] public IReadOnlyList<IReadOnlyList<long>>? Confusion { get; init; }
}

/// <summary>One metric of one method: a value per image (in item order) and their mean.</summary>
public sealed record MetricSeries
{
    /// <summary>Metric name, e.g. "road_combined" or "drop_in_confidence".</summary>
    [JsonPropertyName("name")] public required string Name { get; init; }
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("values")] public IReadOnlyList<double> Values { get; init; } = [];
    [JsonPropertyName("mean")] public double? Mean { get; init; }
    /// <summary>Whether larger values mean a better explanation, when the metric has a direction.</summary>
    [JsonPropertyName("higher_is_better")] public bool? HigherIsBetter { get; init; }
}

/// <summary>
/// Model-randomisation sanity check (Adebayo et al., 2018): layers are randomised one after another from the output
/// back, and each step's maps are compared with the trained model's.
/// </summary>
public sealed record SanityCheck
{
    /// <summary>Plot of correlation against randomisation step.</summary>
    [JsonPropertyName("figure")] public string? Figure { get; init; }
    /// <summary>How maps are compared, e.g. "spearman".</summary>
    [JsonPropertyName("measure")] public string? Measure { get; init; }
    [JsonPropertyName("methods")] public IReadOnlyList<SanityMethod> Methods { get; init; } = [];
}

public sealed record SanityMethod
{
    [JsonPropertyName("method")] public required string Method { get; init; }
    /// <summary>"passes" or "warning" (the sanity check's verdict), decided once when the check ran.</summary>
    [JsonPropertyName("verdict")] public string? Verdict { get; init; }
    /// <summary>The verdict in one line for people, with the number behind it.</summary>
    [JsonPropertyName("summary")] public string? Summary { get; init; }
    [JsonPropertyName("steps")] public IReadOnlyList<SanityStep> Steps { get; init; } = [];
}

/// <summary>One cascading step: <see cref="Layer"/> and every layer after it have random weights.</summary>
public sealed record SanityStep
{
    [JsonPropertyName("layer")] public required string Layer { get; init; }
    /// <summary>Mean over images of the correlation with the trained model's maps.</summary>
    [JsonPropertyName("correlation")] public double Correlation { get; init; }
}

/// <summary>Photos explained by a model other than the run's (the demo's trained featurizer); figure and map paths are relative to the run folder.</summary>
public sealed record PhotoSection
{
    [JsonPropertyName("model")] public required ManifestModel Model { get; init; }
    /// <summary>One entry per way the photos were explained (e.g. Eigen-CAM, then similarity to one photo).</summary>
    [JsonPropertyName("runs")] public IReadOnlyList<PhotoRun> Runs { get; init; } = [];
}

/// <summary>Items explained with one method at one layer, as a <see cref="PhotoSection"/> holds them.</summary>
public sealed record PhotoRun
{
    [JsonPropertyName("method")] public required string Method { get; init; }
    [JsonPropertyName("layer")] public string? Layer { get; init; }
    /// <summary>What the maps explain, in words (e.g. "no target", or a similarity).</summary>
    [JsonPropertyName("target_rule")] public string? TargetRule { get; init; }
    [JsonPropertyName("items")] public IReadOnlyList<ManifestItem> Items { get; init; } = [];
}

/// <summary>Misclassified images, each explained for its predicted and its true class.</summary>
public sealed record FailureSection
{
    [JsonPropertyName("items")] public IReadOnlyList<ManifestItem> Items { get; init; } = [];
}
