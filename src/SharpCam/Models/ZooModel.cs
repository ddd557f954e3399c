using SharpCam.Checkpoints;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Models;

/// <summary>A zoo architecture with its weights loaded, in eval mode. Disposing it releases the model.</summary>
public sealed class ZooModel : IDisposable
{
    private ZooModel(ModelSpec spec, Module<Tensor, Tensor> model, int numClasses, ResolvedWeights weights)
    {
        Spec = spec;
        Model = model;
        NumClasses = numClasses;
        Weights = weights;
    }

    public ModelSpec Spec { get; }
    public Module<Tensor, Tensor> Model { get; }
    public int NumClasses { get; }
    public ResolvedWeights Weights { get; }

    /// <summary>
    /// Builds <paramref name="name"/> and loads its weights: <paramref name="weightsFile"/> (any format
    /// <see cref="CheckpointLoader"/> reads) if given, else torchvision's published file from the cache or the
    /// internet (<see cref="WeightsResolver"/>). The class count is <paramref name="numClasses"/> if given, else the
    /// file's (so fine-tuned state dicts with another class count load as they are).
    /// </summary>
    public static ZooModel Load(string name, string? weightsFile = null, int? numClasses = null, WeightsSource? source = null,
                                IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default)
    {
        var spec = ModelZoo.Get(name);
        var weights = WeightsResolver.Resolve(spec, weightsFile, source, progress, cancellation);
        return FromFile(spec, weights, numClasses);
    }

    /// <summary>
    /// Builds <paramref name="spec"/> for the weights file in <paramref name="weights"/> and loads it; keys and shapes
    /// must match, and are checked on the shapes the file declares before any tensor data is read.
    /// </summary>
    public static ZooModel FromFile(ModelSpec spec, ResolvedWeights weights, int? numClasses = null)
    {
        Module<Tensor, Tensor>? model = null;
        int classes = 0;
        try
        {
            var checkpoint = CheckpointLoader.Load(weights.Path, declared =>
            {
                var renamed = spec.WithModelKeys(declared);
                classes = ClassCount(spec, ModelZoo.NumClassesOf(spec, renamed), weights, numClasses);
                model = spec.Create(classes);
                var fileKey = declared.Keys.ToDictionary(k => spec.KeyRenaming?.Invoke(k) ?? k);
                return CheckpointLoader.ForModel(model, weights.Path, key => IsAuxiliary(spec, key))(renamed).Select(k => fileKey[k]);
            });
            try
            {
                Fill(spec, model!, checkpoint.Tensors, weights);
            }
            finally
            {
                foreach (var tensor in checkpoint.Tensors.Values) tensor.Dispose();
            }
            return new ZooModel(spec, model!, classes, weights);
        }
        catch
        {
            model?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Builds <paramref name="spec"/> for a state dict already read (from <paramref name="weights"/>, named in errors)
    /// and copies it in; the tensors stay the caller's. A prefix shared by every key (Lightning's <c>model.</c>,
    /// DataParallel's <c>module.</c>) is dropped when that makes the keys fit.
    /// </summary>
    public static ZooModel FromStateDict(ModelSpec spec, IReadOnlyDictionary<string, Tensor> tensors, ResolvedWeights weights,
                                         int? numClasses = null)
    {
        var classes = ClassCount(spec, ModelZoo.NumClassesOf(spec, spec.WithModelKeys(tensors)), weights, numClasses);
        var model = spec.Create(classes);
        try
        {
            Fill(spec, model, tensors, weights);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new ZooModel(spec, model, classes, weights);
    }

    private static int ClassCount(ModelSpec spec, int? inFile, ResolvedWeights weights, int? numClasses)
    {
        if (numClasses is { } wanted && inFile is { } found && wanted != found)
            throw new ArgumentException(
                $"--num-classes {wanted} does not match {weights.Path}: its classifier ({spec.ClassifierWeightKey}) has {found} " +
                "classes. Leave --num-classes out to use the file's.");
        return numClasses ?? inFile ?? spec.DefaultNumClasses;
    }

    private static void Fill(ModelSpec spec, Module model, IReadOnlyDictionary<string, Tensor> tensors, ResolvedWeights weights)
    {
        using (NewDisposeScope())
        {
            var fitted = StateDict.FitPrefix(model, spec.WithModelKeys(tensors), key => IsAuxiliary(spec, key));
            StateDict.Load(model, WithAuxiliaryHeadsAsModel(spec, model, fitted), weights.Path);
        }
    }

    /// <summary>
    /// The file's tensors with the auxiliary training heads made to fit the model: the file's copies are dropped when
    /// the model has no such head (googlenet's aux1/aux2 in torchvision's file), the model's own initial values are
    /// used when the file has none (inception_v3 saved without AuxLogits). Inference never runs these heads.
    /// </summary>
    private static IReadOnlyDictionary<string, Tensor> WithAuxiliaryHeadsAsModel(ModelSpec spec, Module model,
                                                                               IReadOnlyDictionary<string, Tensor> tensors)
    {
        if (spec.AuxiliaryKeyPrefixes.Count == 0) return tensors;
        var own = model.state_dict();
        var result = tensors.Where(kv => !IsAuxiliary(spec, kv.Key) || own.ContainsKey(kv.Key)).ToDictionary();
        foreach (var (key, value) in own)
            if (IsAuxiliary(spec, key)) result.TryAdd(key, value);
        return result;
    }

    private static bool IsAuxiliary(ModelSpec spec, string key) =>
        spec.AuxiliaryKeyPrefixes.Any(p => key.StartsWith(p, StringComparison.Ordinal));

    public void Dispose() => Model.Dispose();
}
