using static TorchSharp.torch;

namespace SharpCam.Layers;

/// <summary>
/// How a layer's output is laid out, so every CAM method sees it as a feature map [N, C, h, w]. Convolutional layers
/// are channels-first already; a vision transformer's token layers ([N, prefix + h·w, C]) and torchvision's Swin
/// layers ([N, h, w, C]) are rearranged, as pytorch-grad-cam's hand-written reshape_transform does. The rearrangement
/// only moves values, so the gradient with respect to the feature map is the same rearrangement of the gradient with
/// respect to the output (a dropped class token's gradient is left out, as the library leaves it out).
/// </summary>
public abstract record ActivationLayout
{
    /// <summary>[N, C, h, w] as it is: convolutional layers.</summary>
    public static ActivationLayout ChannelsFirst { get; } = new ChannelsFirstLayout();

    /// <summary>[N, h, w, C], permuted: torchvision's Swin Transformer.</summary>
    public static ActivationLayout ChannelsLast { get; } = new ChannelsLastLayout();

    /// <summary>[N, prefix + h·w, C] with the patch tokens in row-major order after <paramref name="prefix"/> class tokens.</summary>
    public static ActivationLayout Tokens(int prefix, int height, int width) => new TokenLayout(prefix, height, width);

    /// <summary>A layer whose output has no image grid to map (a windowed partition, a pooled vector); <paramref name="why"/> says so.</summary>
    public static ActivationLayout NotSpatial(string why) => new NotSpatialLayout(why);

    /// <summary>The layer's <paramref name="output"/> as [N, C, h, w] (a view where possible); <paramref name="layer"/> names it in errors.</summary>
    public abstract Tensor ToFeatureMap(Tensor output, string layer);

    /// <summary>
    /// A feature map [B, C, h, w] back in the layer's layout, taking what the map leaves out (class tokens) from the
    /// layer's own <paramref name="output"/> (batch 1 or B): Ablation-CAM writes its ablated maps back this way.
    /// </summary>
    public abstract Tensor FromFeatureMap(Tensor map, Tensor output);

    /// <summary>One phrase for `sharpcam layers`: how the output becomes a feature map.</summary>
    public abstract string Describe();

    private sealed record ChannelsFirstLayout : ActivationLayout
    {
        public override Tensor ToFeatureMap(Tensor output, string layer) => output;
        public override Tensor FromFeatureMap(Tensor map, Tensor output) => map;
        public override string Describe() => "channels first";
    }

    private sealed record ChannelsLastLayout : ActivationLayout
    {
        public override Tensor ToFeatureMap(Tensor output, string layer) =>
            output.dim() == 4
                ? output.permute(0, 3, 1, 2)
                : throw new ArgumentException($"Layer '{layer}' was declared channels-last [N, h, w, C] but outputs [{string.Join(", ", output.shape)}].");

        public override Tensor FromFeatureMap(Tensor map, Tensor output) => map.permute(0, 2, 3, 1).contiguous();
        public override string Describe() => "[N, h, w, C] permuted";
    }

    private sealed record TokenLayout(int Prefix, int Height, int Width) : ActivationLayout
    {
        public override Tensor ToFeatureMap(Tensor output, string layer)
        {
            if (output.dim() != 3 || output.shape[1] != Prefix + Height * Width)
                throw new ArgumentException($"Layer '{layer}' was declared as {Prefix} class token(s) + {Height}×{Width} patch tokens " +
                                            $"[N, {Prefix + Height * Width}, C] but outputs [{string.Join(", ", output.shape)}].");
            // Token t = y·w + x after the prefix: [N, h·w, C] → [N, C, h·w] → [N, C, h, w].
            return output.narrow(1, Prefix, Height * Width).transpose(1, 2).reshape(output.shape[0], output.shape[2], Height, Width);
        }

        public override Tensor FromFeatureMap(Tensor map, Tensor output)
        {
            var prefix = output.narrow(1, 0, Prefix).expand(map.shape[0], -1, -1);
            return cat([prefix, map.flatten(2).transpose(1, 2)], 1);
        }

        public override string Describe() => Prefix == 0 ? "tokens" : $"tokens, {Prefix} class token dropped";
    }

    private sealed record NotSpatialLayout(string Why) : ActivationLayout
    {
        public override Tensor ToFeatureMap(Tensor output, string layer) =>
            throw new ArgumentException($"Layer '{layer}' gives no feature map: {Why}. `sharpcam layers` lists the layers that do.");

        public override Tensor FromFeatureMap(Tensor map, Tensor output) => throw new InvalidOperationException(Why);
        public override string Describe() => "not spatial";
    }
}
