using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Onnx;

/// <summary>
/// An ONNX image classifier rebuilt as TorchSharp operations, so that gradients flow through it and every CAM method
/// works on it. Each node that computes from the image is a submodule named after the ONNX node (dots become
/// underscores, as module names cannot hold them): Conv → Conv2d, BatchNormalization → BatchNorm2d, Relu → ReLU,
/// pooling → <see cref="OnnxPool"/>, everything else → <see cref="OnnxNode"/>, each run through <c>call</c> so forward
/// hooks (target layers) work. Subgraphs of constants are folded at load time; Shape-derived chains (dynamic
/// reshapes) run as small integer computations beside the graph. The input is always NCHW: a graph that takes NHWC
/// (tf2onnx) gets the image transposed before its first node.
/// </summary>
public sealed class OnnxModel : Module<Tensor, Tensor>
{
    /// <param name="FromShapes">The step computes from Shape outputs and constants only (a dynamic reshape's sizes,
    /// Swin's masks): its outputs depend on the input's shape alone.</param>
    private sealed record Step(string[] Inputs, string[] Outputs, OnnxOp Op, Module<Tensor, Tensor>? Module, int Primary, bool FromShapes);

    private readonly List<Step> _steps;
    private readonly Dictionary<string, Tensor> _constants;
    private readonly Dictionary<(string, string), Tensor> _constantsOnDevice = [];
    private readonly ShapeValueCache _shapeValues = new();

    private OnnxModel(string path, OnnxModelProto proto, OnnxValueInfo input, string output, List<Step> steps,
                      Dictionary<string, Tensor> constants, IReadOnlyList<(string Name, Module<Tensor, Tensor> Module)> layers)
        : base(Path.GetFileNameWithoutExtension(path))
    {
        (FilePath, Opset, IrVersion, Producer, InputName, OutputName) = (path, proto.Opset, proto.IrVersion, proto.Producer, input.Name, output);
        OutputNames = proto.Graph.Outputs.Select(o => o.Name).ToList();
        OutputShape = proto.Graph.Outputs.First(o => o.Name == output).Shape;
        ChannelsLast = input.Shape is { Count: 4 } s && s[3] is 1 or 3 && s[1] is not (1 or 3);
        DeclaredInputShape = input.Shape;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Files = [Path.GetFullPath(path), .. proto.Graph.Initializers.Where(t => t.IsExternal).Select(t => Path.GetFullPath(Path.Combine(folder, t.ExternalData["location"]))).Distinct()];
        (_steps, _constants) = (steps, constants);
        foreach (var (name, module) in layers) register_module(name, module);
        eval();
    }

    /// <summary>The file the model was read from.</summary>
    public string FilePath { get; }
    /// <summary>Every file the model was read from: the graph, then its external data files (what a hash of the weights must cover).</summary>
    public IReadOnlyList<string> Files { get; }

    public long Opset { get; }
    public long IrVersion { get; }
    public string Producer { get; }
    public string InputName { get; }

    /// <summary>The output this module returns (<see cref="Load"/>'s choice; default the graph's first).</summary>
    public string OutputName { get; }

    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>The chosen output's declared shape (null dimensions are symbolic); null when the graph does not say.</summary>
    public IReadOnlyList<long?>? OutputShape { get; }

    /// <summary>The graph's input shape as declared (NHWC for a channels-last graph).</summary>
    public IReadOnlyList<long?>? DeclaredInputShape { get; }

    /// <summary>The graph takes [N, H, W, C]; this module still takes [N, C, H, W] and transposes.</summary>
    public bool ChannelsLast { get; }

    /// <summary>Input channels (1 or 3 for images) as declared, else 3.</summary>
    public int InputChannels => (int)(DeclaredInputShape is { Count: 4 } s ? s[ChannelsLast ? 3 : 1] ?? 3 : 3);

    /// <summary>The fixed input size (height, width) the graph declares, or null where it leaves them open.</summary>
    public (long? Height, long? Width) InputSize =>
        DeclaredInputShape is { Count: 4 } s ? ChannelsLast ? (s[1], s[2]) : (s[2], s[3]) : (null, null);

    /// <summary>
    /// True when the output looks like class scores, [N, K] (declared, or measured on a probe input when the graph
    /// does not declare it). A feature extractor ([N, 512, 1, 1]) has none: explain it with class-free methods or
    /// similarity targets.
    /// </summary>
    public bool HasClassScores => (OutputShape?.Count ?? ProbeOutputRank()) == 2;

    /// <summary>[1, C, H, W] for the declared input size, <paramref name="fallbackSize"/> where the graph leaves it open.</summary>
    public long[] InputShape(int fallbackSize = 224)
    {
        var (h, w) = InputSize;
        return [1, InputChannels, h ?? fallbackSize, w ?? fallbackSize];
    }

    /// <summary>Whether a model name given on the command line names an ONNX file rather than a zoo architecture.</summary>
    public static bool IsOnnxPath(string? model) => model?.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>
    /// Reads <paramref name="path"/> (external data from beside it) and rebuilds its graph. <paramref name="output"/>
    /// picks one of the graph's outputs (default: the first). Errors name the file and the problem; nothing is kept
    /// from a model that fails to load.
    /// </summary>
    public static OnnxModel Load(string path, string? output = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model {path} does not exist.", path);
        var constants = new Dictionary<string, Tensor>();
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        try
        {
            using var scope = NewDisposeScope();
            var proto = OnnxModelProto.Parse(File.ReadAllBytes(path));
            var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            var model = Build(path, proto, folder, output, constants, layers);
            foreach (var c in constants.Values) c.DetachFromDisposeScope();
            return model;
        }
        catch (OnnxFormatException e)
        {
            foreach (var c in constants.Values) c.Dispose();
            foreach (var (_, m) in layers) m.Dispose();
            throw new OnnxFormatException($"ONNX model {path}: {e.Message}");
        }
    }

    private static OnnxModel Build(string path, OnnxModelProto proto, string folder, string? output,
                                   Dictionary<string, Tensor> constants, List<(string, Module<Tensor, Tensor>)> layers)
    {
        var graph = proto.Graph;
        foreach (var init in graph.Initializers) constants[init.Name] = OnnxTensors.ToTensor(init, folder);
        var inputs = graph.Inputs.Where(i => !constants.ContainsKey(i.Name)).ToList();
        if (inputs.Count != 1)
            throw new OnnxFormatException(inputs.Count == 0 ? "the graph has no input (corrupt file?)"
                : $"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); SharpCam explains models with one image input.");
        if (graph.Nodes.Count == 0) throw new OnnxFormatException("the graph has no nodes (corrupt file?)");
        var input = inputs[0];
        var data = new HashSet<string> { input.Name };      // computed from the image
        var shapes = new HashSet<string>();                 // computed from Shape nodes only (dynamic reshapes)
        var steps = new List<Step>();
        var names = new HashSet<string>();
        for (int k = 0; k < graph.Nodes.Count; k++)
        {
            var node = graph.Nodes[k];
            var label = $"{node.OpType} node '{(node.Name.Length > 0 ? node.Name : node.Outputs.FirstOrDefault())}'";
            foreach (var name in node.Inputs.Where(n => n.Length > 0))
                if (!constants.ContainsKey(name) && !data.Contains(name) && !shapes.Contains(name))
                    throw new OnnxFormatException($"{label} reads '{name}', which no earlier node, initializer or input provides " +
                                                  "(nodes out of order, or a corrupt file).");
            var op = FileError(label, "cannot be built from its attributes and constant inputs",
                               () => OnnxOps.Create(new OnnxNodeContext(node, proto.Opset, label, n => constants.GetValueOrDefault(n))));
            var primary = node.Inputs.ToList().FindIndex(data.Contains);
            if (primary < 0 && !node.Inputs.Any(shapes.Contains))
            {
                Fold(node, op, constants, label);
                continue;
            }
            var isData = primary >= 0 && node.OpType != "Shape";
            foreach (var o in node.Outputs.Where(o => o.Length > 0)) (isData ? data : shapes).Add(o);
            Module<Tensor, Tensor>? module = null;
            if (isData && (op.Layer is not null || node.Outputs.Count == 1 || node.OpType == "Dropout"))
            {
                var name = UniqueName(node, k, names);
                module = op.Layer ?? new OnnxNode(name, node.OpType, op.Function!, primary);
                layers.Add((name, module));
            }
            steps.Add(new Step(node.Inputs.ToArray(), node.Outputs.ToArray(), op, module, Math.Max(primary, 0), !isData));
        }
        var chosen = output ?? graph.Outputs.FirstOrDefault()?.Name
            ?? throw new OnnxFormatException("the graph declares no output.");
        if (!graph.Outputs.Any(o => o.Name == chosen))
            throw new OnnxFormatException($"it has no output '{chosen}'. Outputs: {string.Join(", ", graph.Outputs.Select(o => o.Name))}.");
        if (!data.Contains(chosen))
            throw new OnnxFormatException($"output '{chosen}' does not depend on the image input; pick another output.");
        return new OnnxModel(path, proto, input, chosen, steps, constants, layers);
    }

    /// <summary>
    /// Runs a step of loading that works on the file's own attributes and tensors (building an op, folding constants):
    /// when the op cannot take them (an input missing or omitted, a scalar that is not one, shapes or types that do not
    /// fit), the file is damaged, and is reported as such, naming the node.
    /// </summary>
    private static T FileError<T>(string label, string problem, Func<T> step)
    {
        try
        {
            return step();
        }
        // IndexOutOfRange: fewer inputs than the op reads; NullReference: a required input omitted (""); the others:
        // TorchSharp and libtorch refusing the tensors.
        catch (Exception e) when (e is IndexOutOfRangeException or NullReferenceException or ArgumentException
                                      or InvalidOperationException or System.Runtime.InteropServices.ExternalException)
        {
            throw new OnnxFormatException($"{label} {problem} ({e.Message.Split('\n')[0].TrimEnd()}); the file is damaged.");
        }
    }

    /// <summary>A node whose inputs are all constants: computed once now, its outputs become constants.</summary>
    private static void Fold(OnnxNodeProto node, OnnxOp op, Dictionary<string, Tensor> constants, string label)
    {
        using var noGrad = no_grad();
        var outputs = FileError(label, "cannot be computed from its constant inputs",
                                () => op.Run(node.Inputs.Select(n => n.Length > 0 ? constants[n] : null).ToArray()));
        for (int i = 0; i < outputs.Length && i < node.Outputs.Count; i++)
            if (node.Outputs[i].Length > 0) constants[node.Outputs[i]] = outputs[i];
        op.Layer?.Dispose();
    }

    /// <summary>The node's name (or first output's), with dots made underscores, unique in the model.</summary>
    private static string UniqueName(OnnxNodeProto node, int index, HashSet<string> taken)
    {
        var name = (node.Name.Length > 0 ? node.Name : node.Outputs.FirstOrDefault(o => o.Length > 0) ?? $"{node.OpType}_{index}")
            .Replace('.', '_');
        var unique = name;
        for (int n = 2; !taken.Add(unique); n++) unique = $"{name}_{n}";
        return unique;
    }

    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 4) throw new ArgumentException($"Expected an image batch [N, C, H, W]; got shape [{string.Join(", ", input.shape)}].");
        var values = new Dictionary<string, Tensor> { [InputName] = ChannelsLast ? input.permute(0, 2, 3, 1) : input };
        // Exports without constant folding compute sizes and masks from Shape nodes in thousands of tiny steps (3,000
        // in a Swin): they depend on the input's shape alone, so they run once per shape and device.
        var known = _shapeValues.Lookup(input);
        var computed = known is null ? new Dictionary<string, Tensor>() : null;
        foreach (var step in _steps)
        {
            if (step.FromShapes && known is not null)
            {
                foreach (var o in step.Outputs)
                    if (known.TryGetValue(o, out var value)) values[o] = value;
                continue;
            }
            var args = step.Inputs.Select(n => n.Length == 0 ? null : values.GetValueOrDefault(n) ?? Constant(n, input.device)).ToArray();
            Tensor[] outputs;
            try
            {
                outputs = step.Module switch
                {
                    OnnxNode node => Call(node, args, step.Primary),
                    { } layer => [layer.call(step.Op.Prepare is null ? args[0]! : step.Op.Prepare(args[0]!))],
                    null => step.Op.Run(args),
                };
            }
            catch (System.Runtime.InteropServices.ExternalException e) when (DeclaredInputShape?[0] == 1 && input.shape[0] > 1)
            {
                // torch.onnx.export without dynamic_axes writes batch 1 into the reshapes of transformer graphs
                throw new ArgumentException(
                    $"ONNX model {FilePath}: node '{step.Outputs.FirstOrDefault()}' cannot take a batch of {input.shape[0]}: the graph " +
                    "was exported for a batch of 1 and fixes it in its sizes. Use --batch-size 1, or export with " +
                    $"dynamic_axes={{'{InputName}': {{0: 'N'}}}}. (libtorch: {e.Message.Split('\n')[0]})", e);
            }
            for (int i = 0; i < outputs.Length && i < step.Outputs.Length; i++)
                if (step.Outputs[i].Length > 0)
                {
                    values[step.Outputs[i]] = outputs[i];
                    if (step.FromShapes) computed![step.Outputs[i]] = outputs[i];
                }
        }
        if (computed is not null) _shapeValues.Add(input, computed);
        return values[OutputName];
    }

    private static Tensor[] Call(OnnxNode node, Tensor?[] args, int primary)
    {
        node.Arguments = args;
        try { return [node.call(args[primary]!)]; }
        finally { node.Arguments = []; }
    }

    /// <summary>A constant on the device of the input (copied once per device and kept).</summary>
    private Tensor Constant(string name, Device device)
    {
        var value = _constants[name];
        if (value.device == device) return value;
        var key = (name, device.ToString());
        if (!_constantsOnDevice.TryGetValue(key, out var copy))
            _constantsOnDevice[key] = copy = value.to(device).DetachFromDisposeScope();
        return copy;
    }

    private int ProbeOutputRank()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (int)forward(zeros(InputShape())).dim();
    }

    /// <summary>The initializers and folded constants by ONNX name (e.g. to load the weights into another model); owned by this model.</summary>
    public IReadOnlyDictionary<string, Tensor> Constants => _constants;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var c in _constants.Values) c.Dispose();
            foreach (var c in _constantsOnDevice.Values) c.Dispose();
            _shapeValues.Dispose();
        }
        base.Dispose(disposing);
    }
}
