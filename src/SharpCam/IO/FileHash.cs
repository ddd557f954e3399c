using System.IO.Hashing;

namespace SharpCam.IO;

/// <summary>A fast fingerprint of a file's bytes ("xxh128:" and hex): shards of one run must have read the same weights.</summary>
public static class FileHash
{
    /// <summary>The hash of the files' bytes one after the other (a model made of several files, e.g. the trained featurizer's two graphs).</summary>
    public static string Of(params string[] paths)
    {
        var hash = new XxHash128();
        foreach (var path in paths)
            using (var stream = File.OpenRead(path)) hash.Append(stream);
        return "xxh128:" + Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
