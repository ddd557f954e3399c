using SharpCam.Explanation;
using SharpCam.Labels;
using SharpCam.Runs;

namespace SharpCam.Fuzz;

/// <summary>
/// Text a user or another machine wrote: label files (--labels), a run's journal (--resume) and its manifest (report,
/// merge, serve). An accepted journal or manifest must hold no null where its type promises a value: the code that
/// reads it next (resume, merge, the report, the explorer) trusts those types.
/// </summary>
public static class RunFileHarness
{
    /// <summary>The same text as a plain/Python-literal label file and as a JSON one (the extension picks the parser).</summary>
    public static void ReadLabels(byte[] bytes, Scratch scratch)
    {
        foreach (var name in new[] { "labels.txt", "labels.json" })
        {
            var path = scratch.Write(name, bytes);
            Expect.AcceptOrRefuse<FormatException>(path, () =>
            {
                var names = LabelFile.Read(path);
                if (names.Count == 0 || names.Names.Any(n => n is null))
                    throw new FuzzFindingException($"accepted a label file with {names.Count} names, or a null name");
            });
        }
    }

    public static void ReadJournal(byte[] bytes, Scratch scratch)
    {
        var path = scratch.Write(RunJournal.FileName, bytes);
        Expect.AcceptOrRefuse<InvalidDataException>(path, () => NullableGraph.Check(RunJournal.Read(path), "journal"));
    }

    public static void ReadManifest(byte[] bytes, Scratch scratch)
    {
        scratch.Write(RunManifest.FileName, bytes);
        Expect.AcceptOrRefuse<InvalidDataException>(scratch.Folder, () => NullableGraph.Check(RunManifest.Load(scratch.Folder), "manifest"));
    }
}
