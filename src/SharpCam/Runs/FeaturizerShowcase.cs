using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.Labels;
using SharpCam.Onnx;
using SharpCam.Rendering;
using SharpCam.Targets;

namespace SharpCam.Runs;

/// <summary>
/// The trained featurizer on a folder of photos, as the demo shows it: every photo explained with Eigen-CAM (the
/// featurizer has no class scores, and Eigen-CAM needs none), and one photo with Grad-CAM of its similarity to another
/// (where in photo A is what makes it look like photo B). Both run into <c>DIR/photos</c>; the result is the manifest
/// section that points at them (<see cref="RunManifest.Photos"/>), which the HTML report shows.
/// </summary>
public static class FeaturizerShowcase
{
    public const string Folder = "photos";

    /// <summary>Runs both explanations into <paramref name="runDir"/>/photos; null when cancelled.</summary>
    /// <param name="photos">A folder (or file, or glob) of photos.</param>
    /// <param name="photo">The photo whose similarity to <paramref name="like"/> is explained.</param>
    public static PhotoSection? Run(OnnxPhotoModel featurizer, string photos, string photo, string like, string runDir,
                                    IProgress<ProgressUpdate>? progress = null, CancellationToken cancellation = default)
    {
        var dir = Path.Combine(runDir, Folder);
        Directory.CreateDirectory(dir);
        var options = new RunOptions { Style = OverlayStyle.ColourPhoto, Device = featurizer.Device, BatchSize = 4 };
        var eigen = new DataSetRun(new EigenCam(featurizer.Model, [featurizer.DefaultLayer]), ClassNames.None, options)
            .RunInto(RunSource.FromFiles([photos], featurizer.Preprocessing, ClassNames.None), dir, featurizer.Summary(), progress, cancellation);
        if (eigen is null) return null;

        var concept = ConceptSimilarityTarget.FromReferencePhoto(featurizer.Model, featurizer.Preprocessing, like, featurizer.Device);
        var id = $"{Path.GetFileNameWithoutExtension(photo)}-like-{Path.GetFileNameWithoutExtension(like)}";
        var picture = new RunPicture(id, ImageFile.Read(photo), Source: Path.GetFullPath(photo));
        var similar = new DataSetRun(new GradCam(featurizer.Model, [featurizer.DefaultLayer]), ClassNames.None, options with { Concept = concept })
            .RunInto(RunSource.FromPictures([picture], featurizer.Preprocessing, Path.GetFullPath(photo)), dir, featurizer.Summary(), progress, cancellation);
        if (similar is null) return null;
        return new PhotoSection { Model = featurizer.Summary(), Runs = [Section(eigen), Section(similar)] };
    }

    /// <summary>A run's items with their paths made relative to the folder above <see cref="Folder"/>.</summary>
    private static PhotoRun Section(RunManifest run) => new()
    {
        Method = run.Method!, Layer = run.Layer, TargetRule = run.TargetRule,
        Items = run.Items.Select(item => item with
        {
            Map = Prefixed(item.Map),
            Figures = item.Figures is { } f ? f with { Heatmap = Prefixed(f.Heatmap), Panels = Prefixed(f.Panels) } : null,
        }).ToList(),
    };

    private static string? Prefixed(string? path) => path is null ? null : $"{Folder}/{path}";
}
