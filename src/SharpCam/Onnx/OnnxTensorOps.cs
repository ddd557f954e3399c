using static TorchSharp.torch;

namespace SharpCam.Onnx;

/// <summary>
/// Operators that index, build and broadcast tensors, as transformer exports use them in shape computations and for
/// class tokens, windows and masks: Slice (negative starts, ends and steps, clamped as ONNX defines), ConstantOfShape,
/// Range, Expand (two-way broadcasting), Where, Tile, ScatterND and Einsum. Their index inputs may be computed from
/// Shape nodes while the graph runs, so they are read at run time.
/// </summary>
internal static partial class OnnxOps
{
    /// <summary>Slice: starts, ends, axes, steps inputs (attributes before opset 10, without steps).</summary>
    private static OnnxOp Slice(OnnxNodeContext c)
    {
        var legacy = c.Opset < 10;
        var (attrStarts, attrEnds, attrAxes) = (c.Ints("starts"), c.Ints("ends"), c.Ints("axes"));
        return OnnxOp.Of(a =>
        {
            var x = a[0]!;
            var starts = legacy ? attrStarts! : Ints(a[1]!);
            var ends = legacy ? attrEnds! : Ints(a[2]!);
            var axes = legacy ? attrAxes : a.Length > 3 && a[3] is { } ax ? Ints(ax) : null;
            var steps = !legacy && a.Length > 4 && a[4] is { } st ? Ints(st) : null;
            for (int i = 0; i < starts.Length; i++)
            {
                var dim = axes is null ? i : axes[i] < 0 ? axes[i] + x.dim() : axes[i];
                x = SliceAxis(x, dim, starts[i], ends[i], steps?[i] ?? 1);
            }
            return x;
        });
    }

    /// <summary>
    /// One axis of a Slice. Negative starts and ends count from the end; then they are clamped to [0, size] for a
    /// positive step and to [0, size − 1] / [−1, size − 1] for a negative one (so an end of INT_MIN reaches the start).
    /// </summary>
    private static Tensor SliceAxis(Tensor x, long dim, long start, long end, long step)
    {
        if (step == 0) throw new OnnxFormatException("a Slice step is 0.");
        var size = x.shape[dim];
        if (start < 0) start += size;
        if (end < 0) end += size;
        if (step > 0)
        {
            start = Math.Clamp(start, 0, size);
            end = Math.Clamp(end, 0, size);
            if (start == 0 && end == size && step == 1) return x;
            return end <= start ? x.narrow(dim, 0, 0) : x.slice(dim, start, end, step);
        }
        start = Math.Clamp(start, 0, size - 1);
        end = Math.Clamp(end, -1, size - 1);
        if (start <= end) return x.narrow(dim, 0, 0);
        return x.index_select(dim, arange(start, end, step, ScalarType.Int64, x.device));
    }

    /// <summary>ConstantOfShape: the attribute's one value (default float 0) in its own type, in the given shape.</summary>
    private static OnnxOp ConstantOfShape(OnnxNodeContext c)
    {
        // kept as a number and a type: a tensor made now would belong to the load's dispose scope
        var (fill, type) = (0.0, ScalarType.Float32);
        if (c.Attribute("value")?.T is { } t)
        {
            using var value = OnnxTensors.ToTensor(t, ".");
            if (value.numel() != 1) throw c.Unsupported($"a ConstantOfShape value of {value.numel()} elements");
            (fill, type) = (value.to(ScalarType.Float64).item<double>(), value.dtype);
        }
        return OnnxOp.Of(a => full(Ints(a[0]!), fill, type));
    }

    /// <summary>Range: start, start + delta, … up to limit (exclusive), in the inputs' type.</summary>
    private static OnnxOp Range() => OnnxOp.Of(a =>
    {
        if (a[0]!.is_floating_point())
            return arange(a[0]!.item<float>(), a[1]!.item<float>(), a[2]!.item<float>(), ScalarType.Float32);
        return arange(a[0]!.item<long>(), a[1]!.item<long>(), a[2]!.item<long>(), ScalarType.Int64);
    });

    /// <summary>Expand: broadcast the input and the shape against each other (a 1 in the shape keeps the input's size).</summary>
    private static OnnxOp Expand() => OnnxOp.Of(a =>
    {
        var x = a[0]!;
        var shape = Ints(a[1]!);
        var rank = Math.Max(x.dim(), shape.Length);
        var target = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            long dx = i - (rank - x.dim()) is var j && j >= 0 ? x.shape[j] : 1;
            long ds = i - (rank - shape.Length) is var k && k >= 0 ? shape[k] : 1;
            if (dx != ds && dx != 1 && ds != 1)
                throw new OnnxFormatException($"Expand cannot broadcast [{string.Join(", ", x.shape)}] to [{string.Join(", ", shape)}].");
            target[i] = dx == 1 ? ds : dx;
        }
        return x.expand(target);
    });

    private static OnnxOp Where() => OnnxOp.Of(a => where(a[0]!.to(ScalarType.Bool), a[1]!, a[2]!.to(a[1]!.dtype)));

    private static OnnxOp Tile() => OnnxOp.Of(a => a[0]!.repeat(Ints(a[1]!)));

    /// <summary>
    /// ScatterND without reduction: a copy of data where each index tuple (the last dimension of indices) takes the
    /// matching slice of updates.
    /// </summary>
    private static OnnxOp ScatterND(OnnxNodeContext c)
    {
        var reduction = c.String("reduction", "none");
        if (reduction != "none") throw c.Unsupported($"ScatterND with reduction '{reduction}'");
        return OnnxOp.Of(a =>
        {
            var (data, indices, updates) = (a[0]!, a[1]!.to(ScalarType.Int64), a[2]!);
            var k = indices.shape[^1];
            var flat = indices.reshape(-1, k);
            var columns = Enumerable.Range(0, (int)k).Select(i =>
            {
                var column = flat[.., i].to(data.device);
                return TensorIndex.Tensor(where(column < 0, column + data.shape[i], column));   // negative: from the end
            }).ToArray();
            var values = updates.reshape([flat.shape[0], .. data.shape.Skip((int)k)]).to(data.dtype);
            return data.clone().index_put_(values, columns);
        });
    }

    private static OnnxOp Einsum(OnnxNodeContext c)
    {
        var equation = c.String("equation", "");
        return OnnxOp.Of(a => einsum(equation, a.Select(t => t!).ToArray()));
    }
}
