using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Onnx;

/// <summary>
/// The ONNX operators SharpCam rebuilds as TorchSharp operations (default domain, opsets 7–20), each with ONNX's
/// semantics: asymmetric pads, auto_pad, count_include_pad and ceil_mode in pooling, the opset in which an attribute
/// became an input (Clip 11, Pad 11, Squeeze/Unsqueeze/Split 13, Reduce* 13/18), Softmax's 2-D coercion before 13.
/// This file dispatches and holds the convolutional-network operators; OnnxMathOps, OnnxNormalizationOps and
/// OnnxTensorOps the rest.
/// </summary>
internal static partial class OnnxOps
{
    public static readonly IReadOnlyList<string> Supported =
    [
        "Abs", "Add", "And", "AveragePool", "BatchNormalization", "Cast", "Clip", "Concat", "Constant", "ConstantOfShape",
        "Conv", "Div", "Dropout", "Einsum", "Equal", "Erf", "Exp", "Expand", "Flatten", "Gather", "Gelu", "Gemm", "GlobalAveragePool",
        "GlobalMaxPool", "Greater", "HardSigmoid", "HardSwish", "Identity", "LayerNormalization", "LeakyRelu", "Less", "Log",
        "MatMul", "MaxPool", "Mod", "Mul", "Neg", "Not", "Or", "Pad", "Pow", "Range", "Reciprocal", "ReduceL2", "ReduceMax",
        "ReduceMean", "ReduceMin", "ReduceSum", "Relu", "Reshape", "ScatterND", "Shape", "Sigmoid", "Slice", "Softmax",
        "Split", "Sqrt", "Squeeze", "Sub", "Tanh", "Tile", "Transpose", "Unsqueeze", "Where",
    ];

    public static OnnxOp Create(OnnxNodeContext c)
    {
        if (c.Node.Domain is not ("" or "ai.onnx"))
            throw new OnnxFormatException($"{c.Label}: operators of domain '{c.Node.Domain}' are not supported " +
                                          $"(only the default ONNX domain). Supported operators: {string.Join(", ", Supported)}.");
        return c.Node.OpType switch
        {
            "Conv" => Conv(c),
            "BatchNormalization" => BatchNorm(c),
            "Relu" => OnnxOp.Of(ReLU()),
            "LeakyRelu" => LeakyRelu(c.Float("alpha", 0.01f)),
            "Sigmoid" => Unary(x => x.sigmoid()),
            "HardSigmoid" => HardSigmoid(c.Float("alpha", 0.2f), c.Float("beta", 0.5f)),
            "HardSwish" => Unary(x => x * (x / 6 + 0.5).clamp(0, 1)),
            "Clip" => Clip(c),
            "Add" => OnnxOp.Of(a => a[0]! + a[1]!),
            "Sub" => OnnxOp.Of(a => a[0]! - a[1]!),
            "Mul" => OnnxOp.Of(a => a[0]! * a[1]!),
            "Div" => OnnxOp.Of(a => a[0]!.is_floating_point() ? a[0]! / a[1]! : a[0]!.div(a[1]!, RoundingMode.trunc)),
            "MaxPool" => Pool(c, max: true),
            "AveragePool" => Pool(c, max: false),
            "GlobalAveragePool" => OnnxOp.Of(new OnnxPool(c.Node.OpType, x => x.mean(SpatialDims(x), keepdim: true))),
            "GlobalMaxPool" => OnnxOp.Of(new OnnxPool(c.Node.OpType, x => x.amax(SpatialDims(x), keepdim: true))),
            "Gemm" => Gemm(c),
            "MatMul" => OnnxOp.Of(a => a[0]!.matmul(a[1]!)),
            "Flatten" => Flatten(c.Int("axis", 1)),
            "Reshape" => Reshape(c.Int("allowzero", 0) == 1),
            "Transpose" => Transpose(c.Ints("perm")),
            "Concat" => OnnxOp.Of(a => cat(a.Where(t => t is not null).Select(t => t!).ToList(), c.Int("axis", 0))),
            "Split" => Split(c),
            "Squeeze" => Squeeze(c),
            "Unsqueeze" => Unsqueeze(c),
            "ReduceMean" or "ReduceSum" or "ReduceMax" or "ReduceMin" or "ReduceL2" => Reduction(c),
            "Softmax" => Softmax(c),
            "Pad" => Pad(c),
            "Constant" => Constant(c),
            "Identity" or "Dropout" => OnnxOp.Of(a => a[0]!),
            "Shape" => Shape(c.Int("start", 0), c.HasAttribute("end") ? c.Int("end", 0) : null),
            "Gather" => Gather(c.Int("axis", 0)),
            "Cast" => Cast(c),
            "LayerNormalization" => LayerNormalization(c),
            "Pow" => Pow(),
            "Gelu" => Gelu(c),
            "Mod" => Mod(c),
            "Slice" => Slice(c),
            "ConstantOfShape" => ConstantOfShape(c),
            "Range" => Range(),
            "Expand" => Expand(),
            "Where" => Where(),
            "Tile" => Tile(),
            "ScatterND" => ScatterND(c),
            "Einsum" => Einsum(c),
            var op when UnaryMath.TryGetValue(op, out var f) => Unary(f),
            var op when Comparisons.TryGetValue(op, out var f) => OnnxOp.Of(a => f(a[0]!, a[1]!)),
            _ => throw new OnnxFormatException($"{c.Label}: operator {c.Node.OpType} is not supported. Supported operators: " +
                                               $"{string.Join(", ", Supported)}."),
        };
    }

    private static OnnxOp Unary(Func<Tensor, Tensor> f) => OnnxOp.Of(a => f(a[0]!));

    private static OnnxOp LeakyRelu(float alpha) => Unary(x => functional.leaky_relu(x, alpha));

    private static OnnxOp HardSigmoid(float alpha, float beta) => Unary(x => (x * alpha + beta).clamp(0, 1));

    private static long[] SpatialDims(Tensor x) => Enumerable.Range(2, (int)x.dim() - 2).Select(i => (long)i).ToArray();

    private static OnnxOp Clip(OnnxNodeContext c)
    {
        double min, max;
        if (c.Opset < 11) (min, max) = (c.Float("min", float.NegativeInfinity), c.Float("max", float.PositiveInfinity));
        else
        {
            min = c.HasInput(1) ? c.RequireConstant(1, "min").item<float>() : double.NegativeInfinity;
            max = c.HasInput(2) ? c.RequireConstant(2, "max").item<float>() : double.PositiveInfinity;
        }
        return Unary(x => x.clamp(min, max));
    }

    /// <summary>Conv as a Conv2d; pads it cannot express (asymmetric, auto_pad SAME_*) are applied before it.</summary>
    private static OnnxOp Conv(OnnxNodeContext c)
    {
        var weight = c.RequireConstant(1, "weight");
        if (weight.dim() != 4) throw c.Unsupported($"a {weight.dim() - 2}-D convolution (only 2-D images)");
        var bias = c.Constant(2);
        if (c.HasInput(2) && bias is null) c.RequireConstant(2, "bias");
        long[] kernel = [weight.shape[2], weight.shape[3]];
        var strides = c.Ints("strides") ?? [1, 1];
        var dilations = c.Ints("dilations") ?? [1, 1];
        var groups = c.Int("group", 1);
        var prepare = SpatialPadding(c, kernel, strides, dilations, float.NaN, out var symmetric);
        var conv = Conv2d(weight.shape[1] * groups, weight.shape[0], (kernel[0], kernel[1]), stride: (strides[0], strides[1]),
                          padding: (symmetric[0], symmetric[1]), dilation: (dilations[0], dilations[1]), groups: groups,
                          bias: bias is not null);
        using (no_grad())
        {
            conv.weight!.copy_(weight);
            conv.bias?.copy_(bias!);
        }
        return OnnxOp.Of(conv, prepare);
    }

    /// <summary>
    /// ONNX pads [h_begin, w_begin, h_end, w_end] (or auto_pad): symmetric ones are returned for the layer to apply;
    /// otherwise a step that pads with <paramref name="value"/> (NaN: zeros) and zero symmetric padding.
    /// </summary>
    private static Func<Tensor, Tensor>? SpatialPadding(OnnxNodeContext c, long[] kernel, long[] strides, long[] dilations,
                                                        float value, out long[] symmetric)
    {
        var autoPad = c.String("auto_pad", "NOTSET");
        double fill = float.IsNaN(value) ? 0 : value;
        symmetric = [0, 0];
        if (autoPad is "SAME_UPPER" or "SAME_LOWER")
        {
            var upper = autoPad == "SAME_UPPER";
            return x =>
            {
                var p = new long[4];
                for (int d = 0; d < 2; d++)
                {
                    long size = x.shape[2 + d], output = (size + strides[d] - 1) / strides[d];
                    long total = Math.Max(0, (output - 1) * strides[d] + (kernel[d] - 1) * dilations[d] + 1 - size);
                    (p[d], p[d + 2]) = upper ? (total / 2, total - total / 2) : (total - total / 2, total / 2);
                }
                return functional.pad(x, [p[1], p[3], p[0], p[2]], PaddingModes.Constant, fill);
            };
        }
        if (autoPad is not ("NOTSET" or "VALID")) throw c.Unsupported($"auto_pad {autoPad}");
        var pads = autoPad == "VALID" ? [0, 0, 0, 0] : c.Ints("pads") ?? [0, 0, 0, 0];
        if (pads.Length != 4) throw c.Unsupported($"pads of length {pads.Length}");
        if (pads[0] == pads[2] && pads[1] == pads[3])
        {
            symmetric = [pads[0], pads[1]];
            return null;
        }
        long[] torchPads = [pads[1], pads[3], pads[0], pads[2]];
        return x => functional.pad(x, torchPads, PaddingModes.Constant, fill);
    }

    private static OnnxOp BatchNorm(OnnxNodeContext c)
    {
        if (c.Opset < 9 && c.Int("spatial", 1) != 1) throw c.Unsupported("BatchNormalization with spatial=0");
        if (c.Int("training_mode", 0) != 0) throw c.Unsupported("BatchNormalization in training mode");
        var scale = c.RequireConstant(1, "scale");
        var bn = BatchNorm2d(scale.shape[0], eps: c.Float("epsilon", 1e-5f));
        using (no_grad())
        {
            bn.weight!.copy_(scale);
            bn.bias!.copy_(c.RequireConstant(2, "bias"));
            bn.running_mean!.copy_(c.RequireConstant(3, "mean"));
            bn.running_var!.copy_(c.RequireConstant(4, "variance"));
        }
        bn.eval();
        return OnnxOp.Of(bn);
    }

    /// <summary>
    /// MaxPool and AveragePool. Padding is applied first (−∞ for max, zeros for average); an average is then the
    /// window sum of the padded input over the window count of a mask that is 1 where ONNX counts an element (input
    /// only, or input and pads with count_include_pad=1), so windows that ceil_mode lets run past the end divide by
    /// what they cover, as ONNX Runtime does.
    /// </summary>
    private static OnnxOp Pool(OnnxNodeContext c, bool max)
    {
        var kernel = c.Ints("kernel_shape") ?? throw c.Unsupported("pooling without kernel_shape");
        if (kernel.Length != 2) throw c.Unsupported($"{kernel.Length}-D pooling (only 2-D images)");
        var strides = c.Ints("strides") ?? [1, 1];
        var dilations = c.Ints("dilations") ?? [1, 1];
        var ceil = c.Int("ceil_mode", 0) == 1;
        if (!max && dilations.Any(d => d != 1)) throw c.Unsupported("AveragePool with dilations");
        if (max && c.Node.Outputs.Count > 1) throw c.Unsupported("MaxPool's Indices output");
        var pad = SpatialPadding(c, kernel, strides, dilations, max ? float.NegativeInfinity : 0, out var symmetric);
        Func<Tensor, Tensor> padded = pad ?? (symmetric.Any(p => p != 0)
            ? x => functional.pad(x, [symmetric[1], symmetric[1], symmetric[0], symmetric[0]], PaddingModes.Constant,
                                  max ? double.NegativeInfinity : 0)
            : x => x);
        if (max)
            return OnnxOp.Of(new OnnxPool(c.Node.OpType, x => functional.max_pool2d(padded(x), kernel, strides, [0, 0], dilations, ceil)));
        var includePad = c.Int("count_include_pad", 0) == 1;
        return OnnxOp.Of(new OnnxPool(c.Node.OpType, x =>
        {
            var sums = functional.avg_pool2d(padded(x), kernel, strides, [0, 0], ceil);
            var real = ones(1, 1, x.shape[2], x.shape[3], dtype: x.dtype, device: x.device);
            var mask = includePad ? padded(real).fill_(1) : padded(real);
            return sums / functional.avg_pool2d(mask, kernel, strides, [0, 0], ceil);
        }));
    }

    private static OnnxOp Gemm(OnnxNodeContext c)
    {
        var (alpha, beta) = (c.Float("alpha", 1), c.Float("beta", 1));
        var (transA, transB) = (c.Int("transA", 0) == 1, c.Int("transB", 0) == 1);
        return OnnxOp.Of(a =>
        {
            var x = transA ? a[0]!.t() : a[0]!;
            var y = x.matmul(transB ? a[1]!.t() : a[1]!);
            if (alpha != 1) y *= alpha;
            return a.Length > 2 && a[2] is { } bias ? y + (beta == 1 ? bias : bias * beta) : y;
        });
    }

    private static OnnxOp Flatten(long axis) => OnnxOp.Of(a =>
    {
        var x = a[0]!;
        var at = axis < 0 ? axis + x.dim() : axis;
        var outer = x.shape.Take((int)at).Aggregate(1L, (p, d) => p * d);
        return x.reshape(outer, -1);
    });

    /// <summary>Reshape to a shape known at load time or computed from Shape nodes; 0 copies a dimension unless allowzero.</summary>
    private static OnnxOp Reshape(bool allowZero) => OnnxOp.Of(a =>
    {
        var x = a[0]!;
        var shape = Ints(a[1]!);
        for (int i = 0; i < shape.Length; i++)
            if (shape[i] == 0 && !allowZero) shape[i] = x.shape[i];
        return x.reshape(shape);
    });

    private static long[] Ints(Tensor t) => t.cpu().to(ScalarType.Int64).data<long>().ToArray();

    private static OnnxOp Transpose(long[]? perm) => OnnxOp.Of(a =>
        a[0]!.permute(perm ?? Enumerable.Range(0, (int)a[0]!.dim()).Reverse().Select(i => (long)i).ToArray()));

    private static OnnxOp Split(OnnxNodeContext c)
    {
        var axis = c.Int("axis", 0);
        var sizes = c.Opset < 13 ? c.Ints("split") is { Length: > 0 } s ? s : null : c.ConstantInts(1, "split");
        var parts = c.Node.Outputs.Count;
        return OnnxOp.Many(a =>
        {
            var x = a[0]!;
            var dim = axis < 0 ? axis + x.dim() : axis;
            if (sizes is not null) return x.split(sizes, dim);
            var size = (x.shape[dim] + parts - 1) / parts;   // equal parts, the last one smaller if it must be (opset 18)
            return x.split(size, dim);
        });
    }

    private static long[]? Axes(OnnxNodeContext c, long inputSince) =>
        c.Opset < inputSince ? c.Ints("axes") : c.ConstantInts(1, "axes");

    private static OnnxOp Squeeze(OnnxNodeContext c)
    {
        var axes = Axes(c, 13);
        return OnnxOp.Of(a =>
        {
            var x = a[0]!;
            var dims = axes is { Length: > 0 }
                ? axes.Select(d => d < 0 ? d + x.dim() : d).ToHashSet()
                : Enumerable.Range(0, (int)x.dim()).Where(d => x.shape[d] == 1).Select(d => (long)d).ToHashSet();
            return x.reshape(x.shape.Where((_, i) => !dims.Contains(i)).ToArray());
        });
    }

    private static OnnxOp Unsqueeze(OnnxNodeContext c)
    {
        var axes = Axes(c, 13) ?? throw c.Unsupported("Unsqueeze without axes");
        return OnnxOp.Of(a =>
        {
            var x = a[0]!;
            var rank = x.dim() + axes.Length;
            var shape = x.shape.ToList();
            foreach (var axis in axes.Select(d => d < 0 ? d + rank : d).Order()) shape.Insert((int)axis, 1);
            return x.reshape(shape.ToArray());
        });
    }

    /// <summary>Softmax; before opset 13 the input is read as 2-D [prod(dims before axis), prod(the rest)].</summary>
    private static OnnxOp Softmax(OnnxNodeContext c)
    {
        var legacy = c.Opset < 13;
        var axis = c.Int("axis", legacy ? 1 : -1);
        return OnnxOp.Of(a =>
        {
            var x = a[0]!;
            var at = axis < 0 ? axis + x.dim() : axis;
            if (!legacy) return x.softmax(at);
            var outer = x.shape.Take((int)at).Aggregate(1L, (p, d) => p * d);
            return x.reshape(outer, -1).softmax(1).reshape(x.shape);
        });
    }

    /// <summary>Pad: ONNX pads [x1_begin, x2_begin, …, x1_end, x2_end, …] → torch's last-dimension-first pairs.</summary>
    private static OnnxOp Pad(OnnxNodeContext c)
    {
        var mode = c.String("mode", "constant");
        var paddingMode = mode switch
        {
            "constant" => PaddingModes.Constant, "reflect" => PaddingModes.Reflect, "edge" => PaddingModes.Replicate,
            _ => throw c.Unsupported($"Pad mode {mode}"),
        };
        long[]? pads;
        double value;
        if (c.Opset < 11) (pads, value) = (c.Ints("pads") ?? [], c.Float("value", 0));
        else
        {
            if (c.HasInput(3)) throw c.Unsupported("Pad with an axes input");
            // Swin pads its windows by sizes computed from Shape nodes: those pads are read when the graph runs
            pads = c.Constant(1) is { } constant ? Ints(constant) : null;
            value = c.HasInput(2) ? c.RequireConstant(2, "constant_value").item<float>() : 0;
        }
        var fixedPads = pads is null ? null : TorchPads(pads);
        return OnnxOp.Of(a => functional.pad(a[0]!, fixedPads ?? TorchPads(Ints(a[1]!)), paddingMode, value));
    }

    /// <summary>ONNX pads [x1_begin, x2_begin, …, x1_end, x2_end, …] → torch's last-dimension-first pairs, trailing zeros dropped.</summary>
    private static long[] TorchPads(long[] pads)
    {
        var rank = pads.Length / 2;
        var torchPads = new List<long>();
        for (int d = rank - 1; d >= 0; d--) torchPads.AddRange([pads[d], pads[d + rank]]);
        while (torchPads.Count > 2 && torchPads[^1] == 0 && torchPads[^2] == 0) torchPads.RemoveRange(torchPads.Count - 2, 2);
        return torchPads.ToArray();
    }

    private static OnnxOp Constant(OnnxNodeContext c)
    {
        Tensor value = c.Attribute("value")?.T is { } t ? OnnxTensors.ToTensor(t, ".")
            : c.Attribute("value_float")?.F is { } f ? tensor(f)
            : c.Attribute("value_floats") is { } fs ? tensor(fs.Floats.ToArray())
            : c.Attribute("value_int")?.I is { } i ? tensor(i)
            : c.Attribute("value_ints") is { } ints ? tensor(ints.Ints.ToArray())
            : throw c.Unsupported("a Constant without a numeric value");
        return OnnxOp.Of(_ => value);
    }

    private static OnnxOp Shape(long start, long? end) => OnnxOp.Of(a =>
    {
        var shape = a[0]!.shape;
        long from = start < 0 ? start + shape.Length : start, to = end is { } e ? e < 0 ? e + shape.Length : e : shape.Length;
        return tensor(shape[(int)Math.Clamp(from, 0, shape.Length)..(int)Math.Clamp(to, 0, shape.Length)]);
    });

    private static OnnxOp Gather(long axis) => OnnxOp.Of(a =>
    {
        var (x, indices) = (a[0]!, a[1]!.to(ScalarType.Int64).to(a[0]!.device));
        var dim = axis < 0 ? axis + x.dim() : axis;
        var flat = indices.flatten();
        flat = where(flat < 0, flat + x.shape[dim], flat);
        var shape = x.shape.Take((int)dim).Concat(indices.shape).Concat(x.shape.Skip((int)dim + 1)).ToArray();
        return x.index_select(dim, flat).reshape(shape);
    });

    private static OnnxOp Cast(OnnxNodeContext c)
    {
        var to = (int)c.Int("to", OnnxTensorProto.Float);
        ScalarType type = to switch
        {
            OnnxTensorProto.Float or OnnxTensorProto.Double => ScalarType.Float32,
            OnnxTensorProto.Int64 or OnnxTensorProto.Int32 => ScalarType.Int64,
            OnnxTensorProto.Bool => ScalarType.Bool,
            _ => throw c.Unsupported($"Cast to {OnnxTensors.TypeName(to)}"),
        };
        return Unary(x => x.to(type));
    }
}
