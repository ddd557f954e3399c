namespace SharpCam.Onnx;

/// <summary>An ONNX file SharpCam cannot read or rebuild: corrupt, truncated, missing external data, unsupported op.</summary>
public sealed class OnnxFormatException(string message) : Exception(message);
