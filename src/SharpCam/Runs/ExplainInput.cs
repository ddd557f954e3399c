using SharpCam.Images;
using static TorchSharp.torch;

namespace SharpCam.Runs;

/// <summary>
/// One image to explain: the tensor the model takes ([C, H, W], preprocessed), the picture people see (null when no figure needs it), and where it
/// came from. <see cref="ModelInput"/> is owned by whoever built the input list.
/// </summary>
public sealed record ExplainInput(string Id, string? Source, long? Index, Tensor ModelInput, RgbImage? Display, int? TrueLabel);
