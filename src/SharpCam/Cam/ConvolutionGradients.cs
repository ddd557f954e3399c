using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Trustworthy input gradients through convolutions, at oneDNN's speed where oneDNN is right. libtorch's oneDNN
/// convolution backward-data was once seen returning wrong input gradients on one AVX-512 machine (docs/ONEDNN-BACKWARD.md;
/// it does not reproduce on the machines measured since). So, once per process, <see cref="OneDnnIsExact"/> runs
/// oneDNN's backward on a few probe convolutions, one per kernel family oneDNN picks for CNNs (direct, 1×1, strided,
/// grouped, dilated, small-channel), and compares each with the exact float64 transposed convolution. Where every probe
/// is within its float32 bound, the backward is libtorch's own and costs nothing extra. Where one is not, <see cref="Guard"/>
/// routes each convolution's input gradient of the guarded pass through <see cref="ColumnsConvolutionGradient"/>
/// (wᵀ·g by BLAS, then col2im: no oneDNN). The guard is per model and per pass, never process-wide: a forward or a
/// backward running beside it keeps oneDNN.
/// </summary>
internal static class ConvolutionGradients
{
    private static readonly Lazy<bool> Probed = new(ProbeOneDnn, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Tests set this to take the columns path in their own (async) flow, whatever the probe found.</summary>
    internal static readonly AsyncLocal<bool> ForceColumns = new();

    /// <summary>Whether libtorch's own convolution backward passed the probe on this machine (nine small convolutions, once).</summary>
    public static bool OneDnnIsExact => Probed.Value;

    /// <summary>
    /// For one gradient pass through <paramref name="model"/>: nothing where libtorch's backward is exact, otherwise a
    /// forward hook on every zero-padded Conv2d that gives its output the columns backward. Dispose after the backward.
    /// </summary>
    public static IDisposable Guard(Module model)
    {
        if (OneDnnIsExact && !ForceColumns.Value) return Removal.None;
        var removers = model.modules().OfType<Conv2d>()
            .Where(conv => conv.padding_type is null && conv.padding is not null && conv.padding_mode == PaddingModes.Zeros)
            .Select(conv => (Action)conv.register_forward_hook((_, input, output) =>
                input.requires_grad ? ColumnsConvolutionGradient.apply(input, new ConvolutionOutput(conv, output)) : null!).remove)
            .ToList();
        return new Removal(removers);
    }

    /// <summary>
    /// The probes: oneDNN's input gradient of conv2d against conv_transpose2d in float64 (ATen's own kernel: oneDNN
    /// takes float32 only). Shapes: (N, C, H, O, k, stride, padding, dilation, groups), the kernel families of
    /// docs/ONEDNN-BACKWARD.md's table, with batch 16 and 1 (oneDNN picks kernels by batch too).
    /// </summary>
    private static bool ProbeOneDnn()
    {
        (int N, int C, int H, int O, int K, int S, int P, int D, int G)[] probes =
        [
            (16, 3, 28, 6, 5, 1, 0, 1, 1), (1, 3, 64, 16, 7, 2, 3, 1, 1), (1, 32, 28, 32, 3, 1, 1, 1, 1),
            (1, 32, 28, 64, 3, 2, 1, 1, 1), (1, 32, 28, 64, 1, 1, 0, 1, 1), (1, 64, 28, 32, 1, 2, 0, 1, 1),
            (1, 32, 28, 32, 3, 1, 2, 2, 1), (1, 32, 28, 32, 3, 1, 1, 1, 8), (4, 17, 16, 5, 3, 1, 1, 1, 1),
        ];
        using var scope = NewDisposeScope();
        var generator = new Generator(23);
        foreach (var (n, c, h, o, k, s, p, d, g) in probes)
        {
            long[] stride = [s, s], padding = [p, p], dilation = [d, d];
            var weight = randn(o, c / g, k, k, generator: generator) / Math.Sqrt(c / g * k * k);
            var x = randn(n, c, h, h, generator: generator).requires_grad_();
            Tensor upstream, actual;
            using (enable_grad())
            {
                var y = functional.conv2d(x, weight, null, stride, padding, dilation, g);
                upstream = randn(y.shape, generator: generator);
                y.backward([upstream]);
                actual = x.grad!.to(ScalarType.Float64);
            }
            var outputPadding = h - ((upstream.shape[2] - 1) * s - 2 * p + d * (k - 1) + 1);
            Tensor Transposed(Tensor gradient, Tensor w) => functional.conv_transpose2d(gradient.to(ScalarType.Float64),
                w.to(ScalarType.Float64), null, stride, padding, [outputPadding, outputPadding], dilation, g);
            // Each input gradient sums n = (O/g)·k² products in float32: any summation order is within γ_n·Σ|w·g|
            // (γ_n = n·u/(1 − n·u), u = 2^-24; Higham, Accuracy and Stability, §3.1) of the exact sum, plus one
            // rounding of the result (u·|exact| ≤ u·Σ|w·g|). The wrong gradients seen were off by ~20%: far outside.
            double terms = o / g * k * k, u = Math.Pow(2, -24);
            var bound = Transposed(upstream.abs(), weight.abs()) * (terms * u / (1 - terms * u) + u);
            if (((actual - Transposed(upstream, weight)).abs() > bound).any().item<bool>() || actual.isnan().any().item<bool>())
                return false;
        }
        return true;
    }

    private sealed class Removal(List<Action> removers) : IDisposable
    {
        public static readonly Removal None = new([]);

        public void Dispose()
        {
            foreach (var remove in removers) remove();
            removers.Clear();
        }
    }
}

/// <summary>A convolution's output with its module, handed to <see cref="ColumnsConvolutionGradient"/> as one (non-tensor) argument.</summary>
internal sealed record ConvolutionOutput(Conv2d Module, Tensor Output);

/// <summary>
/// Identity on a convolution's output (already computed by its own kernel) whose backward gives the input gradient by
/// im2col algebra: columns = Wᵀ·g per group (BLAS), then fold (col2im) back to the input's shape. No weight or bias
/// gradient: the CAM engine never takes one. Images are folded one at a time, so the columns buffer stays one image's.
/// </summary>
internal sealed class ColumnsConvolutionGradient : autograd.SingleTensorFunction<ColumnsConvolutionGradient>
{
    public override string Name => "ColumnsConvolutionGradient";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var (conv, output) = (ConvolutionOutput)vars[1];
        ctx.save_data("conv", conv);
        ctx.save_data("size", input.shape);
        return output.alias();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
    {
        var conv = (Conv2d)ctx.get_data("conv");
        var size = (long[])ctx.get_data("size");
        long groups = conv.groups, outPerGroup = conv.out_channels / groups;
        // [O, C/g, kh, kw] → [g, C/g·kh·kw, O/g]: per group, the transposed weight matrix.
        var weightT = conv.weight!.detach().reshape(groups, outPerGroup, -1).transpose(1, 2);
        var images = new List<Tensor>();
        for (long i = 0; i < size[0]; i++)
        {
            var upstream = grad_output[i].reshape(groups, outPerGroup, -1);               // [g, O/g, L]
            var columns = matmul(weightT, upstream).reshape(1, -1, upstream.shape[2]);   // [1, C·kh·kw, L]
            images.Add(functional.fold(columns, (size[2], size[3]), (conv.kernel_size[0], conv.kernel_size[1]),
                (conv.dilation[0], conv.dilation[1]), (conv.padding![0], conv.padding[1]), (conv.stride[0], conv.stride[1])));
        }
        return [cat(images, 0), null!];
    }
}
