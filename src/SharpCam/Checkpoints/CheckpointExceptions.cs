namespace SharpCam.Checkpoints;

/// <summary>
/// A checkpoint file that cannot be read: missing parts, damaged bytes, an unknown format, or contents that are not
/// model weights. The message names the file, the problem and what to do.
/// </summary>
public class CheckpointReadException(string message, Exception? inner = null) : IOException(message, inner)
{
    /// <summary>A file whose bytes do not add up: <paramref name="problem"/> says what, <paramref name="fix"/> what to do.</summary>
    public static CheckpointReadException Damaged(string path, string problem, string fix = "re-save it with torch.save", Exception? inner = null) =>
        new($"Cannot read {path}: {problem}. The file is damaged or cut short; {fix}.", inner);
}

/// <summary>
/// A pickle that would run or build something other than tensors and plain containers (e.g. <c>posix.system</c>).
/// It is refused before any tensor is created, and nothing it names is ever executed.
/// </summary>
public sealed class UnsafeCheckpointException(string path, string global, string action)
    : CheckpointReadException(
        $"Refusing to load {path}: its pickle {action} the Python global '{global}', which SharpCam's allow-list does not " +
        "permit (it permits tensors, storages, OrderedDict, plain containers, Lightning's AttributeDict). Loading it in Python " +
        "would run that code. If you trust the file, re-save only the weights in Python: " +
        "torch.save(model.state_dict(), 'weights.pth') or safetensors.torch.save_file(model.state_dict(), 'weights.safetensors').")
{
    /// <summary>The refused global as module.name, e.g. <c>posix.system</c>.</summary>
    public string Global { get; } = global;
}
