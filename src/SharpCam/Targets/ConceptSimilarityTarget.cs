using SharpCam.Images;
using SharpCam.Layers;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Targets;

/// <summary>
/// The cosine similarity of an image's features to a concept vector, for models without class heads (embedding
/// models, or "what makes this look like that image"). The features are the model output, or the globally
/// average-pooled output of <see cref="ScoredLayer"/> ([C, h, w] → [C]). pytorch-grad-cam's SimilarityToConceptTarget
/// is the model-output case: torch's cosine_similarity(output, concept, dim = 0), eps 1e-8.
/// </summary>
public sealed class ConceptSimilarityTarget : ICamTarget
{
    /// <param name="concept">The reference vector, [D]; D must match the features' length.</param>
    /// <param name="layer">The layer whose pooled output is compared (null: the model output); it must come after every target layer.</param>
    /// <param name="name">What the concept is, for descriptions (e.g. "reference image cat.jpg").</param>
    public ConceptSimilarityTarget(Tensor concept, string? layer = null, string? name = null)
    {
        if (concept.dim() != 1) throw new ArgumentException($"A concept is a vector [D]; got shape [{string.Join(", ", concept.shape)}].", nameof(concept));
        Concept = concept.detach().clone().DetachFromDisposeScope();
        ScoredLayer = layer;
        Name = name ?? "a concept vector";
    }

    /// <summary>The reference vector, [D] (owned by this target).</summary>
    public Tensor Concept { get; }

    public string? ScoredLayer { get; }
    public string Name { get; }
    public int? ClassIndex => null;

    public Tensor Score(Tensor output)
    {
        var features = Pool(output);
        if (features.shape[0] != Concept.shape[0])
            throw new ArgumentException($"The concept has {Concept.shape[0]} values but {ScoredLayer ?? "the model output"} gives {features.shape[0]} features per image.");
        return functional.cosine_similarity(features, Concept.to(features.device), dim: 0);
    }

    public string Describe() => $"cosine similarity of {(ScoredLayer is null ? "the model output" : $"pooled {ScoredLayer}")} to {Name}";

    /// <summary>
    /// The concept of a reference image: the same features (model output, or pooled <paramref name="layer"/>) of
    /// <paramref name="image"/> ([C, H, W] or [1, C, H, W]), computed without gradients.
    /// </summary>
    public static ConceptSimilarityTarget FromReferenceImage(Module<Tensor, Tensor> model, Tensor image, string? layer = null, string? name = null)
    {
        using var scope = NewDisposeScope();
        var batch = image.dim() == 3 ? image.unsqueeze(0) : image;
        if (batch.dim() != 4 || batch.shape[0] != 1)
            throw new ArgumentException($"A reference image is [C, H, W] or [1, C, H, W]; got shape [{string.Join(", ", image.shape)}].", nameof(image));
        var features = Pool(LayerOutput.Of(model, batch, layer)[0]);
        return new ConceptSimilarityTarget(features, layer, name ?? "a reference image");
    }

    /// <summary>
    /// The concept of a reference photo file, preprocessed as the photos it is compared with: where in photo A is what
    /// makes it look like photo B (<paramref name="file"/>). <paramref name="device"/>: the model's.
    /// </summary>
    public static ConceptSimilarityTarget FromReferencePhoto(Module<Tensor, Tensor> model, ImagePreprocessing preprocessing, string file,
                                                             Device? device = null, string? layer = null)
    {
        using var scope = NewDisposeScope();
        var image = preprocessing.ToTensor(ImageFile.Read(file)).to(device ?? CPU);
        return FromReferenceImage(model, image, layer, $"photo {Path.GetFileName(file)}");
    }

    /// <summary>One image's features as a vector: spatial dimensions (if any) averaged away.</summary>
    private static Tensor Pool(Tensor output) => output.dim() > 1 ? output.flatten(1).mean(new long[] { 1 }) : output;
}
