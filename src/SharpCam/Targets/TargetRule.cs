using SharpCam.Labels;

namespace SharpCam.Targets;

/// <summary>Which class each image's map explains: its prediction, its true label, or one fixed class (`--class pred|true|N`).</summary>
public sealed record TargetRule(string Kind, int? FixedClass = null)
{
    public static readonly TargetRule Predicted = new("pred");
    public static readonly TargetRule True = new("true");

    /// <summary>Parses `pred`, `true`, a class index, or a class name (as <see cref="ClassNames.Resolve"/> matches them).</summary>
    public static TargetRule Parse(string text, ClassNames names)
    {
        var value = text.Trim();
        if (value.Equals("pred", StringComparison.OrdinalIgnoreCase)) return Predicted;
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) return True;
        try { return new TargetRule("class", names.Resolve(value)); }
        catch (ArgumentException e) { throw new InvalidRequestException("Target", value, $"{e.Message} (or use pred / true)"); }
    }

    /// <summary>The target of one image for the `true` and fixed-class rules (`pred` needs the model's output).</summary>
    public ICamTarget For(int? trueLabel) => Kind switch
    {
        "pred" => throw new InvalidOperationException("The predicted class comes from the forward pass; pass no target."),
        "true" => new ClassLogitTarget(trueLabel ?? throw new ArgumentException(
            "The true-class target needs true labels, and this image has none (use an ImageFolder layout, or explain the predicted class).", "Target")),
        _ => new ClassLogitTarget(FixedClass!.Value),
    };

    public override string ToString() => Kind == "class" ? FixedClass!.Value.ToString() : Kind;
}
