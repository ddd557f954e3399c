using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.Rendering;
using SharpCam.Targets;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SharpCam.Runs;

/// <summary>Which items get PNG figures (`--figures`); maps and manifest items are always written.</summary>
public enum FigureMode
{
    /// <summary>Every item (explain: heatmap and panels; failures: the compare figure of each mistake), and the grid.</summary>
    All,

    /// <summary>Only misclassified items (those with a true label the model got wrong).</summary>
    Failures,

    /// <summary>No PNGs: for thousands of items nobody opens them all.</summary>
    None,
}

/// <summary>The model-randomisation sanity check a run adds at the end, on its first <see cref="Images"/> items.</summary>
/// <param name="NewModel">A fresh instance of the architecture, for the randomised copy.</param>
/// <param name="Methods">The methods to check, each built for a given model (the run's method, and e.g. Guided Backprop for contrast).</param>
public sealed record SanityRequest(Func<Module<Tensor, Tensor>> NewModel, IReadOnlyList<Func<Module<Tensor, Tensor>, CamMethod>> Methods)
{
    public int Images { get; init; } = 16;
}

/// <summary>How a <see cref="DataSetRun"/> treats its items.</summary>
public sealed record RunOptions
{
    /// <summary>Explain every item, or analyse failures: predictions for every item, both maps for each mistake.</summary>
    public RunKind Kind { get; init; } = RunKind.Explain;
    /// <summary>What each explain map explains (failure analysis always explains the predicted and the true class).</summary>
    public TargetRule Target { get; init; } = TargetRule.Predicted;
    /// <summary>One target for every explained item instead of <see cref="Target"/>'s class, e.g. similarity to a reference photo.</summary>
    public ICamTarget? Concept { get; init; }
    public int BatchSize { get; init; } = 16;
    public int TopK { get; init; } = 5;
    public OverlayStyle Style { get; init; } = OverlayStyle.GreyDigit;
    public Device Device { get; init; } = CPU;
    public FigureMode Figures { get; init; } = FigureMode.All;
    /// <summary>An item that cannot be read stops the run instead of being skipped.</summary>
    public bool Strict { get; init; }
    /// <summary>Failure analysis: the manifest lists (and keeps the maps of) only the N most confident mistakes.</summary>
    public int? Limit { get; init; }
    /// <summary>Explain runs: faithfulness metrics per item (drop/increase in confidence, ROAD, deletion/insertion).</summary>
    public bool Metrics { get; init; }
    public SanityRequest? Sanity { get; init; }
    /// <summary>Items decoded ahead of the model (default: two batches).</summary>
    public int? ReadAhead { get; init; }
    /// <summary>Batches whose figures may wait to be drawn before the model waits for the figure stage.</summary>
    public int FigureQueue { get; init; } = 2;

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The batch size must be at least 1.");
        if (Limit is < 1) throw new ArgumentOutOfRangeException(nameof(Limit), Limit, "The limit must be at least 1.");
        if (Kind == RunKind.Failures && (Metrics || Sanity is not null))
            throw new ArgumentException("Faithfulness metrics and the sanity check belong to explain runs, not failure analysis.");
        if (Kind == RunKind.Failures && Concept is not null)
            throw new ArgumentException("Failure analysis explains the predicted and the true class; a concept target belongs to explain runs.");
    }
}
