using SharpCam.Targets;

namespace SharpCam.Explanation;

/// <summary>Which class each image's map explains: its prediction, its true label, or one fixed class (`--class pred|true|N`).</summary>
public sealed record TargetRule(string Kind, int? FixedClass = null)
{
    public static readonly TargetRule Predicted = new("pred");
    public static readonly TargetRule True = new("true");

    /// <summary>Parses `pred`, `true`, a class index, or a class name (exact, or a unique case-insensitive prefix).</summary>
    public static TargetRule Parse(string text, IReadOnlyList<string> classNames)
    {
        var value = text.Trim();
        if (value.Equals("pred", StringComparison.OrdinalIgnoreCase)) return Predicted;
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) return True;
        if (int.TryParse(value, out var index))
            return index >= 0 && index < classNames.Count
                ? new TargetRule("class", index)
                : throw new ArgumentException($"--class {value}: the model has classes 0-{classNames.Count - 1}.");
        var exact = classNames.Select((n, i) => (n, i)).Where(c => c.n.Equals(value, StringComparison.OrdinalIgnoreCase)).ToList();
        var matches = exact.Count > 0 ? exact
            : classNames.Select((n, i) => (n, i)).Where(c => c.n.StartsWith(value, StringComparison.OrdinalIgnoreCase)).ToList();
        return matches.Count switch
        {
            1 => new TargetRule("class", matches[0].i),
            0 => throw new ArgumentException($"--class {value}: not pred, true, a class index or a class name."),
            _ => throw new ArgumentException($"--class {value} is ambiguous: {string.Join(", ", matches.Take(10).Select(m => $"{m.i} ({m.n})"))}."),
        };
    }

    /// <summary>The target of one image for the `true` and fixed-class rules (`pred` needs the model's output).</summary>
    public ICamTarget For(int? trueLabel) => Kind switch
    {
        "pred" => throw new InvalidOperationException("The predicted class comes from the forward pass; pass no target."),
        "true" => new ClassLogitTarget(trueLabel ?? throw new ArgumentException(
            "--class true needs true labels, and this image has none (use an ImageFolder layout or --class pred).")),
        _ => new ClassLogitTarget(FixedClass!.Value),
    };

    public override string ToString() => Kind == "class" ? FixedClass!.Value.ToString() : Kind;
}
