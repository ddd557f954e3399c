using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>Building blocks several torchvision families share (torchvision.ops.misc and models._utils).</summary>
internal static class ZooLayers
{
    /// <summary>
    /// torchvision's Conv2dNormActivation with BatchNorm: conv (bias only without a norm) → BatchNorm2d → activation
    /// (none when <paramref name="activation"/> is null); padding (kernel − 1) / 2.
    /// </summary>
    public static Sequential ConvBatchNorm(long input, long output, long kernel, long stride = 1, long groups = 1,
                                           Func<Module<Tensor, Tensor>>? activation = null, double eps = 1e-5, double momentum = 0.1)
    {
        var layers = new List<Module<Tensor, Tensor>>
        {
            Conv2d(input, output, kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false),
            BatchNorm2d(output, eps: eps, momentum: momentum),
        };
        if (activation is not null) layers.Add(activation());
        return Sequential(layers);
    }

    /// <summary>
    /// torchvision's _make_divisible(v, divisor, min_value): the nearest multiple of <paramref name="divisor"/> (at least
    /// <paramref name="minValue"/>, default the divisor), never more than 10 % below <paramref name="value"/>.
    /// MNASNet's _round_to_multiple_of is the same function.
    /// </summary>
    public static long MakeDivisible(double value, long divisor = 8, long? minValue = null)
    {
        var rounded = Math.Max(minValue ?? divisor, (long)(value + divisor / 2.0) / divisor * divisor);
        return rounded < 0.9 * value ? rounded + divisor : rounded;
    }

    /// <summary>torchvision.ops.StochasticDepth in "row" mode: the identity in eval (TorchSharp's returns an alias).</summary>
    public static Module<Tensor, Tensor> StochasticDepth(double p) => torchvision.ops.StochasticDepth(p, torchvision.StochasticDepth.Mode.Row);
}
