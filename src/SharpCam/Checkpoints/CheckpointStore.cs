using System.Text.Json;
using SharpCam.IO;
using static TorchSharp.torch.nn;

namespace SharpCam.Checkpoints;

/// <summary>
/// SharpCam's own checkpoints: the model's state in TorchSharp's format (`*.dat`), with a JSON sidecar
/// (`*.dat.json`) holding <see cref="CheckpointMetadata"/>. Both are written to a temporary name and renamed into
/// place, so an interrupted save never leaves a half-written checkpoint.
/// </summary>
public static class CheckpointStore
{
    public const string Extension = ".dat";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    /// <summary>A sidecar saying null where the metadata has a value is refused here, not failed on later (found by fuzz/torchsharp-dat).</summary>
    private static readonly JsonSerializerOptions ReadJson = JsonNulls.Reading(Json);

    public static void Save(Module model, string path, CheckpointMetadata metadata)
    {
        AtomicFile.Write(MetadataPath(path), stream => JsonSerializer.Serialize(stream, metadata, Json));
        AtomicFile.Write(path, stream => model.save(stream));
    }

    /// <summary>The sidecar's metadata, or null when there is none.</summary>
    public static CheckpointMetadata? ReadMetadata(string path)
    {
        var sidecar = MetadataPath(path);
        if (!File.Exists(sidecar)) return null;
        try
        {
            var metadata = JsonSerializer.Deserialize<CheckpointMetadata>(File.ReadAllText(sidecar), ReadJson);
            JsonNulls.RefuseNullElements(metadata, "metadata");
            return metadata;
        }
        catch (JsonException e)
        {
            throw new CheckpointReadException($"Cannot read {sidecar}: it is not valid checkpoint metadata ({e.Message}). Fix it, or " +
                                              $"delete it to load the weights in {path} with default metadata.", e);
        }
    }

    public static string MetadataPath(string path) => path + ".json";
}
