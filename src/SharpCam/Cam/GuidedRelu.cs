using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Guided Backprop's ReLU backward, installed for one pass without changing the model: a forward hook on every ReLU
/// module passes its output y through <see cref="GuidedReluFunction"/>, an identity whose backward keeps only
/// positive gradients (ReLU of the gradient). Composed with the ReLU's own backward (grad · [x &gt; 0], and y &gt; 0 ⇔ x &gt; 0)
/// this is exactly pytorch-grad-cam's GuidedBackpropReLU: grad_in = grad_out · [x &gt; 0] · [grad_out &gt; 0]. It works for
/// in-place ReLUs too: it saves nothing.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 has no tensor backward hooks (Tensor.register_hook) and no module backward hooks, but it has
/// custom autograd functions (autograd.SingleTensorFunction); pytorch-grad-cam instead swaps the ReLU modules in
/// place. Like the library, only ReLU *modules* are guided: ReLUs applied functionally inside a forward (e.g. the
/// block-final relu_ of TorchVision's ResNet blocks in TorchSharp) keep their ordinary backward.
/// </remarks>
internal static class GuidedRelu
{
    /// <summary>Hooks every ReLU module of <paramref name="model"/>; disposing removes the hooks again.</summary>
    public static IDisposable Install(Module model)
    {
        var removers = model.modules().OfType<TorchSharp.Modules.ReLU>()
            .Select(relu => (Action)relu.register_forward_hook((_, _, output) => GuidedReluFunction.apply(output)).remove)
            .ToList();
        return new Removal(removers);
    }

    private sealed class Removal(List<Action> removers) : IDisposable
    {
        public void Dispose()
        {
            foreach (var remove in removers) remove();
            removers.Clear();
        }
    }
}

/// <summary>
/// Identity forward; backward ReLU(grad_out). The [y &gt; 0] factor is the hooked ReLU's own backward, which runs next,
/// so nothing is saved and the backward is one op (the output is a copy: a view could not be changed in place downstream).
/// </summary>
internal sealed class GuidedReluFunction : autograd.SingleTensorFunction<GuidedReluFunction>
{
    public override string Name => "GuidedReLU";

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars) => ((Tensor)vars[0]).clone();

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) => [grad_output.relu()];
}
