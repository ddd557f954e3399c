using SharpCam.Explanation;
using SharpCam.IO;

namespace SharpCam.Tests.Cli.Commands;

[Collection(CliRunner.Collection)]
public class ExplainCommandTests(TrainedTinyModel trained)
{
    [Fact]
    public void WritesMapsFiguresAndAManifestForTheChosenDigits()
    {
        var outDir = trained.Data.NewOutputPath("explain");
        var (code, output) = CliRunner.Run("explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder,
            "--indices", "0-3,7", "--class", "true", "--out", outDir);
        Assert.Equal(0, code);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal(new[] { "test-0000", "test-0001", "test-0002", "test-0003", "test-0007" }, manifest.Items.Select(i => i.Id));
        Assert.Equal("conv.4", manifest.Layer);
        foreach (var item in manifest.Items)
        {
            Assert.Equal(item.TrueLabel, item.TargetClass);                         // --class true
            Assert.Equal(10, item.Probabilities!.Count);
            Assert.Equal(1.0, item.Probabilities.Sum(), 5);
            using var map = Npy.Load(Path.Combine(outDir, item.Map!));
            Assert.Equal(new long[] { 8, 8 }, map.shape);                           // feature resolution of conv.4
            Assert.InRange(map.max().item<float>(), 0f, 1f);
            Assert.True(File.Exists(Path.Combine(outDir, item.Figures!.Heatmap!)));
            Assert.True(File.Exists(Path.Combine(outDir, item.Figures.Panels!)));
        }
        Assert.Contains("test-0007", output);
    }

    [Fact]
    public void AnUnknownLayerListsTheLayersAndWritesNothing()
    {
        var outDir = trained.Data.NewOutputPath("explain-bad-layer");
        var (code, output) = CliRunner.Run("explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder,
            "--layer", "conv.9", "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains("no layer named 'conv.9'", output);
        Assert.Contains("conv.4", output);
        Assert.False(Directory.Exists(outDir));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(outDir)!, ".explain-bad-layer*"));
    }

    [Fact]
    public void IndicesOutsideTheTestSetAreRejected()
    {
        var (code, output) = CliRunner.Run("explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder,
            "--indices", "100-200", "--out", trained.Data.NewOutputPath("explain-bad-indices"));
        Assert.Equal(1, code);
        Assert.Contains("outside the data set", output);
    }
}

[Collection(CliRunner.Collection)]
public class LightningCheckpointCliTests(TrainedTinyModel trained)
{
    /// <summary>The notebook saves PyTorch Lightning checkpoints; one shaped like them must test and explain.</summary>
    [Theory]
    [InlineData("lenet.ckpt")]
    [InlineData("lenet_prefixed.ckpt")]
    public void ALightningCheckpointTestsAndExplains(string file)
    {
        var checkpoint = Support.RepoPaths.Fixture(Path.Combine("checkpoints", file));
        var (code, output) = CliRunner.Run("test", "--checkpoint", checkpoint, "--data", trained.Data.Folder, "--json");
        Assert.Equal(0, code);
        Assert.Contains($"\"n\":{TinyMnist.TestCount}", output);

        var outDir = trained.Data.NewOutputPath("explain-" + file);
        (code, output) = CliRunner.Run("explain", "--checkpoint", checkpoint, "--data", trained.Data.Folder, "--indices", "0-1", "--out", outDir);
        Assert.Equal(0, code);
        Assert.Equal(2, SharpCam.Explanation.RunManifest.Load(outDir).Items.Count);
    }
}

[Collection(CliRunner.Collection)]
public class ExplainPhotosCliTests(TrainedTinyModel trained)
{
    /// <summary>The notebook's second half on the bundled photos, with a real torchvision state dict (random init, from ../shared).</summary>
    [Support.SharedDataFact]
    public void ExplainsPhotosWithATorchvisionModelAndTopFive()
    {
        var outDir = trained.Data.NewOutputPath("photos");
        var (code, output) = CliRunner.Run("explain", "--model", "resnet18",
            "--weights", Support.SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"),
            "--images", Path.Combine(Support.RepoPaths.Root, "samples"), "--batch-size", "2", "--out", outDir);
        Assert.Equal(0, code);
        var manifest = SharpCam.Explanation.RunManifest.Load(outDir);
        Assert.Equal(["0000-astronaut", "0001-chelsea", "0002-coffee", "0003-rocket"], manifest.Items.Select(i => i.Id));
        Assert.Equal("layer4", manifest.Layer);
        Assert.All(manifest.Items, item =>
        {
            Assert.Equal([7, 7], item.MapShape);                                   // layer4 at 224×224
            Assert.Equal(5, item.TopK!.Count);
            Assert.Null(item.Probabilities);                                       // 1000 classes: top-k only
            Assert.True(File.Exists(Path.Combine(outDir, item.Figures!.Panels!)));
        });
        Assert.Contains("0001-chelsea:", output);
    }

    /// <summary>--metrics and --sanity work for photo models too, on the chosen --indices.</summary>
    [Support.SharedDataFact]
    public void MetricsAndSanityCheckForPhotos()
    {
        var outDir = trained.Data.NewOutputPath("photos-quality");
        var (code, output) = CliRunner.Run("explain", "--model", "resnet18",
            "--weights", Support.SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"),
            "--images", Path.Combine(Support.RepoPaths.Root, "samples"), "--indices", "1-2", "--metrics", "--sanity", "--out", outDir);
        Assert.True(code == 0, output);
        var manifest = SharpCam.Explanation.RunManifest.Load(outDir);
        Assert.Equal(["0001-chelsea", "0002-coffee"], manifest.Items.Select(i => i.Id));
        Assert.All(manifest.Metrics!, m => Assert.Equal(2, m.Values.Count));
        Assert.Equal(["gradcam", "guided-backprop"], manifest.Sanity!.Methods.Select(m => m.Method));
    }

    /// <summary>--preprocessing weights: torchvision's Resize(256) + CenterCrop(224) for resnet18's file, recorded in the manifest.</summary>
    [Support.SharedDataFact]
    public void TheWeightsPreprocessingRunsAndIsRecorded()
    {
        var outDir = trained.Data.NewOutputPath("photos-weights-preprocessing");
        var (code, output) = CliRunner.Run("explain", "--model", "resnet18", "--preprocessing", "weights",
            "--weights", Support.SharedData.PathOf("fixtures/resnet18-random/resnet18_seed0.pth"),
            "--images", Path.Combine(Support.RepoPaths.Root, "samples", "chelsea.png"), "--out", outDir);
        Assert.True(code == 0, output);
        var manifest = SharpCam.Explanation.RunManifest.Load(outDir);
        Assert.Equal("weights", manifest.Model.Preprocessing);
        Assert.Equal("resize to 256 (bilinear), centre crop 224×224", manifest.Model.Transform);
        Assert.Equal([7, 7], Assert.Single(manifest.Items).MapShape);
    }

    [Theory]
    [InlineData("use notebook or weights", "--model", "resnet18", "--preprocessing", "crop")]
    [InlineData("--preprocessing is for zoo models", "--preprocessing", "weights")]
    [InlineData("leave the input size out", "--model", "resnet18", "--preprocessing", "weights", "--input-size", "256")]
    public void APreprocessingThatCannotApplyIsAUsageError(string message, params string[] options)
    {
        var (code, output) = CliRunner.Run(["explain", "--images", ".", "--out", trained.Data.NewOutputPath("bad-preprocessing"), .. options]);
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void AnUnknownModelListsTheKnownOnes()
    {
        var (code, output) = CliRunner.Run("explain", "--model", "vgg17", "--images", ".", "--out", trained.Data.NewOutputPath("bad-model"));
        Assert.Equal(2, code);   // a usage error, found before any weights are looked for
        Assert.Contains("vgg16", output);
    }
}

[Collection(CliRunner.Collection)]
public class ExplainMethodsCliTests(TrainedTinyModel trained)
{
    /// <summary>Every method but CAM, which needs global pooling before one linear head and fails on LeNet with that reason (ClassActivationMapTests).</summary>
    public static TheoryData<string> Methods() => new(SharpCam.Cam.CamMethods.All.Select(m => m.Name).Where(m => m != "cam"));

    /// <summary>Every registered method runs from the CLI, batched, on LeNet, and writes maps in [0, 1].</summary>
    [Theory]
    [MemberData(nameof(Methods))]
    public void EveryMethodExplainsFromTheCommandLine(string method)
    {
        var outDir = trained.Data.NewOutputPath("method-" + method);
        var (code, output) = CliRunner.Run("explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder,
            "--method", method, "--indices", "0-4", "--batch-size", "3", "--out", outDir);
        Assert.True(code == 0, output);
        var manifest = SharpCam.Explanation.RunManifest.Load(outDir);
        Assert.Equal(method, manifest.Method);
        Assert.All(manifest.Items, item =>
        {
            using var map = SharpCam.IO.Npy.Load(Path.Combine(outDir, item.Map!));
            Assert.InRange(map.min().item<float>(), 0f, 1f);
            Assert.InRange(map.max().item<float>(), 0f, 1f);
        });
    }

    [Fact]
    public void AnUnknownMethodListsTheMethods()
    {
        var (code, output) = CliRunner.Run("explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder,
            "--method", "gradcam+++", "--out", trained.Data.NewOutputPath("bad-method"));
        Assert.Equal(2, code);   // a usage error
        Assert.Contains("scorecam", output);
    }

    /// <summary>Methods whose final map is not a layer map (pixel-level, or smoothed) must save that map, not Grad-CAM's.</summary>
    [Fact]
    public void GuidedGradCamAndAugSmoothSaveTheirOwnMaps()
    {
        float[] SavedMaps(params string[] options)
        {
            var outDir = trained.Data.NewOutputPath("saved-" + string.Join("", options).Replace("-", ""));
            var (code, output) = CliRunner.Run(["explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder,
                "--indices", "0-3", "--out", outDir, .. options]);
            Assert.True(code == 0, output);
            return SharpCam.Explanation.RunManifest.Load(outDir).Items
                .SelectMany(i => SharpCam.IO.Npy.Load(Path.Combine(outDir, i.Map!)).data<float>().ToArray()).ToArray();
        }
        var gradCam = SavedMaps();
        Assert.NotEqual(gradCam, SavedMaps("--method", "guided-gradcam"));
        var smoothed = SavedMaps("--aug-smooth");
        Assert.Equal(gradCam.Length, smoothed.Length);                            // still the 8×8 layer map, smoothed
        Assert.NotEqual(gradCam, smoothed);
    }

    [Theory]
    [InlineData("--device foo", "--device foo: not a device")]
    [InlineData("--method fullgrad --layer conv.4", "uses no target layer")]
    [InlineData("--weights w.pth", "go with --model")]
    [InlineData("--cam-batch-size 0", "--cam-batch-size must be at least 1")]
    [InlineData("--normalization l2", "use divide-by-max or min-max")]
    public void InapplicableOptionsAreUsageErrorsNamingTheOption(string options, string message)
    {
        var (code, output) = CliRunner.Run(["explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder,
            "--out", trained.Data.NewOutputPath("usage"), .. options.Split(' ')]);
        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void SanityCheckContrastsTheMethodWithGuidedBackprop()
    {
        var outDir = trained.Data.NewOutputPath("sanity");
        var (code, output) = CliRunner.Run("explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder,
            "--indices", "0-7", "--sanity", "--out", outDir);
        Assert.True(code == 0, output);
        var sanity = SharpCam.Explanation.RunManifest.Load(outDir).Sanity!;
        Assert.Equal(["gradcam", "guided-backprop"], sanity.Methods.Select(m => m.Method));
        Assert.Contains("Sanity check, gradcam", output);
    }

    /// <summary>The message as printed: one "error:" line (or two), no stack trace.</summary>
    private static void AssertShortError(string output, string expected)
    {
        var error = output[output.IndexOf("error: ", StringComparison.Ordinal)..].TrimEnd();
        Assert.Contains(expected, error);
        Assert.InRange(error.Split('\n').Length, 1, 2);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception raised from", error);
    }

    [Fact]
    public void ALinearTargetLayerIsRefusedNamingTheLayersThatWork()
    {
        var outDir = trained.Data.NewOutputPath("linear-layer");
        var (code, output) = CliRunner.Run("explain", "--checkpoint", trained.Checkpoint, "--data", trained.Data.Folder,
            "--indices", "0-1", "--layer", "fc.4", "--out", outDir);
        Assert.Equal(1, code);
        AssertShortError(output, "Layer 'fc.4' (Linear) outputs [2, 10], not a feature map [N, C, h, w], so no CAM can be made there. " +
                                 "Layers with feature maps: conv, conv.0, conv.1, conv.2, conv.3, conv.4, conv.5");
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void AnInputSizeBeyondTheLimitIsAUsageErrorNamingTheOption()
    {
        var (code, output) = CliRunner.Run("explain", "--model", "resnet18", "--images", "photos", "--input-size", "100000",
            "--out", trained.Data.NewOutputPath("huge-input"));
        Assert.Equal(2, code);
        Assert.Contains("--input-size 100000: Input size 100000 is too large: SharpCam runs models on at most 1024×1024 pixels", output);
    }
}

/// <summary>
/// explain on ONNX models from the command line: a hand-made NHWC classifier (tests/fixtures/onnx, fixed 32×32 input),
/// and with --images alone the trained featurizer (no class scores: Eigen-CAM, or --like FILE).
/// </summary>
[Collection(CliRunner.Collection)]
public class ExplainOnnxCliTests(TrainedTinyModel trained)
{
    private static readonly string Samples = Path.Combine(Support.RepoPaths.Root, "samples");
    private static readonly string Handmade = Support.RepoPaths.Fixture("onnx/nhwc_handmade.onnx");

    /// <summary>What a failed command printed, on one line (the console may wrap long messages).</summary>
    private static (int Code, string Output) Fails(params string[] args)
    {
        var (code, output) = CliRunner.Run(args);
        Assert.DoesNotContain("   at ", output);   // no stack trace
        return (code, CliRunner.OneLine(output));
    }

    [Fact]
    public void AnOnnxClassifierExplainsPhotosAtTheGraphsFixedSizeWithTopK()
    {
        var outDir = trained.Data.NewOutputPath("onnx-handmade");
        var (code, output) = CliRunner.Run("explain", "--model", Handmade, "--output", "logits", "--images", Samples, "--out", outDir);
        Assert.True(code == 0, output);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal("onnx", manifest.Model.Architecture);
        Assert.Equal([32, 32], manifest.Model.InputSize);                 // the graph's fixed size drove preprocessing
        Assert.Equal(5, manifest.Model.NumClasses);
        Assert.Equal(FileHash.Of(Handmade), manifest.Model.WeightsHash);
        Assert.Equal("gradcam", manifest.Method);
        Assert.Equal("relu2", manifest.Layer);                             // the automatic default layer
        Assert.Equal(4, manifest.Items.Count);
        Assert.All(manifest.Items, item =>
        {
            Assert.InRange(item.PredictedLabel, 0, 4);
            Assert.Equal(item.PredictedLabel, item.TargetClass);
            Assert.Equal(5, item.TopK!.Count);
            Assert.Equal([7, 7], item.MapShape);
            Assert.True(File.Exists(Path.Combine(outDir, item.Figures!.Panels!)));
        });
    }

    /// <summary>No --model: the trained ResNet-18 featurizer, which has no class head, explains with Eigen-CAM.</summary>
    [Fact]
    public void PhotosWithoutAModelUseTheTrainedFeaturizerWithEigenCam()
    {
        var outDir = trained.Data.NewOutputPath("featurizer");
        var (code, output) = CliRunner.Run("explain", "--images", Samples, "--out", outDir);
        Assert.True(code == 0, output);
        Assert.Contains("no class scores: explaining with Eigen-CAM", output);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal("eigencam", manifest.Method);
        Assert.Equal(SharpCam.Onnx.OnnxPhotoModel.FeaturizerArchitecture, manifest.Model.Architecture);
        Assert.Equal(0, manifest.Model.NumClasses);
        Assert.StartsWith("xxh128:", manifest.Model.WeightsHash);
        Assert.Equal(SharpCam.Onnx.TrainedFeaturizer.DefaultLayer, manifest.Layer);
        Assert.All(manifest.Items, item =>
        {
            Assert.Equal([7, 7], item.MapShape);
            Assert.Equal(-1, item.PredictedLabel);
            Assert.Null(item.TopK);
            Assert.Null(item.TargetClass);
            Assert.Equal(SharpCam.Runs.DataSetRun.NoTarget, item.Target);
        });
    }

    /// <summary>--like FILE: Grad-CAM of the cosine similarity to the reference photo's features.</summary>
    [Fact]
    public void LikeExplainsSimilarityToAPhoto()
    {
        var outDir = trained.Data.NewOutputPath("like");
        var (code, output) = CliRunner.Run("explain", "--images", Path.Combine(Samples, "astronaut.png"),
            "--like", Path.Combine(Samples, "rocket.jpg"), "--out", outDir);
        Assert.True(code == 0, output);
        var manifest = RunManifest.Load(outDir);
        Assert.Equal("gradcam", manifest.Method);
        var item = manifest.Items.Single();
        Assert.Contains("cosine similarity", item.Target);
        Assert.Contains("rocket.jpg", item.Target);
        using var map = Npy.Load(Path.Combine(outDir, item.Map!));
        Assert.True(map.max().item<float>() > 0, "the similarity map is all zero");
    }

    [Theory]
    [InlineData("--class 3", "--class 3: the trained featurizer has no class scores")]
    [InlineData("--method gradcam", "--method gradcam (it explains a class): the trained featurizer has no class scores")]
    [InlineData("--metrics", "--metrics: the trained featurizer has no class scores")]
    [InlineData("--sanity", "--sanity: the trained featurizer has no class scores")]
    public void WhatNeedsClassScoresIsRefusedOnAModelWithoutThem(string options, string message)
    {
        var outDir = trained.Data.NewOutputPath("featurizer-refused");
        var (code, output) = Fails(["explain", "--images", Samples, .. options.Split(' '), "--out", outDir]);
        Assert.Equal(1, code);
        Assert.Contains(message, output);
        Assert.Contains("--method eigencam", output);                      // what to do instead
        Assert.False(Directory.Exists(outDir));
    }

    /// <summary>Bad ONNX files through the command line: one clear error, exit 1, no stack trace, nothing written.</summary>
    [Theory]
    [InlineData("corrupt", "corrupt")]
    [InlineData("truncated", "truncated")]
    [InlineData("unsupported", "LRN")]
    [InlineData("missing-external", "is missing; put it beside the model")]
    public void ABadOnnxFileIsAClearError(string kind, string message)
    {
        using var folder = new Support.TempFolder();
        string Made(string name, Action<string> make)
        {
            var path = folder.File(name);
            make(path);
            return path;
        }
        var model = kind switch
        {
            "corrupt" => Made("notes.onnx", p => File.WriteAllText(p, "This is a text file, not a model.\n")),
            "truncated" => Made("cut.onnx", p => File.WriteAllBytes(p, File.ReadAllBytes(Handmade)[..(int)(new FileInfo(Handmade).Length / 2)])),
            "unsupported" => Support.RepoPaths.Fixture("onnx/unsupported_op.onnx"),
            _ => Made("resnet18_op11.onnx", p => File.Copy(Support.RepoPaths.Fixture("onnx/resnet18_op11.onnx"), p)),   // without its .weights
        };
        var outDir = trained.Data.NewOutputPath("bad-onnx");
        var (code, output) = Fails("explain", "--model", model, "--images", Samples, "--out", outDir);
        Assert.Equal(1, code);
        Assert.Contains(message, output);
        Assert.Contains(Path.GetFileName(model), output);
        Assert.False(Directory.Exists(outDir));
    }
}
