namespace SharpCam.Fuzz;

/// <summary>Every harness, by the name `fuzz/run.sh` and the CI replay use.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
    [
        new("pickle-zip", "pickle", "CheckpointReadException", CheckpointHarness.Read),
        new("torch-legacy", "pickle", "CheckpointReadException", CheckpointHarness.Read),
        new("safetensors", "json", "CheckpointReadException", CheckpointHarness.Read),
        new("torchsharp-dat", "json", "CheckpointReadException", CheckpointHarness.ReadWithSidecar),
        new("onnx", "protobuf", "OnnxFormatException", DataHarness.ReadOnnx),
        new("idx", "idx", "InvalidDataException", DataHarness.ReadIdx),
        new("image-header", "image", "InvalidDataException", ImageHarness.ReadHeader),
        new("image-read", "image", "InvalidDataException", ImageHarness.Read),
        new("labels", "labels", "FormatException", RunFileHarness.ReadLabels),
        new("journal", "json", "InvalidDataException", RunFileHarness.ReadJournal),
        new("manifest", "json", "InvalidDataException", RunFileHarness.ReadManifest),
        new("upload", "image", "RequestRefusedException", ServerHarness.Upload),
        new("request-params", "query", "RequestRefusedException", ServerHarness.Query),
    ];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
