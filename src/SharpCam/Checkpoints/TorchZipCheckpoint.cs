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
    public static LoadedCheckpoint Read(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var pickle = FindPickle(zip, path);
            var prefix = pickle.FullName[..^"data.pkl".Length];
            var bigEndian = IsBigEndian(zip, prefix, path);
            var contents = TorchPickleContents.Interpret(Unpickle(pickle, path), path, CheckpointFormat.PyTorch);
            var tensors = StorageViews.Materialize(contents.StateDict, storage => ReadStorage(zip, prefix, storage, bigEndian, path), path);
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

    private static object? Unpickle(ZipArchiveEntry pickle, string path)
    {
        using var buffer = CheckedZipEntry.Read(pickle, path, data =>
        {
            var copy = new MemoryStream();
            data.CopyTo(copy);
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
        long expected = storage.Numel * storage.DType.ElementSize();
        if (entry.Length != expected)
            throw CheckpointReadException.Damaged(path, $"storage {name} holds {entry.Length} bytes where its tensors need {expected}");
        return CheckedZipEntry.Read(entry, path, data => RawTensorData.Read(data, storage.DType, new[] { storage.Numel }, bigEndian));
    }
}
