using SharpCam.Explanation;
using SharpCam.Reports;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Reports;

/// <summary>The two real run folders, built once for all report tests (about a second) in a temporary folder.</summary>
public sealed class ReportRunsFixture : IDisposable
{
    public const string Collection = "report runs";

    private readonly string? _root;

    public ReportRunsFixture()
    {
        if (SharedData.Root is null) return; // every test that needs these is skipped
        _root = Directory.CreateTempSubdirectory("sharpcam-report-").FullName;
        ExplainDir = Path.Combine(_root, "explain");
        FailuresDir = Path.Combine(_root, "failures");
        Explain = ReportRunFolder.BuildExplain(ExplainDir);
        Failures = ReportRunFolder.BuildFailures(FailuresDir);
    }

    public string ExplainDir { get; } = "";
    public string FailuresDir { get; } = "";
    public RunManifest Explain { get; } = null!;
    public RunManifest Failures { get; } = null!;

    private ReportResult? _explainReport, _failuresReport;

    /// <summary>The explain run's report, written once outside the run folder.</summary>
    public ReportResult ExplainReport => _explainReport ??= HtmlReport.Generate(ExplainDir, Path.Combine(_root!, "explain.html"));
    public ReportResult FailuresReport => _failuresReport ??= HtmlReport.Generate(FailuresDir, Path.Combine(_root!, "failures.html"));

    /// <summary>A fresh copy of a run folder that a test may change.</summary>
    public string Copy(string runDir, string name)
    {
        var target = Path.Combine(_root!, name + "-" + Guid.NewGuid().ToString("N")[..6]);
        foreach (var file in Directory.EnumerateFiles(runDir, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(runDir, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return target;
    }

    public void Dispose()
    {
        if (_root is not null) Directory.Delete(_root, recursive: true);
    }
}

[CollectionDefinition(ReportRunsFixture.Collection)]
public sealed class ReportRunsCollection : ICollectionFixture<ReportRunsFixture>;
