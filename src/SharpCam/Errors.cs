namespace SharpCam;

/// <summary>
/// A value the caller gave that the library cannot use, naming it in the library's terms: <see cref="Parameter"/> is the
/// parameter or request field (e.g. "Target", "LabelsFile"), <see cref="Value"/> what was given. Front ends (the CLI)
/// map <see cref="Parameter"/> to their own names for it; the message alone reads "Parameter value: problem".
/// </summary>
public class InvalidRequestException(string parameter, string? value, string problem)
    : ArgumentException(problem, parameter)
{
    public string Parameter { get; } = parameter;
    public string? Value { get; } = value;

    /// <summary>What is wrong and how to fix it, without the parameter's name.</summary>
    public string Problem { get; } = problem;

    public override string Message => Value is null ? $"{Parameter}: {Problem}" : $"{Parameter} {Value}: {Problem}";
}

/// <summary>Something was asked that needs class scores of a model that has none (its output is features).</summary>
public sealed class NoClassScoresException(string parameter, string? value, string model)
    : InvalidRequestException(parameter, value,
        $"{model} has no class scores (its output is features). Explain it with a method that needs no class (Eigen-CAM) " +
        "or with similarity to a reference photo (ConceptSimilarityTarget).")
{
    /// <summary>The model, as a person knows it ("the trained featurizer", a file name).</summary>
    public string Model { get; } = model;
}

/// <summary>A strict run (<c>RunOptions.Strict</c>) met an item it cannot read, and stopped.</summary>
public sealed class StrictRunStoppedException(string reason)
    : IOException($"{reason} (a strict run stops at the first file that cannot be read)")
{
    /// <summary>Why the item could not be read, naming its file.</summary>
    public string Reason { get; } = reason;
}
