using SharpCam.Checkpoints;

namespace SharpCam.Fuzz;

/// <summary>
/// Checkpoints through <see cref="CheckpointLoader.Load"/>, which every model loader calls (LeNet, the zoo, ONNX-less
/// C# callers): format detected by content, every declared tensor read. The four targets share this entry point and
/// differ by their seeds, so afl starts from each container (zip/.ckpt, legacy tar-like, safetensors, TorchSharp).
/// </summary>
public static class CheckpointHarness
{
    /// <summary>Splits a torchsharp-dat input into its JSON sidecar and its .dat: SIDECAR, this line, then the .dat bytes.</summary>
    public static ReadOnlySpan<byte> SidecarSeparator => "\n--sharpcam-dat--\n"u8;

    public static void Read(byte[] bytes, Scratch scratch) => Load(scratch.Write("input.pth", bytes));

    /// <summary>A TorchSharp .dat with its .dat.json sidecar: the input is SIDECAR + separator + DAT (no separator: no sidecar).</summary>
    public static void ReadWithSidecar(byte[] bytes, Scratch scratch)
    {
        int split = bytes.AsSpan().IndexOf(SidecarSeparator);
        if (split < 0) scratch.Remove("input.dat.json");
        else scratch.Write("input.dat.json", bytes.AsSpan(0, split));
        Load(scratch.Write("input.dat", split < 0 ? bytes : bytes.AsSpan(split + SidecarSeparator.Length)));
    }

    /// <summary>Joins a sidecar and a .dat into one torchsharp-dat input (the seeds' writer).</summary>
    public static byte[] WithSidecar(byte[] sidecar, byte[] dat) => [.. sidecar, .. SidecarSeparator, .. dat];

    private static void Load(string path) => Expect.AcceptOrRefuse<CheckpointReadException>(path, () =>
    {
        var checkpoint = CheckpointLoader.Load(path);
        try
        {
            // Accepted: the metadata and tensors must be usable as read (a model load copies them next).
            NullableGraph.Check(checkpoint.Metadata, "metadata");
            foreach (var (key, tensor) in checkpoint.Tensors)
                if (tensor.IsInvalid || tensor.numel() != tensor.shape.Aggregate(1L, (a, d) => a * d))
                    throw new FuzzFindingException($"accepted tensor '{key}' is not usable: shape [{string.Join(", ", tensor.shape)}]");
        }
        finally
        {
            foreach (var tensor in checkpoint.Tensors.Values) tensor.Dispose();
        }
    });
}
