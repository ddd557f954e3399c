namespace SharpCam.Labels;

/// <summary>When a prediction is a mistake: the item has a true label and the model predicted another class.</summary>
public static class Mistake
{
    public static bool Is(int? trueLabel, int predicted) => trueLabel is { } t && t != predicted;
}
