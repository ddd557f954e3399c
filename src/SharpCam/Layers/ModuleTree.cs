using static TorchSharp.torch.nn;

namespace SharpCam.Layers;

/// <summary>Walks a model's named modules the way PyTorch's named_modules() does.</summary>
public static class ModuleTree
{
    /// <summary>
    /// Every descendant module with its dotted name, depth-first in definition order (`features`, `features.0`, …,
    /// `avgpool`, `classifier`, …), as PyTorch lists them. TorchSharp's named_modules() yields each level's children
    /// before their descendants instead.
    /// </summary>
    public static IEnumerable<(string Name, Module Module)> DepthFirst(Module model)
    {
        foreach (var (name, child) in model.named_children())
        {
            yield return (name, child);
            foreach (var (below, module) in DepthFirst(child))
                yield return ($"{name}.{below}", module);
        }
    }
}
