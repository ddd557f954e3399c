using System.ComponentModel;
using SharpCam.Models;
using SharpCam.Onnx;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>
/// Which model and data a command explains: a LeNet checkpoint on MNIST-format digits (the notebook's first half), or a
/// torchvision classifier on photos (its second half). Shared by explain and failures.
/// </summary>
public class ModelSettings : MethodSettings
{
        [CommandOption("--checkpoint <FILE>")]
        [Description("LeNet weights (.dat, .pth, Lightning .ckpt or .safetensors), as written by `sharpcam train`.")]
        public string? Checkpoint { get; init; }

        [CommandOption("--model <NAME>")]
        [Description("A photo model: a torchvision classifier (vgg16, resnet50, mobilenet_v3_large, …; `sharpcam layers --model X`) or an ONNX file (FILE.onnx). Default: lenet on digits; with --images and no --model, SharpCam's trained ResNet-18 featurizer.")]
        public string? Model { get; init; }

        [CommandOption("--weights <FILE>")]
        [Description("Weights for --model (.pth, .safetensors, .dat). Default: the torchvision file in the torch hub cache ($TORCH_HOME/hub/checkpoints), downloaded when a network exists.")]
        public string? Weights { get; init; }

        [CommandOption("--images <PATH>")]
        [Description("Photos to explain with --model: a file, a folder (recursive; ImageFolder class folders become true labels) or a glob.")]
        public string? Images { get; init; }

        [CommandOption("--labels <FILE>")]
        [Description("Class names: the notebook's imagenet1000_clsidx_to_labels.txt (a Python dict, parsed, never run), JSON, or one per line. Default: ImageNet's 1000.")]
        public string? Labels { get; init; }

        [CommandOption("--num-classes <N>")] [Description("Classes of a fine-tuned --model (default: inferred from the weights).")]
        public int? NumClasses { get; init; }

        [CommandOption("--input-size <N>")] [Description("Square input size for --model (default: the model's, 224 or 299 for inception_v3; an ONNX model's fixed size).")]
        public int? InputSize { get; init; }

        [CommandOption("--preprocessing <MODE>")]
        [Description("How a zoo --model sees each photo: notebook (default: resized whole to the model's square, bilinear, as the course notebook does, so the map covers the whole photo) or weights (the transform torchvision evaluated the weights with: resize the shorter side, centre crop, their filter, e.g. 256 bicubic → 224 for efficientnet_b0; best accuracy, edges cropped). The manifest records which ran.")]
        public string? Preprocessing { get; init; }

        [CommandOption("--output <NAME>")] [Description("For an ONNX model: which graph output to explain (default: its first).")]
        public string? Output { get; init; }

        [CommandOption("--like <FILE>")]
        [Description("Explain similarity to this photo instead of a class: where in each photo is what makes it look like FILE (cosine similarity of the model outputs).")]
        public string? Like { get; init; }

    public override Spectre.Console.ValidationResult Validate()
    {
        var error = base.Validate();
        if (!error.Successful) return error;
        var onnx = OnnxModel.IsOnnxPath(Model);
        if (Model is not null && !onnx && UnknownModel(Model) is { } unknown) return unknown;
        if (IsPhotos)
        {
            if (Checkpoint is not null)
                return Spectre.Console.ValidationResult.Error("--checkpoint is for LeNet digits; give --model its weights with --weights FILE.");
            if (Data is not null || Download)
                return Spectre.Console.ValidationResult.Error("--data and --download are for digits; give --model its photos with --images PATH.");
            if (Images is null) return Spectre.Console.ValidationResult.Error("--model needs --images PATH (a photo, a folder or a glob).");
            if ((onnx || Model is null) && (Weights is not null || NumClasses is not null))
                return Spectre.Console.ValidationResult.Error("--weights and --num-classes are for zoo models; an ONNX model carries its own weights.");
            if (!onnx && Output is not null) return Spectre.Console.ValidationResult.Error("--output is for ONNX models (--model FILE.onnx).");
            if (Model is null && (Labels is not null || InputSize is not null))
                return Spectre.Console.ValidationResult.Error("--labels and --input-size need --model: the trained featurizer has no classes and takes 224×224 photos.");
            if (Preprocessing is not null && (onnx || Model is null))
                return Spectre.Console.ValidationResult.Error("--preprocessing is for zoo models; an ONNX model and the featurizer have their own.");
            if (Preprocessing is not null && ParsePreprocessing(Preprocessing) is null)
                return Spectre.Console.ValidationResult.Error($"--preprocessing {Preprocessing}: use notebook or weights.");
            if (InputSize is { } size && SharpCam.Models.ModelZoo.All.FirstOrDefault(m => m.Name == Model) is { } spec)
            {
                try { spec.Preprocessing(size, PreprocessingMode); }
                catch (ArgumentException e) { return Spectre.Console.ValidationResult.Error($"--input-size {size}: {e.Message}"); }
            }
        }
        else if (Weights is not null || Labels is not null || NumClasses is not null || InputSize is not null || Output is not null || Like is not null
                 || Preprocessing is not null)
            return Spectre.Console.ValidationResult.Error("These go with --model NAME|FILE.onnx --images PATH (or --images alone): --weights, --labels, --num-classes, --input-size, --output, --like, --preprocessing.");
        return Spectre.Console.ValidationResult.Success();
    }

    /// <summary>--preprocessing as a mode (notebook when absent).</summary>
    public PreprocessingMode PreprocessingMode => Preprocessing is null ? PreprocessingMode.Notebook : ParsePreprocessing(Preprocessing) ?? PreprocessingMode.Notebook;

    private static PreprocessingMode? ParsePreprocessing(string text) => text.ToLowerInvariant() switch
    {
        "notebook" => PreprocessingMode.Notebook,
        "weights" => PreprocessingMode.Weights,
        _ => null,
    };

    /// <summary>The usage error for a --model the zoo does not have, listing those it has; null for a known one.</summary>
    public static Spectre.Console.ValidationResult? UnknownModel(string name) =>
        ModelZoo.Names.Contains(name, StringComparer.OrdinalIgnoreCase)
            ? null
            : Spectre.Console.ValidationResult.Error($"--model {name}: unknown. Known models: {string.Join(", ", ModelZoo.Names)}.");

    /// <summary>What the run reads: its output folder may not contain any of these.</summary>
    public string?[] Inputs => [Checkpoint, Weights, Images, Labels, Data, Like, OnnxModel.IsOnnxPath(Model) ? Model : null];

    /// <summary>Photos (a torchvision classifier, an ONNX model or the trained featurizer), rather than digits with LeNet.</summary>
    public bool IsPhotos => Model is not null && Model != "lenet" || Images is not null;
}
