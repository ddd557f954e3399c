using SharpCam.Images;
using SharpCam.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models.Zoo;

/// <summary>
/// Swin Transformer V1 (Liu et al., 2021) and V2 (Liu et al., 2022) exactly as torchvision 0.14 builds them, with its
/// module and state-dict names (features.0 patch embedding, features.{1,3,5,7} stages of blocks with norm1, attn.{qkv,
/// proj, relative_position_bias_table | logit_scale, cpb_mlp}, norm2, mlp.{0,3}; features.{2,4,6} patch merging; norm;
/// head), so its weight files load key for key. Stochastic depth and dropout are identities in eval, as PyTorch's.
/// </summary>
/// <remarks>
/// V2 differs in four places, each as torchvision has it: post-norm blocks (x + norm(f(x)) instead of x + f(norm(x))),
/// scaled cosine attention (cos(q, k)·exp(min(logit_scale, ln 100))) with the key bias forced to zero, a relative
/// position bias made by the continuous position-bias MLP (16·sigmoid(cpb_mlp(log-spaced coordinates))), and patch
/// merging that normalises after its reduction. Layers in `features` and the final `norm` output [N, h, w, C]: the
/// model declares them channels-last (<see cref="LayoutOf"/>), so a CAM sees [N, C, h, w]. Default layer: the final
/// `norm`, the point where both versions' last stage meets the head (avg-pool + linear, so Grad-CAM there is Zhou et
/// al.'s CAM); the blocks' norm1/norm2 would do for V1's pre-norm blocks, but V2's are post-norms on one residual
/// branch, which would explain the branch and not the image's representation.
/// </remarks>
public sealed class SwinTransformer : Module<Tensor, Tensor>, IActivationLayouts
{
    internal static IEnumerable<ModelSpec> Specs()
    {
        // The last two numbers: the weights' transform (Swin_*_Weights.DEFAULT): Resize(shorter side, bicubic), CenterCrop(size).
        yield return Spec("swin_t", "swin_t-704ceda3.pth", false, 96, [2, 2, 6, 2], [3, 6, 12, 24], 224, 232);
        yield return Spec("swin_s", "swin_s-5e29d889.pth", false, 96, [2, 2, 18, 2], [3, 6, 12, 24], 224, 246);
        yield return Spec("swin_b", "swin_b-68c6b09e.pth", false, 128, [2, 2, 18, 2], [4, 8, 16, 32], 224, 238);
        yield return Spec("swin_v2_t", "swin_v2_t-b137f0e2.pth", true, 96, [2, 2, 6, 2], [3, 6, 12, 24], 256, 260);
        yield return Spec("swin_v2_s", "swin_v2_s-637d8ceb.pth", true, 96, [2, 2, 18, 2], [3, 6, 12, 24], 256, 260);
        yield return Spec("swin_v2_b", "swin_v2_b-781e5279.pth", true, 128, [2, 2, 18, 2], [4, 8, 16, 32], 256, 272);
    }

    /// <summary>V1: windows of 7 at 224; V2: windows of 8, trained at 256. Any input of at least 32 runs (windows pad).</summary>
    private static ModelSpec Spec(string name, string file, bool v2, int embedDim, int[] depths, int[] heads, int size, int resize) =>
        ZooSpecs.ImageNet(name, file, "norm", "head.weight", 32,
            n => new SwinTransformer(embedDim, depths, heads, v2 ? 8 : 7, v2, n))
            with { InputSize = size, WeightsResizeSize = resize, WeightsFilter = ResizeFilter.Bicubic };

    private readonly Sequential features;
    private readonly LayerNorm norm;
    private readonly Permute permute;
    private readonly AdaptiveAvgPool2d avgpool;
    private readonly Flatten flatten;
    private readonly Linear head;

    public SwinTransformer(int embedDim, int[] depths, int[] numHeads, int windowSize, bool v2, int numClasses = 1000)
        : base("SwinTransformer")
    {
        var layers = new List<Module<Tensor, Tensor>>
        {
            Sequential(Conv2d(3, embedDim, 4, stride: 4), new Permute(0, 2, 3, 1), LayerNorm(embedDim)),
        };
        for (int stage = 0; stage < depths.Length; stage++)
        {
            var dim = embedDim << stage;
            layers.Add(Sequential(Enumerable.Range(0, depths[stage])
                .Select(i => (Module<Tensor, Tensor>)new Block(dim, numHeads[stage], windowSize, i % 2 == 0 ? 0 : windowSize / 2, v2))));
            if (stage < depths.Length - 1) layers.Add(new PatchMerging(dim, v2));
        }
        features = Sequential(layers);
        var numFeatures = embedDim << (depths.Length - 1);
        norm = LayerNorm(numFeatures);
        permute = new Permute(0, 3, 1, 2);
        avgpool = AdaptiveAvgPool2d(1);
        flatten = Flatten(1);
        head = Linear(numFeatures, numClasses);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input) =>
        head.call(flatten.call(avgpool.call(permute.call(norm.call(features.call(input))))));

    /// <summary>
    /// Channels-last from the patch embedding's permute to the final norm; the window attention's inner layers work on
    /// window partitions; after `permute` channels-first.
    /// </summary>
    public ActivationLayout LayoutOf(string layer)
    {
        if (layer is "features.0.0" or "permute" or "avgpool") return ActivationLayout.ChannelsFirst;
        if (layer is "flatten" or "head") return ActivationLayout.NotSpatial("it follows the global average pool");
        if (layer.Contains(".attn.", StringComparison.Ordinal))
            return ActivationLayout.NotSpatial("inside window attention the tokens are grouped by window, [windows·N, tokens, C]");
        return ActivationLayout.ChannelsLast;
    }

    /// <summary>torchvision.ops.misc.Permute: a parameter-free module, so the layer names match torchvision's.</summary>
    internal sealed class Permute(params long[] dims) : Module<Tensor, Tensor>("Permute")
    {
        public override Tensor forward(Tensor input) => input.permute(dims);
    }

    private sealed class Block : Module<Tensor, Tensor>
    {
        private readonly LayerNorm norm1;
        private readonly ShiftedWindowAttention attn;
        private readonly Identity stochastic_depth;   // StochasticDepth: the identity in eval
        private readonly LayerNorm norm2;
        private readonly Sequential mlp;
        private readonly bool _postNorm;

        public Block(int dim, int heads, int window, int shift, bool v2) : base(v2 ? "SwinTransformerBlockV2" : "SwinTransformerBlock")
        {
            norm1 = LayerNorm(dim);
            attn = new ShiftedWindowAttention(dim, window, shift, heads, v2);
            stochastic_depth = Identity();
            norm2 = LayerNorm(dim);
            mlp = VisionTransformer.TransformerMlp(dim, 4 * dim);
            _postNorm = v2;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            if (_postNorm)
            {
                x = x + stochastic_depth.call(norm1.call(attn.call(x)));
                return x + stochastic_depth.call(norm2.call(mlp.call(x)));
            }
            x = x + stochastic_depth.call(attn.call(norm1.call(x)));
            return x + stochastic_depth.call(mlp.call(norm2.call(x)));
        }
    }

    /// <summary>2×2 neighbouring patches concatenated (x0, x1, x2, x3 = (0,0), (1,0), (0,1), (1,1)), odd sides padded; V1 norm → reduce, V2 reduce → norm.</summary>
    private sealed class PatchMerging : Module<Tensor, Tensor>
    {
        private readonly Linear reduction;
        private readonly LayerNorm norm;
        private readonly bool _normAfter;

        public PatchMerging(int dim, bool v2) : base(v2 ? "PatchMergingV2" : "PatchMerging")
        {
            reduction = Linear(4 * dim, 2 * dim, hasBias: false);
            norm = LayerNorm(v2 ? 2 * dim : 4 * dim);
            _normAfter = v2;
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var (h, w) = (x.shape[^3], x.shape[^2]);
            x = functional.pad(x, [0, 0, 0, w % 2, 0, h % 2]);
            var (b, h2, w2, c) = (x.shape[0], x.shape[1] / 2, x.shape[2] / 2, x.shape[3]);
            // [B, 2i + a, 2j + b, C] → [B, i, j, (b, a), C]: the order x0, x1, x2, x3 of torchvision's concatenation.
            x = x.view(b, h2, 2, w2, 2, c).permute(0, 1, 3, 4, 2, 5).reshape(b, h2, w2, 4 * c);
            return _normAfter ? norm.call(reduction.call(x)) : reduction.call(norm.call(x));
        }
    }

    /// <summary>torchvision's ShiftedWindowAttention (V1) and ShiftedWindowAttentionV2, with their parameter and buffer names.</summary>
    private sealed class ShiftedWindowAttention : Module<Tensor, Tensor>
    {
        private readonly Linear qkv;
        private readonly Linear proj;
        private readonly Parameter? relative_position_bias_table;   // V1
        private readonly Tensor relative_position_index;
        private readonly Parameter? logit_scale;                     // V2
        private readonly Sequential? cpb_mlp;                        // V2
        private readonly Tensor? relative_coords_table;              // V2
        private readonly int _window, _shift, _heads;

        public ShiftedWindowAttention(int dim, int window, int shift, int heads, bool v2) : base(v2 ? "ShiftedWindowAttentionV2" : "ShiftedWindowAttention")
        {
            (_window, _shift, _heads) = (window, shift, heads);
            qkv = Linear(dim, 3 * dim);
            proj = Linear(dim, dim);
            var side = 2 * window - 1;
            if (v2)
            {
                logit_scale = new Parameter(full(heads, 1, 1, Math.Log(10)));
                cpb_mlp = Sequential(Linear(2, 512), ReLU(inplace: true), Linear(512, heads, hasBias: false));
                relative_coords_table = CoordinatesTable(window);
            }
            else
            {
                relative_position_bias_table = new Parameter(zeros(side * side, heads));
            }
            relative_position_index = RelativePositionIndex(window, window).flatten();
            RegisterComponents();
        }

        /// <summary>
        /// V2's log-spaced relative coordinates, [1, 2w−1, 2w−1, 2]: (Δy, Δx)/(w − 1)·8, then sign·log2(1 + |·|)/3.
        /// </summary>
        private static Tensor CoordinatesTable(int window)
        {
            var d = arange(-(window - 1), window, dtype: ScalarType.Float32) / (window - 1) * 8;
            var grid = stack(meshgrid([d, d], indexing: "ij"), -1).unsqueeze(0);
            return grid.sign() * (grid.abs() + 1).log2() / 3.0;
        }

        private Tensor RelativePositionBias()
        {
            var n = _window * _window;
            var table = cpb_mlp is null
                ? (Tensor)relative_position_bias_table!
                : cpb_mlp.call(relative_coords_table!).view(-1, _heads);
            var bias = table.index_select(0, relative_position_index).view(n, n, -1).permute(2, 0, 1).unsqueeze(0);
            return cpb_mlp is null ? bias : 16 * bias.sigmoid();
        }

        public override Tensor forward(Tensor input)
        {
            var (b, h, w, c) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3]);
            long window = _window;
            var (padRight, padBottom) = ((window - w % window) % window, (window - h % window) % window);
            var x = functional.pad(input, [0, 0, 0, padRight, 0, padBottom]);
            var (padH, padW) = (x.shape[1], x.shape[2]);
            // No shift along a side that a single window covers (torchvision resets the shift the same way).
            var shift = (H: window >= padH ? 0L : _shift, W: window >= padW ? 0L : _shift);
            var shifted = shift.H + shift.W > 0;
            if (shifted) x = x.roll([-shift.H, -shift.W], [1, 2]);
            var windows = padH / window * (padW / window);
            var tokens = window * window;
            x = x.view(b, padH / window, window, padW / window, window, c).permute(0, 1, 3, 2, 4, 5).reshape(b * windows, tokens, c);

            Tensor qkvBias = qkv.bias!;
            if (logit_scale is not null) qkvBias = cat([qkvBias.narrow(0, 0, c), zeros(c, dtype: qkvBias.dtype, device: qkvBias.device), qkvBias.narrow(0, 2 * c, c)]);
            var parts = functional.linear(x, qkv.weight!, qkvBias).reshape(x.shape[0], tokens, 3, _heads, c / _heads).permute(2, 0, 3, 1, 4);
            var (q, k, v) = (parts[0], parts[1], parts[2]);
            Tensor attention;
            if (logit_scale is not null)
            {
                attention = functional.normalize(q, dim: -1).matmul(functional.normalize(k, dim: -1).transpose(-2, -1));
                attention = attention * logit_scale.clamp_max(Math.Log(100.0)).exp();
            }
            else
            {
                attention = (q * Math.Pow(c / _heads, -0.5)).matmul(k.transpose(-2, -1));
            }
            attention = attention + RelativePositionBias();
            if (shifted)
            {
                var mask = ShiftMask(padH, padW, shift.H, shift.W, input.device);   // [windows, tokens, tokens]
                attention = (attention.view(b, windows, _heads, tokens, tokens) + mask.unsqueeze(1).unsqueeze(0))
                    .view(-1, _heads, tokens, tokens);
            }
            x = attention.softmax(-1).matmul(v).transpose(1, 2).reshape(x.shape[0], tokens, c);
            x = proj.call(x);
            x = x.view(b, padH / window, padW / window, window, window, c).permute(0, 1, 3, 2, 4, 5).reshape(b, padH, padW, c);
            if (shifted) x = x.roll([shift.H, shift.W], [1, 2]);
            return x.narrow(1, 0, h).narrow(2, 0, w).contiguous();
        }

        /// <summary>
        /// −100 between tokens of one shifted window that came from different regions of the unshifted image (the
        /// regions [0, −w), [−w, −s), [−s, end) per axis), 0 elsewhere, per window: [windows, tokens, tokens].
        /// </summary>
        private Tensor ShiftMask(long padH, long padW, long shiftH, long shiftW, Device device)
        {
            static int Region(long i, long size, long window, long shift) => i < size - window ? 0 : i < size - shift ? 1 : 2;
            var labels = new float[padH * padW];
            for (long y = 0; y < padH; y++)
            for (long x = 0; x < padW; x++)
                labels[y * padW + x] = Region(y, padH, _window, shiftH) * 3 + Region(x, padW, _window, shiftW);
            var window = (long)_window;
            var perWindow = tensor(labels, [padH / window, window, padW / window, window])
                .permute(0, 2, 1, 3).reshape(-1, window * window);
            var different = perWindow.unsqueeze(1) - perWindow.unsqueeze(2);
            return where(different != 0, -100f, 0f).to(device);
        }
    }

    /// <summary>
    /// For a window of h×w tokens, [h·w, h·w]: the row of the relative position bias table for each pair of tokens,
    /// (Δy + h − 1)·(2w − 1) + (Δx + w − 1), Δ = first − second (torchvision's index for Swin and MaxViT alike).
    /// </summary>
    internal static Tensor RelativePositionIndex(int height, int width)
    {
        var n = height * width;
        var index = new long[n * n];
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            index[i * n + j] = (i / width - j / width + height - 1) * (2 * width - 1) + (i % width - j % width + width - 1);
        return tensor(index, [n, n]);
    }
}
