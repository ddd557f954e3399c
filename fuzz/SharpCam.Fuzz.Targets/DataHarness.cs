using SharpCam.Data;
using SharpCam.Onnx;

namespace SharpCam.Fuzz;

/// <summary>IDX data sets (raw or gzip, told apart by content) and ONNX models, through the readers the CLI uses.</summary>
public static class DataHarness
{
    /// <summary>The same bytes as an image file and as a label file (<see cref="IdxFile.ReadPair"/> reads one of each).</summary>
    public static void ReadIdx(byte[] bytes, Scratch scratch)
    {
        var path = scratch.Write("input-idx3-ubyte", bytes);
        Expect.AcceptOrRefuse<InvalidDataException>(path, () =>
        {
            var images = IdxFile.ReadImages(path);
            if (images.Pixels.Length != (long)images.Count * images.Rows * images.Columns)
                throw new FuzzFindingException($"accepted {images.Count} images of {images.Rows}×{images.Columns} with {images.Pixels.Length} pixels");
        });
        Expect.AcceptOrRefuse<InvalidDataException>(path, () => IdxFile.ReadLabels(path));
    }

    /// <summary><see cref="OnnxModel.Load"/>: parse, then rebuild the graph as TorchSharp modules; the model is disposed.</summary>
    public static void ReadOnnx(byte[] bytes, Scratch scratch)
    {
        var path = scratch.Write("input.onnx", bytes);
        Expect.AcceptOrRefuse<OnnxFormatException>(path, () => OnnxModel.Load(path).Dispose());
    }
}
