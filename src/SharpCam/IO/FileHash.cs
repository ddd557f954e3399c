using System.IO.Hashing;

namespace SharpCam.IO;

/// <summary>A fast fingerprint of a file's bytes ("xxh128:" and hex): shards of one run must have read the same weights.</summary>
public static class FileHash
{
    public static string Of(string path)
    {
        var hash = new XxHash128();
        using (var stream = File.OpenRead(path)) hash.Append(stream);
        return "xxh128:" + Convert.ToHexStringLower(hash.GetCurrentHash());
    }
}
