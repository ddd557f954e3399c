using SharpCam.Layers;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>How far back a recorded pass builds the autograd graph.</summary>
public enum GradientScope
{
    /// <summary>No backward at all (gradient-free methods).</summary>
    None,

    /// <summary>From the first target layer on: nothing before it is recorded (every gradient CAM).</summary>
    TargetLayers,

    /// <summary>From the input on, so d(score)/d(input) exists too (FullGrad, Guided Backprop).</summary>
    Input,
}

/// <summary>What one recorded pass gives back; every tensor is a plain (graph-free) handle in the caller's dispose scope.</summary>
/// <param name="Logits">The model's output, [N, K].</param>
/// <param name="Scored">What the targets score: the logits, or the output of the targets' scored layer.</param>
/// <param name="Captures">Per target layer: its output and, when a backward ran, d(score)/d(output).</param>
/// <param name="InputGradient">d(score)/d(input), [N, C, H, W], for <see cref="GradientScope.Input"/> only.</param>
public sealed record RecordedPass(Tensor Logits, Tensor Scored, IReadOnlyList<LayerCapture> Captures, Tensor? InputGradient);

/// <summary>
/// Runs a model with forward hooks on the target layers and records their outputs (and, on request, the gradients
/// of a score with respect to them). Hooks exist only inside one call and are removed in a finally block, so nothing
/// leaks between calls and the model itself is never changed.
/// </summary>
/// <remarks>
/// Speed: with <see cref="GradientScope.TargetLayers"/> the pass runs under no_grad and the first target layer's hook
/// switches recording on, so the layers before it build no autograd graph, the backward stops there, and no parameter
/// gradient is ever computed; frozen models (requires_grad = false) work the same way. Extra forwards
/// (<see cref="Forward"/>) run under inference mode.
/// </remarks>
internal sealed class ActivationRecorder
{
    private readonly Module<Tensor, Tensor> _model;
    private readonly IReadOnlyList<(string Name, Module<Tensor, Tensor> Module, ActivationLayout Layout)> _layers;

    /// <summary>Records <paramref name="layerNames"/>; each capture is a feature map in the layout the model declares (<see cref="ActivationLayouts"/>).</summary>
    public ActivationRecorder(Module<Tensor, Tensor> model, IReadOnlyList<string> layerNames)
    {
        _model = model;
        _layers = layerNames.Select(n => (n, LayerLocator.Find(model, n), ActivationLayouts.Of(model, n))).ToList();
    }

    /// <summary>
    /// Forward <paramref name="input"/> and record each target layer's output. Unless <paramref name="gradients"/> is
    /// <see cref="GradientScope.None"/>, backpropagate <paramref name="score"/>(logits, scored) to the target layers
    /// (and the input). <paramref name="scoredLayer"/> names the layer whose output the score reads instead of the
    /// logits (null: the logits).
    /// </summary>
    public RecordedPass Run(Tensor input, GradientScope gradients, string? scoredLayer, Func<Tensor, Tensor, Tensor>? score)
    {
        bool withGradients = gradients != GradientScope.None;
        if (withGradients && score is null) throw new ArgumentNullException(nameof(score), "A backward pass needs a score.");
        // Recorded tensors are kept out of every dispose scope (model forwards may dispose theirs on return) and
        // released at the end of this call; what is returned are new handles in the caller's scope.
        var kept = new Dictionary<string, Tensor>();
        Tensor? scored = null;
        Tensor? leafInput = gradients == GradientScope.Input ? input.detach().requires_grad_().DetachFromDisposeScope() : null;
        var removers = new List<Action>();
        IDisposable? recording = null;
        Tensor logits;
        try
        {
            foreach (var (name, module, _) in _layers)
            {
                var key = name;
                removers.Add(module.register_forward_hook((_, _, output) =>
                {
                    if (kept.Remove(key, out var earlier)) earlier.Dispose();   // a module called twice: the last call counts
                    if (!withGradients)
                    {
                        // A copy: an in-place op further down (ReLU(inplace)) must not change what was recorded.
                        kept[key] = output.detach().clone().DetachFromDisposeScope();
                        return null!;
                    }
                    Tensor a;
                    if (output.requires_grad)
                    {
                        // Downstream of the input or of an earlier target layer: keep the graph connected.
                        a = output.alias();
                        a.retain_grad();
                    }
                    else
                    {
                        recording ??= enable_grad();
                        a = output.detach().requires_grad_();
                    }
                    kept[key] = a.DetachFromDisposeScope();
                    // Downstream works on a copy, so in-place layers after the target cannot touch the recorded tensor.
                    return a.clone();
                }).remove);
            }
            if (scoredLayer is not null) removers.Add(HookScoredLayer(scoredLayer, t => { scored?.Dispose(); scored = t; }));
            if (withGradients) removers.Add(ConvolutionGradients.Guard(_model).Dispose);   // exact conv input gradients, this pass only
            using (leafInput is null ? no_grad() : enable_grad())
            {
                try { logits = _model.call(leafInput ?? input); }
                finally { recording?.Dispose(); }
            }
        }
        catch
        {
            scored?.Dispose();
            leafInput?.Dispose();
            foreach (var t in kept.Values) t.Dispose();
            throw;
        }
        finally
        {
            foreach (var remove in removers) remove();
        }

        try
        {
            var missing = _layers.Select(l => l.Name).Where(n => !kept.ContainsKey(n)).ToList();
            if (scoredLayer is not null && scored is null) missing.Add(scoredLayer);
            if (missing.Count > 0) throw NotRun(missing);
            var scoredTensor = scored ?? logits;
            if (!withGradients)
                return new RecordedPass(logits, scoredTensor.alias(),
                    _layers.Select(l => new LayerCapture(l.Name, l.Layout.ToFeatureMap(kept[l.Name].alias(), l.Name), null)).ToList(), null);

            Tensor total;
            using (enable_grad()) total = score!(logits, scoredTensor);   // also when the caller explains inside no_grad()
            if (!total.requires_grad)
                throw new InvalidOperationException(
                    "The target score does not depend on the target layer's output. A target that scores a layer's features " +
                    $"needs that layer ({scoredLayer ?? "the model output"}) to come after every target layer.");
            var wrt = _layers.Select(l => kept[l.Name]).ToList();
            if (leafInput is not null) wrt.Add(leafInput);
            autograd.backward(total, inputs: wrt);
            // detach() makes new handles in the caller's dispose scope and lets the graph go.
            return new RecordedPass(logits.detach(), scoredTensor.detach(),
                _layers.Select(l => new LayerCapture(l.Name, l.Layout.ToFeatureMap(kept[l.Name].detach(), l.Name),
                                                     l.Layout.ToFeatureMap(GradientOf(kept[l.Name]), l.Name))).ToList(),
                leafInput is null ? null : GradientOf(leafInput));
        }
        finally
        {
            scored?.Dispose();
            leafInput?.Dispose();
            foreach (var t in kept.Values) t.Dispose();
        }
    }

    /// <summary>
    /// One forward without gradients (inference mode), returning <paramref name="score"/> of what the targets read (the
    /// logits, or <paramref name="scoredLayer"/>'s output). With <paramref name="replacedLayer"/>, that target layer's
    /// output is replaced by <paramref name="replace"/>(output) on its way down (Ablation-CAM); it must return a tensor
    /// the model may dispose (containers such as Sequential dispose what they pass along). Both work on the feature map:
    /// a token layer's replacement is written back into its tokens, with the class token of the layer's own output.
    /// </summary>
    public Tensor Forward(Tensor input, string? scoredLayer, Func<Tensor, Tensor> score,
                          string? replacedLayer = null, Func<Tensor, Tensor>? replace = null)
    {
        Tensor? scored = null;
        var removers = new List<Action>();
        try
        {
            if (replacedLayer is not null)
            {
                var (_, module, layout) = _layers.First(l => l.Name == replacedLayer);
                removers.Add(module.register_forward_hook((_, _, output) =>
                    layout.FromFeatureMap(replace!(layout.ToFeatureMap(output, replacedLayer)), output)).remove);
            }
            if (scoredLayer is not null) removers.Add(HookScoredLayer(scoredLayer, t => { scored?.Dispose(); scored = t; }));
            Tensor result;
            using (inference_mode())
            {
                var logits = _model.call(input);
                if (scoredLayer is not null && scored is null) throw NotRun(new[] { scoredLayer });
                result = score(scored ?? logits);
            }
            // A normal tensor again: inference tensors may not enter autograd later.
            return result.clone();
        }
        finally
        {
            foreach (var remove in removers) remove();
            scored?.Dispose();
        }
    }

    /// <summary>Keeps a copy of the scored layer's output (in the graph when recording), outside every dispose scope.</summary>
    private Action HookScoredLayer(string name, Action<Tensor> keep) =>
        LayerLocator.Find(_model, name).register_forward_hook((_, _, output) =>
        {
            keep(output.clone().DetachFromDisposeScope());
            return null!;
        }).remove;

    private static Tensor GradientOf(Tensor recorded) => recorded.grad?.detach() ?? zeros_like(recorded);

    private static InvalidOperationException NotRun(IEnumerable<string> names) => new(
        $"Layer(s) {string.Join(", ", names)} did not run during the forward pass. A layer is seen only when its parent " +
        "calls it through module.call(...), not .forward(...); choose another layer (`sharpcam layers`).");
}
