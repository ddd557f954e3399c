using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.Labels;
using SharpCam.Onnx;
using SharpCam.Rendering;
using SharpCam.Runs;
using SharpCam.Targets;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Runs;

/// <summary>A run of a model without class scores (the trained featurizer) from C#: items without a prediction, and refusals.</summary>
public class DataSetRunTests
{
    private static readonly string Cat = Path.Combine(RepoPaths.Root, "samples", "chelsea.png");

    private static RunSource Source(OnnxPhotoModel model) => RunSource.FromFiles([Cat], model.Preprocessing, ClassNames.None);

    [Fact]
    public void Eigen_cam_items_of_a_class_free_model_have_no_prediction()
    {
        using var folder = new TempFolder();
        using var model = OnnxPhotoModel.Featurizer();
        var run = new DataSetRun(new EigenCam(model.Model, [model.DefaultLayer]), ClassNames.None,
            new RunOptions { Style = OverlayStyle.ColourPhoto, Figures = FigureMode.None });
        var item = run.Run(Source(model), Path.Combine(folder.Path, "out"), model.Summary()).Manifest!.Items.Single();
        Assert.Equal(-1, item.PredictedLabel);
        Assert.Null(item.PredictedName);
        Assert.Null(item.TopK);
        Assert.Null(item.TargetClass);
        Assert.Equal(DataSetRun.NoTarget, item.Target);
    }

    [Fact]
    public void A_similarity_target_explains_a_class_free_model_with_any_method()
    {
        using var folder = new TempFolder();
        using var model = OnnxPhotoModel.Featurizer();
        var like = ConceptSimilarityTarget.FromReferencePhoto(model.Model, model.Preprocessing, Path.Combine(RepoPaths.Root, "samples", "coffee.png"));
        var run = new DataSetRun(new GradCam(model.Model, [model.DefaultLayer]), ClassNames.None,
            new RunOptions { Concept = like, Style = OverlayStyle.ColourPhoto, Figures = FigureMode.None });
        var manifest = run.Run(Source(model), Path.Combine(folder.Path, "out"), model.Summary()).Manifest!;
        Assert.Equal(like.Describe(), manifest.TargetRule);
        Assert.Equal(like.Describe(), manifest.Items.Single().Target);
    }

    [Theory]
    [InlineData("gradcam", RunKind.Explain, "gradcam explains a class")]
    [InlineData("eigencam", RunKind.Failures, "failure analysis needs a classifier")]
    public void What_needs_class_scores_is_refused_and_nothing_is_written(string method, RunKind kind, string message)
    {
        using var folder = new TempFolder();
        using var model = OnnxPhotoModel.Featurizer();
        var run = new DataSetRun(CamMethods.Create(method, model.Model, [model.DefaultLayer]), ClassNames.None,
            new RunOptions { Kind = kind, Style = OverlayStyle.ColourPhoto, Figures = FigureMode.None });
        var source = kind == RunKind.Failures
            ? RunSource.FromPictures([new RunPicture("cat", SharpCam.Images.ImageFile.Read(Cat), TrueLabel: 0)], model.Preprocessing)
            : Source(model);
        var outDir = Path.Combine(folder.Path, "out");
        var e = Assert.Throws<InvalidOperationException>(() => run.Run(source, outDir, model.Summary()));
        Assert.Contains("The model has no class scores (its output is [512, 1, 1] per image", e.Message);
        Assert.Contains(message, e.Message);
        Assert.False(Directory.Exists(outDir));
    }
}
