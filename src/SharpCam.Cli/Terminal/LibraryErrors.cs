namespace SharpCam.Cli.Terminal;

/// <summary>
/// The library names what was wrong in its own terms (<see cref="InvalidRequestException.Parameter"/>); the command
/// line says it with the option a user typed.
/// </summary>
public static class LibraryErrors
{
    /// <summary>Library parameter → what a user of the command line gave for it.</summary>
    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        ["Target"] = "--class", ["Metrics"] = "--metrics", ["Sanity"] = "--sanity", ["Method"] = "--method",
        ["LabelsFile"] = "--labels", ["Weights"] = "--weights", ["NumClasses"] = "--num-classes", ["InputSize"] = "--input-size",
        ["Output"] = "--output", ["Indices"] = "--indices", ["Layers"] = "--layer", ["MaxPixels"] = "--max-pixels",
        ["FailureAnalysis"] = "failures (it analyses a classifier's mistakes)", ["Resume"] = "--resume",
    };

    /// <summary>
    /// The message of a library error that names a parameter the command line has an option for, as the command line
    /// says it; null for any other error.
    /// </summary>
    public static string? Describe(Exception error) => error switch
    {
        InvalidRequestException request => Describe(request),
        StrictRunStoppedException stopped => $"{stopped.Reason} (--strict: a file that cannot be read stops the run)",
        ArgumentException { ParamName: { } name } plain when Options.TryGetValue(name, out var option) =>
            $"{option}: {plain.Message.Replace($" (Parameter '{name}')", "")}",
        _ => null,
    };

    private static string Describe(InvalidRequestException error)
    {
        var name = Options.GetValueOrDefault(error.Parameter, error.Parameter);
        var problem = error is NoClassScoresException noScores
            ? $"{noScores.Model} has no class scores (its output is features). Explain it with `sharpcam explain --method eigencam` " +
              "(no class needed) or `--like FILE` (similarity to a photo)."
            : error.Problem;
        return error.Value is null ? $"{name}: {problem}" : $"{name} {error.Value}: {problem}";
    }
}
