using SharpCam.Layers;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Runs a model once with forward hooks on the target layers and records their outputs (and, on request, the
/// gradients of a score with respect to them). Hooks exist only inside one call and are removed in a finally block,
/// so nothing leaks between calls and the model itself is never changed.
/// </summary>
/// <remarks>
/// Speed: the pass runs under no_grad, and the first target layer's hook switches gradient recording on. So the
/// layers before the target build no autograd graph, the backward stops at the target layer, and no parameter
/// gradient is ever computed; frozen models (requires_grad = false) work the same way.
/// </remarks>
internal sealed class ActivationRecorder
{
    private readonly Module<Tensor, Tensor> _model;
    private readonly IReadOnlyList<(string Name, Module<Tensor, Tensor> Module)> _layers;

    public ActivationRecorder(Module<Tensor, Tensor> model, IReadOnlyList<string> layerNames)
    {
        _model = model;
        _layers = layerNames.Select(n => (n, LayerLocator.Find(model, n))).ToList();
    }

    /// <summary>
    /// Forward <paramref name="input"/>; record each target layer's output; if <paramref name="score"/> is given,
    /// backpropagate the score it computes from the logits down to the target layers only.
    /// Returned tensors belong to the caller's dispose scope.
    /// </summary>
    public (Tensor Logits, List<LayerCapture> Captures) Run(Tensor input, Func<Tensor, Tensor>? score)
    {
        bool withGradients = score is not null;
        // Recorded tensors are kept out of every dispose scope (model forwards may dispose theirs on return) and
        // released at the end of this call; what is returned are new handles in the caller's scope.
        var kept = new Dictionary<string, Tensor>();
        var removers = new List<Action>();
        IDisposable? recording = null;
        Tensor logits;
        try
        {
            foreach (var (name, module) in _layers)
            {
                var key = name;
                removers.Add(module.register_forward_hook((_, _, output) =>
                {
                    if (kept.Remove(key, out var earlier)) earlier.Dispose();   // a module called twice: the last call counts
                    if (!withGradients)
                    {
                        // A copy: an in-place op further down (ReLU(inplace)) must not change what was recorded.
                        kept[key] = output.detach().clone().DetachFromDisposeScope();
                        return null;
                    }
                    Tensor a;
                    if (output.requires_grad)
                    {
                        // A later target layer: already downstream of an earlier one, keep the graph connected.
                        a = output.alias();
                        a.retain_grad();
                    }
                    else
                    {
                        recording ??= enable_grad();
                        a = output.detach().requires_grad_();
                    }
                    kept[key] = a.DetachFromDisposeScope();
                    // Downstream works on a copy, so in-place layers after the target cannot touch the recorded leaf.
                    return a.clone();
                }).remove);
            }
            using (no_grad())
            {
                try { logits = _model.call(input); }
                finally { recording?.Dispose(); }
            }
        }
        finally
        {
            foreach (var remove in removers) remove();
        }

        try
        {
            var missing = _layers.Select(l => l.Name).Where(n => !kept.ContainsKey(n)).ToList();
            if (missing.Count > 0)
                throw new InvalidOperationException(
                    $"Target layer(s) {string.Join(", ", missing)} did not run during the forward pass. A layer is seen only " +
                    "when its parent calls it through module.call(...), not .forward(...); choose another layer (`sharpcam layers`).");
            if (score is null)
                return (logits, _layers.Select(l => new LayerCapture(l.Name, kept[l.Name].alias(), null)).ToList());

            var total = score(logits);
            if (!total.requires_grad)
                throw new InvalidOperationException("The target score does not depend on the target layer's output.");
            autograd.backward(total, inputs: _layers.Select(l => kept[l.Name]).ToList());
            // detach() makes new handles in the caller's dispose scope and lets the graph go.
            return (logits.detach(), _layers.Select(l => new LayerCapture(l.Name, kept[l.Name].detach(),
                kept[l.Name].grad?.detach() ?? zeros_like(kept[l.Name]))).ToList());
        }
        finally
        {
            foreach (var t in kept.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Forward <paramref name="input"/> with one target layer's output replaced by <paramref name="replace"/>
    /// (no gradients). Ablation-CAM uses it to run the rest of the network on a modified activation.
    /// </summary>
    public Tensor RunReplacing(Tensor input, string layerName, Func<Tensor, Tensor> replace)
    {
        var module = _layers.First(l => l.Name == layerName).Module;
        var remover = module.register_forward_hook((_, _, output) => replace(output));
        try
        {
            using (no_grad()) return _model.call(input);
        }
        finally
        {
            remover.remove();
        }
    }
}
