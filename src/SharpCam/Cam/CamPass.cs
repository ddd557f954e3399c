using SharpCam.Targets;
using static TorchSharp.torch;

namespace SharpCam.Cam;

/// <summary>What a method may use while it computes its contributions: the input, the model output and the targets.</summary>
public sealed class CamPass
{
    private readonly Tensor _scored;

    internal CamPass(Tensor input, Tensor logits, Tensor scored, IReadOnlyList<ICamTarget> targets, IProgress<ProgressUpdate>? progress)
    {
        Input = input;
        Logits = logits;
        _scored = scored;
        Targets = targets;
        Progress = progress;
    }

    public Tensor Input { get; }
    public Tensor Logits { get; }
    public IReadOnlyList<ICamTarget> Targets { get; }

    /// <summary>Where methods that run many forwards report them.</summary>
    public IProgress<ProgressUpdate>? Progress { get; }

    /// <summary>Each image's target score on the unmodified input, [N].</summary>
    public Tensor Scores => CamMethod.TargetScores(_scored, Targets);
}
