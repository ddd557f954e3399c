using SharpCam.Images;
using SharpCam.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// Vision Transformer (Dosovitskiy et al., 2021) exactly as torchvision 0.14 builds it, with its module and state-dict
/// names (conv_proj, class_token, encoder.pos_embedding, encoder.layers.encoder_layer_i.{ln_1, self_attention
/// .in_proj_weight/in_proj_bias/out_proj, ln_2, mlp.0/3}, encoder.ln, heads.head), so its weight files load key for key.
/// Dropout is off in eval, as PyTorch's. The position embedding fixes the input size (224; vit_h_14's default SWAG
/// weights 518).
/// </summary>
/// <remarks>
/// Every encoder layer outputs [N, 1 + h·w, C]: the model declares them as tokens (<see cref="LayoutOf"/>), so a CAM
/// drops the class token and sees [N, C, h, w], h = w = size / patch. Default layer: the last block's `ln_1`, the
/// layer pytorch-grad-cam documents for ViTs (the last block's output feeds the head through the class token only,
/// so its patch tokens get no gradient; `ln_1` is the input to the last attention, through which they reach it).
/// </remarks>
public sealed class VisionTransformer : Module<Tensor, Tensor>, IActivationLayouts
{
    /// <summary>torchvision's builders: patch, layers, heads, hidden and MLP width, and the input size of the default weights.</summary>
    private sealed record Builder(string Name, string File, int Patch, int Layers, int Heads, int Hidden, int Mlp, int Size,
                                  int ResizeSize, ResizeFilter Filter = ResizeFilter.Bilinear)
    {
        public VisionTransformer Build(int numClasses, Device? device = null) =>
            new(Size, Patch, Layers, Heads, Hidden, Mlp, numClasses, device);
    }

    private static readonly Builder[] Builders =
    [
        // The last two numbers: the weights' transform (torchvision's ViT_*_Weights.DEFAULT): Resize(shorter side), CenterCrop(size).
        new("vit_b_16", "vit_b_16-c867db91.pth", 16, 12, 12, 768, 3072, 224, 256),
        new("vit_b_32", "vit_b_32-d86f8d99.pth", 32, 12, 12, 768, 3072, 224, 256),
        new("vit_l_16", "vit_l_16-852ce7e3.pth", 16, 24, 16, 1024, 4096, 224, 242),
        new("vit_l_32", "vit_l_32-c7638314.pth", 32, 24, 16, 1024, 4096, 224, 256),
        // torchvision's default weights for vit_h_14 are the SWAG end-to-end ones, trained at 518×518 (bicubic).
        new("vit_h_14", "vit_h_14_swag-80465313.pth", 14, 32, 16, 1280, 5120, 518, 518, ResizeFilter.Bicubic),
    ];

    internal static IEnumerable<ModelSpec> Specs() =>
        Builders.Select(b => ZooSpecs.ImageNet(b.Name, b.File, $"encoder.layers.encoder_layer_{b.Layers - 1}.ln_1", "heads.head.weight",
            b.Size, n => b.Build(n)) with { InputSize = b.Size, WeightsResizeSize = b.ResizeSize, WeightsFilter = b.Filter });

    /// <summary>
    /// The builder <paramref name="name"/> on <paramref name="device"/>: on the meta device its parameters have shapes
    /// but no memory, so ViT-H/14's 632 million (2.5 GB) can be checked against torchvision's key for key.
    /// </summary>
    internal static VisionTransformer Create(string name, int numClasses, Device device) =>
        Builders.Single(b => b.Name == name).Build(numClasses, device);

    private readonly Conv2d conv_proj;
    private readonly Parameter class_token;
    private readonly Encoder encoder;
    private readonly Sequential heads;
    private readonly int _imageSize, _patchSize;

    public VisionTransformer(int imageSize, int patchSize, int numLayers, int numHeads, int hiddenDim, int mlpDim, int numClasses = 1000,
                             Device? device = null)
        : base("VisionTransformer")
    {
        if (imageSize % patchSize != 0) throw new ArgumentException($"Image size {imageSize} is not a multiple of the patch size {patchSize}.");
        (_imageSize, _patchSize) = (imageSize, patchSize);
        conv_proj = Conv2d(3, hiddenDim, patchSize, stride: patchSize, device: device);
        class_token = new Parameter(zeros(1, 1, hiddenDim, device: device));
        var grid = imageSize / patchSize;
        encoder = new Encoder(grid * grid + 1, numLayers, numHeads, hiddenDim, mlpDim, device);
        heads = Sequential(("head", Linear(hiddenDim, numClasses, device: device)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var (n, h, w) = (input.shape[0], input.shape[2], input.shape[3]);
        if (h != _imageSize || w != _imageSize)
            throw new ArgumentException($"This Vision Transformer takes {_imageSize}×{_imageSize} images (its position embedding is " +
                                        $"fixed to {_imageSize / _patchSize}×{_imageSize / _patchSize} patches); got {h}×{w}.");
        var patches = conv_proj.call(input).flatten(2).transpose(1, 2);   // [N, h·w, C]
        var tokens = cat([class_token.expand(n, -1, -1), patches], 1);
        return heads.call(encoder.call(tokens).select(1, 0));
    }

    /// <summary>Everything under `encoder` is tokens with one class token; conv_proj is a feature map; the head is not spatial.</summary>
    public ActivationLayout LayoutOf(string layer)
    {
        if (layer == "conv_proj") return ActivationLayout.ChannelsFirst;
        if (layer.StartsWith("encoder", StringComparison.Ordinal))
            return ActivationLayout.Tokens(1, _imageSize / _patchSize, _imageSize / _patchSize);
        return ActivationLayout.NotSpatial("the classification head sees the class token only");
    }

    private sealed class Encoder : Module<Tensor, Tensor>
    {
        private readonly Parameter pos_embedding;
        private readonly Dropout dropout;
        private readonly Sequential layers;
        private readonly LayerNorm ln;

        public Encoder(int sequenceLength, int numLayers, int numHeads, int hiddenDim, int mlpDim, Device? device) : base("Encoder")
        {
            pos_embedding = new Parameter(zeros(1, sequenceLength, hiddenDim, device: device));
            dropout = Dropout(0.0);
            layers = Sequential(Enumerable.Range(0, numLayers)
                .Select(i => ($"encoder_layer_{i}", (Module<Tensor, Tensor>)new EncoderBlock(numHeads, hiddenDim, mlpDim, device))));
            ln = LayerNorm(hiddenDim, eps: 1e-6, device: device);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => ln.call(layers.call(dropout.call(input + pos_embedding)));
    }

    private sealed class EncoderBlock : Module<Tensor, Tensor>
    {
        private readonly LayerNorm ln_1;
        private readonly SelfAttention self_attention;
        private readonly Dropout dropout;
        private readonly LayerNorm ln_2;
        private readonly Sequential mlp;

        public EncoderBlock(int numHeads, int hiddenDim, int mlpDim, Device? device) : base("EncoderBlock")
        {
            ln_1 = LayerNorm(hiddenDim, eps: 1e-6, device: device);
            self_attention = new SelfAttention(hiddenDim, numHeads, device);
            dropout = Dropout(0.0);
            ln_2 = LayerNorm(hiddenDim, eps: 1e-6, device: device);
            mlp = TransformerMlp(hiddenDim, mlpDim, device);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            var x = dropout.call(self_attention.call(ln_1.call(input))) + input;
            return x + mlp.call(ln_2.call(x));
        }
    }

    /// <summary>
    /// torchvision's MLP(dim, [hidden, dim], GELU, dropout) as its transformers use it: Linear (0), GELU (1, exact),
    /// Dropout (2), Linear (3), Dropout (4).
    /// </summary>
    internal static Sequential TransformerMlp(long dim, long hidden, Device? device = null) =>
        Sequential(Linear(dim, hidden, device: device), GELU(), Dropout(0.0), Linear(hidden, dim, device: device), Dropout(0.0));

    /// <summary>
    /// nn.MultiheadAttention(batch_first) used as self-attention with need_weights=False, with its parameter names:
    /// q, k, v = x·in_proj_weightᵀ + in_proj_bias split in three; per head softmax(q·kᵀ/√d)·v; out_proj.
    /// </summary>
    private sealed class SelfAttention : Module<Tensor, Tensor>
    {
        private readonly Parameter in_proj_weight;
        private readonly Parameter in_proj_bias;
        private readonly Linear out_proj;
        private readonly int _heads;

        public SelfAttention(int dim, int heads, Device? device) : base("MultiheadAttention")
        {
            in_proj_weight = new Parameter(zeros(3 * dim, dim, device: device));
            in_proj_bias = new Parameter(zeros(3 * dim, device: device));
            out_proj = Linear(dim, dim, device: device);
            _heads = heads;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var (n, t, c) = (x.shape[0], x.shape[1], x.shape[2]);
            var qkv = functional.linear(x, in_proj_weight, in_proj_bias).view(n, t, 3, _heads, c / _heads).permute(2, 0, 3, 1, 4);
            var attended = functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2]);   // [N, heads, T, d]
            return out_proj.call(attended.transpose(1, 2).reshape(n, t, c));
        }
    }
}
