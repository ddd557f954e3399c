using System.IO.Compression;
using SharpCam.Checkpoints.Pickle;
using TorchSharp;
using static TorchSharp.torch;

namespace SharpCam.Checkpoints;

/// <summary>
/// <c>torch.save</c>'s zip format (torch ≥ 1.6, also Lightning's <c>.ckpt</c>): <c>&lt;name&gt;/data.pkl</c> is the
/// pickle, <c>&lt;name&gt;/data/&lt;key&gt;</c> the raw storages, and an optional <c>&lt;name&gt;/byteorder</c>
/// ("little" or "big", torch ≥ 2.1) says how they were written.
/// </summary>
internal static class TorchZipCheckpoint
{
    public static LoadedCheckpoint Read(string path, TensorSelector? select = null)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var pickle = FindPickle(zip, path);
            var prefix = pickle.FullName[..^"data.pkl".Length];
            var bigEndian = IsBigEndian(zip, prefix, path);
            var contents = TorchPickleContents.Interpret(Unpickle(pickle, path), path, CheckpointFormat.PyTorch);
            var tensors = StorageViews.Materialize(contents.StateDict, select, storage => ReadStorage(zip, prefix, storage, bigEndian, path), path);
            return new LoadedCheckpoint(tensors, contents.Metadata, contents.Metadata.Format!);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            throw CheckpointReadException.Damaged(path, $"it is a broken zip archive ({e.Message})",
                                                  "copy it again, or re-save it with torch.save", e);
        }
    }

    private static ZipArchiveEntry FindPickle(ZipArchive zip, string path)
    {
        var pickles = zip.Entries.Where(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) && e.FullName.Count(c => c == '/') == 1).ToList();
        if (pickles.Count == 1) return pickles[0];
        var names = string.Join(", ", zip.Entries.Take(6).Select(e => e.FullName)) + (zip.Entries.Count > 6 ? ", …" : "");
        throw new CheckpointReadException(
            $"{path} is a zip archive but not a PyTorch checkpoint: it has {(pickles.Count == 0 ? "no" : "more than one")} " +
            $"<name>/data.pkl (entries: {names}). Save PyTorch weights with torch.save(model.state_dict(), path).");
    }

    private static bool IsBigEndian(ZipArchive zip, string prefix, string path)
    {
        var entry = zip.GetEntry(prefix + "byteorder");
        if (entry is null) return false;
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd().Trim() switch
        {
            "little" => false,
            "big" => true,
            var other => throw CheckpointReadException.Damaged(path, $"its byteorder record says '{other}' (expected 'little' or 'big')"),
        };
    }

    /// <summary>The pickle is read into memory whole, so its declared size is checked first and enforced while inflating.</summary>
    private static object? Unpickle(ZipArchiveEntry pickle, string path)
    {
        if (pickle.Length > CheckpointLimits.MaxPickleBytes)
            throw new CheckpointReadException(
                $"Refusing to load {path}: its pickle {pickle.FullName} is {pickle.Length:N0} bytes; a state dict's pickle holds only " +
                $"names and shapes, and SharpCam reads at most {CheckpointLimits.MaxPickleBytes:N0}. Re-save only the weights: " +
                "torch.save(model.state_dict(), path).");
        using var buffer = CheckedZipEntry.Read(pickle, path, data =>
        {
            var copy = new MemoryStream((int)pickle.Length);
            var chunk = new byte[1 << 16];
            for (int n; (n = data.Read(chunk)) > 0 && copy.Length <= pickle.Length;) copy.Write(chunk, 0, n);
            if (copy.Length != pickle.Length)
                throw CheckpointReadException.Damaged(path, $"{pickle.FullName} inflates to {copy.Length:N0} bytes, not the {pickle.Length:N0} it declares");
            return copy;
        });
        buffer.Position = 0;
        return PickleMachine.Load(buffer, path);
    }

    private static Tensor ReadStorage(ZipArchive zip, string prefix, StorageRef storage, bool bigEndian, string path)
    {
        var name = $"{prefix}data/{storage.Key}";
        var entry = zip.GetEntry(name)
                    ?? throw CheckpointReadException.Damaged(path, $"storage {name} is missing from the archive");
        long expected = StorageViews.ByteLength(storage, path);
        if (entry.Length != expected)
            throw CheckpointReadException.Damaged(path, $"storage {name} holds {entry.Length} bytes where its tensors need {expected}");
        CheckpointLimits.CheckInflation(entry, path);
        return CheckedZipEntry.Read(entry, path, data => RawTensorData.Read(data, storage.DType, new[] { storage.Numel }, bigEndian));
    }
}
