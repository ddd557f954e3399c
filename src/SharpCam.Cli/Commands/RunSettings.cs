using System.ComponentModel;
using SharpCam.Runs;
using Spectre.Console.Cli;

namespace SharpCam.Cli.Commands;

/// <summary>Options of a run over a data set (explain and failures): batching, figures, bad files, the output folder, resuming.</summary>
public class RunSettings : ModelSettings
{
    [CommandOption("--batch-size <N>")] [Description("Images per forward pass (default 16).")] [DefaultValue(16)]
    public int BatchSize { get; init; } = 16;

    [CommandOption("--figures <WHICH>")]
    [Description("PNG figures for all items (default), only misclassified ones (failures), or none; maps and manifest items are always written.")]
    [DefaultValue("all")]
    public string Figures { get; init; } = "all";

    [CommandOption("--max-pixels <N>")]
    [Description("Refuse (skip, naming it) any image larger than N pixels, read from its header before decoding (default 89478485, PIL's decompression-bomb limit).")]
    [DefaultValue(ImageLimits.DefaultMaxPixels)]
    public long MaxPixels { get; init; } = ImageLimits.DefaultMaxPixels;

    [CommandOption("--fast-decode")]
    [Description("Decode JPEGs at the smallest libjpeg scale (1/8 to 8/8) that still covers the model's input: several times less decoding work per photo, slightly different model pixels from a full decode. Figures still show full-size photos.")]
    public bool FastDecode { get; init; }

    [CommandOption("--strict")] [Description("Stop at the first file that cannot be read, instead of listing it as skipped and going on.")]
    public bool Strict { get; init; }

    [CommandOption("--resume")]
    [Description("Continue the interrupted or killed run into the same --out (same options), skipping the items it finished.")]
    public bool Resume { get; init; }

    [CommandOption("--shard <K/N>")]
    [Description("Run only shard K of N (K from 0; e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT): the items whose key (photo path below the photos' folder, or split and index) hashes to K. `sharpcam merge` joins the shards.")]
    public string? Shard { get; init; }

    [CommandOption("--out <DIR>")] [Description("Output folder (put in place as a whole when the run finishes; an earlier SharpCam run there is replaced).")]
    public string Out { get; init; } = "";

    public Shard ShardSpec => Shard is null ? Runs.Shard.All : Runs.Shard.Parse(Shard);

    public PhotoDecoding Decoding => FastDecode ? PhotoDecoding.Reduced : PhotoDecoding.Full;

    public FigureMode FigureMode => Figures switch { "none" => FigureMode.None, "failures" => FigureMode.Failures, _ => FigureMode.All };

    public const string CheckpointRequired =
        "--checkpoint FILE is required for digits (e.g. runs/lenet/version_0/checkpoints/last.dat); for photos give --model NAME --images PATH.";

    public override Spectre.Console.ValidationResult Validate() =>
        base.Validate() is { Successful: false } error ? error
        : !IsPhotos && string.IsNullOrWhiteSpace(Checkpoint) ? Spectre.Console.ValidationResult.Error(CheckpointRequired)
        : string.IsNullOrWhiteSpace(Out) ? Spectre.Console.ValidationResult.Error("--out DIR is required.")
        : BatchSize < 1 ? Spectre.Console.ValidationResult.Error("--batch-size must be at least 1.")
        : MaxPixels < 1 ? Spectre.Console.ValidationResult.Error("--max-pixels must be at least 1.")
        : Shard is not null && TryShard() is { } shardError ? Spectre.Console.ValidationResult.Error(shardError)
        : Figures is not ("all" or "failures" or "none") ? Spectre.Console.ValidationResult.Error($"--figures {Figures}: use all, failures or none.")
        : Spectre.Console.ValidationResult.Success();

    private string? TryShard()
    {
        try
        {
            _ = ShardSpec;
            return null;
        }
        catch (ArgumentException e)
        {
            return e.Message;
        }
    }
}
