using SharpCam.Fuzz;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Fuzz;

/// <summary>
/// Every seed (fuzz/corpus/TARGET) and every fuzzing finding kept as a regression (fuzz/regressions/TARGET) through its
/// harness, as afl-fuzz runs it but once and uninstrumented: each reader accepts the file or refuses it with its
/// documented error naming it (docs/FUZZING.md). Seconds, no fuzzing.
/// </summary>
public class ReplayTests
{
    public static TheoryData<string> Targets => new(FuzzTargets.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Targets))]
    public void EverySeedAndFindingIsAcceptedOrRefusedAsDocumented(string name)
    {
        var target = FuzzTargets.Find(name)!;
        var files = new[] { "corpus", "regressions" }
            .Select(kind => Path.Combine(RepoPaths.Root, "fuzz", kind, name))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(files);
        using var scratch = new Scratch();
        var failures = new List<string>();
        foreach (var file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file), scratch);
            }
            catch (Exception e)
            {
                failures.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {files.Count} files break the {name} reader's contract:\n" + string.Join("\n", failures));
    }
}
