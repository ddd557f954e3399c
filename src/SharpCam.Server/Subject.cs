using SharpCam.Images;
using SharpCam.Rendering;
using static TorchSharp.torch;

namespace SharpCam.Server;

/// <summary>
/// A picture the page can explain: a run item or an upload. The model input is kept as a plain array (a tensor is
/// made per call, so a forgotten subject never holds native memory), the picture as the page shows it.
/// </summary>
public sealed record Subject(string Key, string Title, float[] Input, long[] InputShape, RgbImage Display, int? TrueLabel)
{
    /// <summary>The input as a batch of one, [1, C, H, W], on <paramref name="device"/>, in the caller's dispose scope.</summary>
    public Tensor ToBatch(Device device) => tensor(Input, InputShape).unsqueeze(0).to(device);

    /// <summary>Copies a model input tensor [C, H, W] out of torch.</summary>
    public static (float[] Values, long[] Shape) Copy(Tensor input)
    {
        using var scope = NewDisposeScope();
        return (input.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray(), input.shape);
    }
}
