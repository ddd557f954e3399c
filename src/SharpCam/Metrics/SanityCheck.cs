using SharpCam.Cam;
using SharpCam.Layers;
using SharpCam.Targets;
using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Metrics;

/// <summary>
/// The model-randomisation sanity check of Adebayo et al. (2018, "Sanity Checks for Saliency Maps"), cascading: the
/// parameterised layers are re-initialised one after another from the logits downward, cumulatively, and after each
/// step the images are explained again and every map compared with the trained model's map (Spearman's rank
/// correlation and SSIM). A method whose maps depend on what the model learned loses its correlation; one that
/// stays close to the original (Guided Backprop is the known case) is more an edge detector than an explanation.
/// </summary>
/// <remarks>
/// The caller's model is never touched: the check copies its state into a fresh instance from
/// <c>newModel</c> and randomises the copy. Layers are the modules that own parameters directly, in PyTorch's module
/// order reversed (for sequential models and torchvision's, the forward order reversed). Each parameter tensor is
/// redrawn from a Gaussian with its own mean and standard deviation ("same scale"), from a generator seeded with
/// <see cref="SanityCheckOptions.Seed"/>; a constant tensor (a single value, or untrained batch-norm weights) therefore
/// stays as it is. Buffers (batch-norm running statistics) are kept. The copy runs in eval mode.
/// </remarks>
public static class SanityCheck
{
    /// <summary>
    /// Runs the check on <paramref name="input"/> [N, C, H, W]. <paramref name="newModel"/> builds a fresh instance of the
    /// same architecture; <paramref name="newMethod"/> builds the CAM method for a given model (e.g.
    /// <c>m => new GradCam(m, ["conv.4"])</c>). <paramref name="targets"/>: one per image; null explains each image's class
    /// as predicted by the trained model, and the randomised models explain that same class.
    /// </summary>
    public static SanityCheckResult Run(Module<Tensor, Tensor> model, Func<Module<Tensor, Tensor>> newModel,
                                        Func<Module<Tensor, Tensor>, CamMethod> newMethod, Tensor input,
                                        IReadOnlyList<ICamTarget>? targets = null, SanityCheckOptions? options = null,
                                        IProgress<ProgressUpdate>? progress = null)
    {
        options ??= new SanityCheckOptions();
        if (input.dim() != 4) throw new ArgumentException($"Expected an image batch [N, C, H, W]; got shape [{string.Join(", ", input.shape)}].", nameof(input));
        using var copy = Copy(model, newModel);
        // The root itself may own parameters too (a model with no submodules); it is named "(model)".
        var layers = ModuleTree.DepthFirst(copy).Prepend(("(model)", copy))
            .Where(m => m.Module.named_parameters(recurse: false).Any()).Reverse().ToList();
        if (layers.Count == 0) throw new ArgumentException("The model has no parameters to randomise.", nameof(model));

        var (method, original, explained) = Explain(copy, newMethod, input, targets);
        long total = layers.Count + 1;
        progress?.Report(new ProgressUpdate("sanity-check", 1, total, "trained model"));
        using var generator = new Generator((ulong)options.Seed);
        var steps = new List<SanityCheckStep>();
        foreach (var (name, module) in layers)
        {
            Randomize(module, generator);
            var (_, maps, _) = Explain(copy, newMethod, input, explained);
            steps.Add(Compare(name, steps.Count + 1, original, maps, (int)input.shape[2], (int)input.shape[3]));
            progress?.Report(new ProgressUpdate("sanity-check", steps.Count + 1, total, $"randomised {name}"));
        }
        return new SanityCheckResult(method, explained, steps, options.Threshold);
    }

    /// <summary>A fresh instance holding a copy of <paramref name="model"/>'s state, on its device, in eval mode.</summary>
    private static Module<Tensor, Tensor> Copy(Module<Tensor, Tensor> model, Func<Module<Tensor, Tensor>> newModel)
    {
        var copy = newModel();
        if (ReferenceEquals(copy, model))
            throw new ArgumentException("The model factory returned the model itself; it must build a new instance of the same architecture.", nameof(newModel));
        var device = model.parameters().FirstOrDefault()?.device;
        if (device is not null) copy.to(device);
        var source = model.state_dict();
        var target = copy.state_dict();
        var missing = source.Keys.Except(target.Keys).Concat(target.Keys.Except(source.Keys)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"The model factory builds a different architecture: state keys {string.Join(", ", missing.Take(5))} are not in both models.", nameof(newModel));
        using (no_grad())
        {
            foreach (var (key, value) in source)
            {
                if (!value.shape.SequenceEqual(target[key].shape))
                    throw new ArgumentException($"The model factory builds a different architecture: '{key}' has shape [{string.Join(", ", target[key].shape)}], " +
                                                $"the model's [{string.Join(", ", value.shape)}].", nameof(newModel));
                target[key].copy_(value);
            }
        }
        copy.eval();
        return copy;
    }

    /// <summary>The method's name, each image's map as float32 pixels, and the targets explained.</summary>
    private static (string Method, float[][] Maps, IReadOnlyList<ICamTarget> Targets) Explain(
        Module<Tensor, Tensor> model, Func<Module<Tensor, Tensor>, CamMethod> newMethod, Tensor input, IReadOnlyList<ICamTarget>? targets)
    {
        var method = newMethod(model);
        using var result = method.Explain(input, targets);
        var maps = Enumerable.Range(0, (int)input.shape[0]).Select(i => MetricInputs.Pixels(result.Maps[i])).ToArray();
        return (method.Name, maps, result.Targets);
    }

    /// <summary>Redraws every parameter the module owns directly from N(mean, std²) of its current values.</summary>
    private static void Randomize(Module module, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (var (_, parameter) in module.named_parameters(recurse: false))
        {
            var values = parameter.detach().to(ScalarType.Float64);
            var std = values.numel() > 1 ? values.std(unbiased: false) : tensor(0.0);
            var draw = randn(parameter.shape, ScalarType.Float64, generator: generator);
            parameter.copy_((draw * std + values.mean()).to(parameter.dtype, parameter.device));
        }
    }

    private static SanityCheckStep Compare(string layer, int randomized, float[][] original, float[][] maps, int height, int width)
    {
        var spearman = original.Select((o, i) => RankCorrelation.Spearman(o, maps[i])).ToArray();
        var ssim = original.Select((o, i) => StructuralSimilarity.Compute(o, maps[i], height, width)).ToArray();
        var constantOriginal = original.Select(o => o.All(v => v == o[0])).ToArray();
        return new SanityCheckStep(layer, randomized, spearman, ssim, constantOriginal);
    }
}

public sealed record SanityCheckOptions
{
    /// <summary>Seeds the re-initialisation, so a run can be repeated exactly.</summary>
    public long Seed { get; init; }

    /// <summary>The check passes when the mean |Spearman| at full randomisation is below this.</summary>
    public double Threshold { get; init; } = 0.3;
}
