using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Layers;

/// <summary>
/// One named module of a model, with the shape of its output for a given input (when measured) and the feature map
/// [N, C, h, w] a CAM sees there (the output rearranged by the layout the model declares; null when it has none).
/// </summary>
public sealed record LayerInfo(string Name, string Type, long[]? OutputShape, long Parameters, long[]? FeatureMapShape = null);

/// <summary>Finds target layers by PyTorch dotted name (`conv.4`, `features.29`, `layer4`) and lists them.</summary>
public static class LayerLocator
{
    /// <summary>The module at a dotted name. Unknown names fail with the list of names that exist, in PyTorch's order.</summary>
    public static Module<Tensor, Tensor> Find(Module model, string name)
    {
        foreach (var (n, m) in ModuleTree.DepthFirst(model))
        {
            if (n != name) continue;
            return m as Module<Tensor, Tensor> ?? throw new ArgumentException(
                $"Layer '{name}' ({m.GetType().Name}) does not map one tensor to one tensor, so it cannot be a target layer.");
        }
        throw new UnknownLayerException(name, ModuleTree.DepthFirst(model).Select(m => m.Name).ToList());
    }

    /// <summary>
    /// Every named module in PyTorch's named_modules() order (<see cref="ModuleTree.DepthFirst"/>), with its output
    /// shape for an input of <paramref name="inputShape"/> (one forward on zeros, no gradients). Modules not reached
    /// through <c>call</c> keep a null shape.
    /// </summary>
    public static IReadOnlyList<LayerInfo> List(Module model, long[] inputShape, Device? device = null)
    {
        var shapes = Trace(model, inputShape, device).GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.Last().Shape);
        return ModuleTree.DepthFirst(model)
            .Select(m => new LayerInfo(m.Name, m.Module.GetType().Name, shapes.GetValueOrDefault(m.Name),
                                       m.Module.parameters(false).Sum(p => p.numel()),
                                       shapes.TryGetValue(m.Name, out var shape) ? FeatureMapShape(model, m.Name, shape) : null))
            .ToList();
    }

    /// <summary>The [N, C, h, w] a CAM sees at a layer with output <paramref name="shape"/>; null when there is no image grid.</summary>
    private static long[]? FeatureMapShape(Module model, string name, long[] shape)
    {
        using var scope = NewDisposeScope();
        try
        {
            var map = ActivationLayouts.Of(model, name).ToFeatureMap(empty(shape, device: META), name);
            return map.dim() == 4 ? map.shape : null;
        }
        catch (ArgumentException)
        {
            return null;   // declared not spatial, or not the declared layout
        }
    }

    /// <summary>
    /// The automatic target layer: the last leaf module with a spatial output (4-D, H and W &gt; 1) that is not a
    /// pooling layer, as the notebook picks the last conv layer before max-pooling (LeNet `conv.4`, VGG-16
    /// `features.29`). Containers that end with that leaf and return its output are preferred to it, so ResNet gives
    /// `layer4` rather than `layer4.1.relu2`.
    /// </summary>
    public static string DefaultLayer(Module model, long[] inputShape, Device? device = null)
    {
        var containers = ModuleTree.DepthFirst(model).Where(m => m.Module.named_children().Any()).Select(m => m.Name).ToHashSet();
        var fired = Trace(model, inputShape, device);
        int chosen = -1;
        for (int i = 0; i < fired.Count; i++)
        {
            var (name, type, shape) = fired[i];
            if (!containers.Contains(name) && shape is { Length: 4 } && shape[2] > 1 && shape[3] > 1
                && !type.Contains("Pool", StringComparison.Ordinal))
                chosen = i;
        }
        if (chosen < 0)
            throw new ArgumentException(
                "No layer of this model has a spatial (4-D) output, so no default target layer can be chosen; name the target layers.", "Layers");
        // Post-hooks fire innermost first: the containers that return the chosen leaf's output fire right after it.
        var result = fired[chosen].Name;
        for (int i = chosen + 1; i < fired.Count && containers.Contains(fired[i].Name)
             && result.StartsWith(fired[i].Name + ".", StringComparison.Ordinal)
             && fired[i].Shape.SequenceEqual(fired[chosen].Shape); i++)
            result = fired[i].Name;
        return result;
    }

    /// <summary>
    /// Fails unless a target layer's output <paramref name="outputShape"/> is a feature map [N, C, h, w], the only
    /// thing a CAM can weigh by channel; the error names the layer and lists the layers that do give one for an input
    /// of <paramref name="inputShape"/>.
    /// </summary>
    public static void RequireFeatureMap(Module model, string name, long[] outputShape, long[] inputShape, Device? device = null)
    {
        if (outputShape.Length == 4) return;
        var suitable = List(model, [1, .. inputShape[1..]], device).Where(l => l.FeatureMapShape is not null).Select(l => l.Name).ToList();
        throw new UnsuitableLayerException(name, Find(model, name).GetType().Name, outputShape, suitable);
    }

    /// <summary>The modules that ran, in the order their forward hooks fired (innermost first), with output shapes.</summary>
    private static List<(string Name, string Type, long[] Shape)> Trace(Module model, long[] inputShape, Device? device)
    {
        var forward = model as Module<Tensor, Tensor>
            ?? throw new ArgumentException("The model must map one tensor to one tensor.");
        var fired = new List<(string, string, long[])>();
        var removers = new List<Action>();
        try
        {
            foreach (var (name, module) in ModuleTree.DepthFirst(model))
            {
                if (module is not Module<Tensor, Tensor> tensorModule) continue;
                var (key, type) = (name, module.GetType().Name);
                removers.Add(tensorModule.register_forward_hook((_, _, output) =>
                {
                    fired.Add((key, type, output.shape));
                    return output;   // unchanged
                }).remove);
            }
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            forward.call(zeros(inputShape, device: device));
        }
        finally
        {
            foreach (var remove in removers) remove();
        }
        return fired;
    }
}

/// <summary>A target layer name that the model does not have; the message lists the names it has.</summary>
public sealed class UnknownLayerException(string name, IReadOnlyList<string> available)
    : ArgumentException($"The model has no layer named '{name}'. Layers: {string.Join(", ", available)}. " +
                        "Run `sharpcam layers` to see them with their output shapes.")
{
    public string LayerName { get; } = name;
    public IReadOnlyList<string> Available { get; } = available;
}

/// <summary>A target layer whose output is not a feature map [N, C, h, w] (a Linear layer, a flatten); the message lists suitable ones.</summary>
public sealed class UnsuitableLayerException(string name, string type, long[] outputShape, IReadOnlyList<string> suitable)
    : ArgumentException($"Layer '{name}' ({type}) outputs [{string.Join(", ", outputShape)}], not a feature map [N, C, h, w], so no " +
                        $"CAM can be made there. Layers with feature maps: {string.Join(", ", suitable)} (`sharpcam layers` shows their shapes).")
{
    public string LayerName { get; } = name;
    public IReadOnlyList<string> Suitable { get; } = suitable;
}
