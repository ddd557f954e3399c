using SharpCam.Images;
using SharpCam.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// MaxViT (Tu et al., 2022) exactly as torchvision 0.14 builds maxvit_t, with its module and state-dict names (stem;
/// blocks.i.layers.j.layers.{MBconv, window_attention, grid_attention}; classifier), so its weight file loads key for
/// key. Each layer is an MBConv (pre-norm BatchNorm, 1×1 → depthwise 3×3 → squeeze-excitation with SiLU → 1×1, with an
/// avg-pool + 1×1 shortcut where it strides) followed by attention inside 7×7 windows and attention across a 7×7
/// grid of dilated positions, both with a learned relative position bias. Stochastic depth and dropout are identities
/// in eval, as PyTorch's. The partition grid is fixed at build time, so the input must be 224×224.
/// </summary>
/// <remarks>
/// Layers outside the attention are channels-first [N, C, h, w] (including each attention layer's own output, which it
/// departitions); the attention layers' inner modules work on partitions [N, windows, tokens, C], which are 4-D but
/// not an image grid, so the model declares them not spatial (<see cref="LayoutOf"/>) instead of letting a CAM read
/// them as NCHW. Default layer: `blocks.3`, the last stage's output (7×7×512), as the last stage of a CNN.
/// </remarks>
public sealed class MaxVit : Module<Tensor, Tensor>, IActivationLayouts
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        yield return ZooSpecs.ImageNet("maxvit_t", "maxvit_t-bc5ab103.pth", "blocks.3", "classifier.5.weight", InputSize,
            n => new MaxVit(64, [64, 128, 256, 512], [2, 2, 5, 2], 32, 7, n))
            with { WeightsResizeSize = InputSize, WeightsFilter = ResizeFilter.Bicubic };   // MaxVit_T_Weights: Resize(224, bicubic), CenterCrop(224)
    }

    private const int InputSize = 224;

    private readonly Sequential stem;
    private readonly ModuleList<Module<Tensor, Tensor>> blocks;
    private readonly Sequential classifier;

    public MaxVit(int stemChannels, int[] blockChannels, int[] blockLayers, int headDim, int partitionSize, int numClasses = 1000)
        : base("MaxVit")
    {
        stem = Sequential(
            Sequential(Conv2d(3, stemChannels, 3, stride: 2, padding: 1, bias: false), Norm(stemChannels), GELU()),
            Sequential(Conv2d(stemChannels, stemChannels, 3, padding: 1)));
        var grid = (InputSize - 1) / 2 + 1;   // after the stem's stride 2
        blocks = new ModuleList<Module<Tensor, Tensor>>();
        var inChannels = stemChannels;
        for (int i = 0; i < blockChannels.Length; i++)
        {
            grid = (grid - 1) / 2 + 1;        // every block starts with a stride-2 MBConv
            var layers = new ModuleList<Module<Tensor, Tensor>>();
            for (int j = 0; j < blockLayers[i]; j++)
                layers.Add(new MaxVitLayer(j == 0 ? inChannels : blockChannels[i], blockChannels[i], j == 0 ? 2 : 1, headDim, partitionSize, grid));
            blocks.Add(new MaxVitBlock(layers));
            inChannels = blockChannels[i];
        }
        var last = blockChannels[^1];
        classifier = Sequential(AdaptiveAvgPool2d(1), Flatten(), LayerNorm(last), Linear(last, last), Tanh(), Linear(last, numClasses, hasBias: false));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        if (input.shape[2] != InputSize || input.shape[3] != InputSize)
            throw new ArgumentException($"MaxViT takes {InputSize}×{InputSize} images (its attention partitions are fixed when it is built); " +
                                        $"got {input.shape[2]}×{input.shape[3]}.");
        var x = stem.call(input);
        foreach (var block in blocks) x = block.call(x);
        return classifier.call(x);
    }

    public ActivationLayout LayoutOf(string layer)
    {
        if (layer.Contains("_attention.", StringComparison.Ordinal))
            return ActivationLayout.NotSpatial("inside MaxViT's attention the tokens are partitions [N, windows, tokens, C]");
        if (layer.StartsWith("classifier.", StringComparison.Ordinal) && layer != "classifier.0")
            return ActivationLayout.NotSpatial("it follows the global average pool");
        return ActivationLayout.ChannelsFirst;
    }

    /// <summary>MaxViT's norm layer: BatchNorm2d(eps 1e-3, momentum 0.99).</summary>
    private static BatchNorm2d Norm(long channels) => BatchNorm2d(channels, eps: 1e-3, momentum: 0.99);

    private sealed class MaxVitBlock : Module<Tensor, Tensor>
    {
        private readonly ModuleList<Module<Tensor, Tensor>> layers;

        public MaxVitBlock(ModuleList<Module<Tensor, Tensor>> layers) : base("MaxVitBlock")
        {
            this.layers = layers;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            foreach (var layer in layers) x = layer.call(x);
            return x;
        }
    }

    private sealed class MaxVitLayer : Module<Tensor, Tensor>
    {
        private readonly Sequential layers;

        public MaxVitLayer(int inChannels, int outChannels, int stride, int headDim, int partitionSize, int grid) : base("MaxVitLayer")
        {
            layers = Sequential(
                ("MBconv", new MBConv(inChannels, outChannels, stride)),
                ("window_attention", new PartitionAttention(outChannels, headDim, partitionSize, grid, window: true)),
                ("grid_attention", new PartitionAttention(outChannels, headDim, partitionSize, grid, window: false)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => layers.call(x);
    }

    /// <summary>MBConv with expansion 4 and squeeze ratio 0.25 of the output channels: shortcut proj(x) + layers(x).</summary>
    private sealed class MBConv : Module<Tensor, Tensor>
    {
        private readonly Module<Tensor, Tensor> proj;
        private readonly Identity stochastic_depth;   // StochasticDepth: the identity in eval
        private readonly Sequential layers;

        public MBConv(int inChannels, int outChannels, int stride) : base("MBConv")
        {
            var shortcut = Conv2d(inChannels, outChannels, 1);
            proj = stride == 2 ? Sequential(AvgPool2d(3, stride: 2, padding: 1), shortcut)
                 : inChannels != outChannels ? Sequential(shortcut)
                 : Identity();
            stochastic_depth = Identity();
            var mid = outChannels * 4;
            layers = Sequential(
                ("pre_norm", Norm(inChannels)),
                ("conv_a", Sequential(Conv2d(inChannels, mid, 1, bias: false), Norm(mid), GELU())),
                ("conv_b", Sequential(Conv2d(mid, mid, 3, stride: stride, padding: 1, groups: mid, bias: false), Norm(mid), GELU())),
                ("squeeze_excitation", torchvision.ops.SqueezeExcitation(mid, outChannels / 4, activation: () => SiLU(), scale_activation: () => Sigmoid())),
                ("conv_c", Conv2d(mid, outChannels, 1)));
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => proj.call(x) + stochastic_depth.call(layers.call(x));
    }

    /// <summary>
    /// torchvision's PartitionAttentionLayer: partition into P×P windows (window attention: P = partition size) or a
    /// P×P grid of strided positions (grid attention: P = grid / partition size, then tokens and windows swapped),
    /// x + attn_layer(x), x + mlp_layer(x), and back to [N, C, H, W].
    /// </summary>
    private sealed class PartitionAttention : Module<Tensor, Tensor>
    {
        private readonly Partition partition_op;
        private readonly Departition departition_op;
        private readonly Module<Tensor, Tensor> partition_swap;
        private readonly Module<Tensor, Tensor> departition_swap;
        private readonly Sequential attn_layer;
        private readonly Sequential mlp_layer;
        private readonly Identity stochastic_dropout;   // StochasticDepth: the identity in eval

        public PartitionAttention(int channels, int headDim, int partitionSize, int grid, bool window) : base("PartitionAttentionLayer")
        {
            var p = window ? partitionSize : grid / partitionSize;
            partition_op = new Partition(p);
            departition_op = new Departition(p, grid / p);
            partition_swap = window ? Identity() : new SwapAxes();
            departition_swap = window ? Identity() : new SwapAxes();
            attn_layer = Sequential(LayerNorm(channels), new RelativePositionalAttention(channels, headDim, partitionSize), Dropout(0.0));
            mlp_layer = Sequential(LayerNorm(channels), Linear(channels, 4 * channels), GELU(), Linear(4 * channels, channels), Dropout(0.0));
            stochastic_dropout = Identity();
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = partition_swap.call(partition_op.call(x));
            x = x + stochastic_dropout.call(attn_layer.call(x));
            x = x + stochastic_dropout.call(mlp_layer.call(x));
            return departition_op.call(departition_swap.call(x));
        }
    }

    /// <summary>[B, C, H, W] → [B, (H/P)·(W/P), P·P, C]: P×P windows.</summary>
    private sealed class Partition(long p) : Module<Tensor, Tensor>("WindowPartition")
    {
        public override Tensor forward(Tensor x)
        {
            var (b, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
            return x.reshape(b, c, h / p, p, w / p, p).permute(0, 2, 4, 3, 5, 1).reshape(b, h / p * (w / p), p * p, c);
        }
    }

    /// <summary>[B, G·G, P·P, C] → [B, C, G·P, G·P]: the inverse of <see cref="Partition"/> for a square grid of G windows per side.</summary>
    private sealed class Departition(long p, long partitions) : Module<Tensor, Tensor>("WindowDepartition")
    {
        public override Tensor forward(Tensor x)
        {
            var (b, c) = (x.shape[0], x.shape[3]);
            return x.reshape(b, partitions, partitions, p, p, c).permute(0, 5, 1, 3, 2, 4).reshape(b, c, partitions * p, partitions * p);
        }
    }

    /// <summary>torch.swapaxes(x, −2, −3): windows ↔ tokens, which turns window partitions into grid partitions.</summary>
    private sealed class SwapAxes() : Module<Tensor, Tensor>("SwapAxes")
    {
        public override Tensor forward(Tensor x) => x.transpose(-2, -3);
    }

    /// <summary>
    /// torchvision's RelativePositionalMultiHeadAttention on [B, G, P, D]: softmax(q·(k·D^−½)ᵀ + bias)·v per head, the
    /// bias read from relative_position_bias_table at relative_position_index. Note the scale uses the feature
    /// dimension D, not the head dimension, as torchvision does.
    /// </summary>
    private sealed class RelativePositionalAttention : Module<Tensor, Tensor>
    {
        private readonly Linear to_qkv;
        private readonly Linear merge;
        private readonly Parameter relative_position_bias_table;
        private readonly Tensor relative_position_index;
        private readonly int _heads, _headDim, _tokens;
        private readonly double _scale;

        public RelativePositionalAttention(int features, int headDim, int size) : base("RelativePositionalMultiHeadAttention")
        {
            (_heads, _headDim, _tokens, _scale) = (features / headDim, headDim, size * size, Math.Pow(features, -0.5));
            to_qkv = Linear(features, 3 * features);
            merge = Linear(features, features);
            relative_position_bias_table = new Parameter(zeros((2 * size - 1) * (2 * size - 1), _heads));
            relative_position_index = SwinTransformer.RelativePositionIndex(size, size);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var (b, g, p, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
            var qkv = to_qkv.call(x).view(b, g, p, 3, _heads, _headDim).permute(3, 0, 1, 4, 2, 5);   // [3, B, G, H, P, DH]
            var bias = relative_position_bias_table.index_select(0, relative_position_index.view(-1))
                .view(_tokens, _tokens, -1).permute(2, 0, 1).unsqueeze(0);
            var attention = (qkv[0].matmul((qkv[1] * _scale).transpose(-2, -1)) + bias).softmax(-1);
            return merge.call(attention.matmul(qkv[2]).permute(0, 1, 3, 2, 4).reshape(b, g, p, d));
        }
    }
}
