using System.Runtime.InteropServices;
using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Cam;

/// <summary>
/// Ablation-CAM (Desai &amp; Ramaswamy, 2020), as pytorch-grad-cam computes it: s = the target's score; s_c = the score
/// with channel c of the target layer's output set to the ablation value; w_c = (s − s_c) / s. Note the division by
/// s itself: when s &lt; 0 the weights change sign, as in the library. Gradient-free.
/// </summary>
/// <remarks>
/// The ablation value is 0 when the image's activations have minimum 0 (any layer after a ReLU), otherwise
/// min(A) − 1e7, the library's rule (the library lowers it by a further 1e7 for every earlier row of a batch, an
/// artefact of reusing its buffer, which we do not copy).
/// Speed: the library forwards the image once per ablated channel. Here one forward carries
/// <see cref="CamOptions.BatchSize"/> ablated copies: the layers before the target run once on the single image, and
/// the target layer's hook widens its output to the batch of ablated copies, so only the layers after the target run
/// per channel. Models whose forward ties a later tensor to the input's batch size cannot be widened; for them each
/// batch falls back to repeating the input.
/// </remarks>
[CamRegistration("ablationcam", "Ablation-CAM: channels weighted by the relative score drop when each is zeroed (gradient-free)", Order = 10)]
public sealed class AblationCam(Module<Tensor, Tensor> model, IReadOnlyList<string>? targetLayers = null, CamOptions? options = null)
    : ChannelCamMethod(model, targetLayers, options)
{
    private bool _repeatInput;

    protected override bool UsesGradients => false;

    protected override Tensor ChannelContributions(CamPass pass, LayerCapture layer)
    {
        var a = layer.Activations;
        var (n, c) = (a.shape[0], a.shape[1]);
        var ablated = new List<Tensor>();
        for (int i = 0; i < n; i++)
        {
            var image = a[i];
            var minimum = image.min();
            var value = minimum.item<float>() == 0 ? zeros_like(minimum) : minimum - 1e7f;
            for (long start = 0; start < c; start += Options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(Options.BatchSize, c - start);
                // Row j ablates channel start + j.
                var hit = functional.one_hot(arange(start, start + count, device: a.device), c).to(ScalarType.Bool);
                var replacement = where(hit.unsqueeze(-1).unsqueeze(-1), value, image.unsqueeze(0));
                ablated.Add(ScoresWithReplacement(pass.Input[i].unsqueeze(0), layer.Name, replacement, pass.Targets[i]).MoveToOuterDisposeScope());
                pass.Progress?.Report(new ProgressUpdate($"Ablation-CAM {layer.Name}", i * c + start + count, n * c));
            }
        }
        var s = pass.Scores.unsqueeze(1);
        var weights = (s - cat(ablated).view(n, c)) / s;
        return weights.unsqueeze(-1).unsqueeze(-1) * a;
    }

    /// <summary>The target's score for each of the B ablated layer outputs of one image, [B].</summary>
    private Tensor ScoresWithReplacement(Tensor image, string layerName, Tensor replacement, ICamTarget target)
    {
        var count = replacement.shape[0];
        var rowTargets = Enumerable.Repeat(target, (int)count).ToList();
        // A fresh handle per forward: containers such as Sequential dispose the outputs they pass along.
        Func<Tensor, Tensor> replace = _ => replacement.alias();
        if (!_repeatInput)
        {
            // A model that ties a later tensor to the input's batch size fails here (shape errors from libtorch, or
            // fewer output rows than targets).
            try { return ScoreInputs(image, rowTargets, layerName, replace); }
            catch (ExternalException) { }
            catch (ArgumentException) { }
        }
        var scores = ScoreInputs(image.expand(count, -1, -1, -1), rowTargets, layerName, replace);
        _repeatInput = true;   // the library's way works for this model: use it from now on
        return scores;
    }
}
