using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Onnx;

/// <summary>
/// LayerNormalization (opset 17): normalise over the dimensions from <c>axis</c> on, then scale and shift. With the
/// scale a constant covering exactly those dimensions (PyTorch's exports: axis −1, or −k with a k-D scale) it is a
/// torch LayerNorm module, so the CAM methods see it by type as in a zoo transformer.
/// </summary>
internal static partial class OnnxOps
{
    private static OnnxOp LayerNormalization(OnnxNodeContext c)
    {
        var axis = c.Int("axis", -1);
        var epsilon = c.Float("epsilon", 1e-5f);
        if (c.Node.Outputs.Count(o => o.Length > 0) > 1) throw c.Unsupported("LayerNormalization's Mean and InvStdDev outputs");
        var scale = c.Constant(1);
        var bias = c.Constant(2);
        if (scale is not null && axis == -scale.dim() && (!c.HasInput(2) || bias is not null && bias.shape.SequenceEqual(scale.shape)))
        {
            var norm = LayerNorm(scale.shape, eps: epsilon, elementwise_affine: true);
            using (no_grad())
            {
                norm.weight!.copy_(scale);
                if (bias is null) norm.bias!.zero_();
                else norm.bias!.copy_(bias);
            }
            return OnnxOp.Of(norm);
        }
        return OnnxOp.Of(a =>
        {
            var x = a[0]!;
            var from = axis < 0 ? axis + x.dim() : axis;
            var dims = Enumerable.Range((int)from, (int)(x.dim() - from)).Select(d => (long)d).ToArray();
            var mean = x.mean(dims, keepdim: true);
            var centred = x - mean;
            var normalised = centred / ((centred * centred).mean(dims, keepdim: true) + epsilon).sqrt();
            var y = normalised * a[1]!;
            return a.Length > 2 && a[2] is { } b ? y + b : y;
        });
    }
}
