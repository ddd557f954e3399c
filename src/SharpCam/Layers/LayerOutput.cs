using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Layers;

/// <summary>One layer's output for an input, without gradients (a reference image's features, say).</summary>
public static class LayerOutput
{
    /// <summary>
    /// The output of <paramref name="layer"/> (null: the model's own output) for <paramref name="input"/>, computed under
    /// inference mode and returned as a normal tensor in the caller's dispose scope. The hook lives for this call only.
    /// </summary>
    public static Tensor Of(Module<Tensor, Tensor> model, Tensor input, string? layer)
    {
        Tensor? kept = null;
        Action? remove = layer is null ? null : LayerLocator.Find(model, layer).register_forward_hook((_, _, output) =>
        {
            kept?.Dispose();   // a module called twice: the last call counts
            kept = output.clone().DetachFromDisposeScope();
            return null!;
        }).remove;
        try
        {
            Tensor logits;
            using (inference_mode()) logits = model.call(input);
            if (layer is not null && kept is null)
                throw new InvalidOperationException($"Layer {layer} did not run during the forward pass. A layer is seen only when its " +
                                                    "parent calls it through module.call(...), not .forward(...); choose another layer.");
            // Cloned outside inference mode: a normal tensor again, as inference tensors may not enter autograd later.
            return (kept ?? logits).clone();
        }
        finally
        {
            remove?.Invoke();
            kept?.Dispose();
        }
    }
}
