using System.Text.Json;
using System.Text.Json.Nodes;
using SharpCam.Explanation;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Explanation;

/// <summary>The manifest records against the schema documented in docs/ARCHITECTURE.md.</summary>
public class ManifestTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sharpcam-manifest-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CopyDocExample()
    {
        File.Copy(RepoPaths.Fixture("reports/manifest-doc-example.json"), Path.Combine(_dir, RunManifest.FileName));
        return _dir;
    }

    [Fact]
    public void ReadsTheDocumentedExample()
    {
        var manifest = RunManifest.Load(CopyDocExample());
        Assert.Equal(RunKind.Explain, manifest.Kind);
        Assert.Equal(new DateTime(2026, 11, 25, 19, 0, 0, DateTimeKind.Utc), manifest.Created);
        Assert.Equal(DateTimeKind.Utc, manifest.Created.Kind);
        Assert.Equal([28, 28], manifest.Model.InputSize);
        Assert.Equal("divide-by-max", manifest.Normalization);
        Assert.Equal("figures/grid.png", manifest.Figures?.Grid);
        var item = Assert.Single(manifest.Items);
        Assert.Equal(3, item.Index);
        Assert.Equal(0, item.TrueLabel);
        Assert.Equal(0.99, Assert.Single(item.TopK!).Probability);
        Assert.Equal("figures/test-0003_panels.png", item.Figures?.Panels);
        Assert.Equal([8, 8], item.MapShape);
    }

    [Fact]
    public void WritesBackEveryDocumentedNameAndNothingElse()
    {
        var dir = CopyDocExample();
        var original = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, RunManifest.FileName)))!;
        RunManifest.Load(dir).Save(dir);
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, RunManifest.FileName)))!;
        // "tool" has a default and is written even when absent; here it is present in both.
        Assert.Equal(Paths(original).Order(), Paths(written).Order());
        Assert.Equal("explain", written["kind"]!.GetValue<string>());
        Assert.Equal("2026-11-25T19:00:00Z", written["created"]!.GetValue<string>());
    }

    [Fact]
    public void OptionalSectionsRoundTrip()
    {
        var manifest = RunManifest.Load(CopyDocExample()) with
        {
            Kind = RunKind.Failures,
            Evaluation = new Evaluation { TestLoss = 0.44, TestAcc = 0.84, N = 10_000, PerClassAccuracy = [0.9, null], Confusion = [[9, 1], [2, 8]] },
            Metrics = [new MetricSeries { Name = "road_combined", Method = "gradcam", Values = [0.1, 0.3], Mean = 0.2, HigherIsBetter = true }],
            Sanity = new SanityCheck { Figure = "figures/sanity.png", Measure = "spearman", Methods = [new SanityMethod { Method = "gradcam", Steps = [new SanityStep { Layer = "fc.4", Correlation = 0.3 }] }] },
            Failures = new FailureSection { Items = [new ManifestItem { Id = "x", PredictedLabel = 1, Confidence = 0.9, Maps = new ItemMaps { Predicted = "maps/x_pred.npy", True = "maps/x_true.npy" } }] },
        };
        manifest.Save(_dir);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, RunManifest.FileName)))!;
        Assert.Equal("failures", json["kind"]!.GetValue<string>());
        Assert.Equal(0.84, json["evaluation"]!["test_acc"]!.GetValue<double>());
        Assert.Null(json["evaluation"]!["per_class_accuracy"]![1]);
        Assert.True(json["metrics"]![0]!["higher_is_better"]!.GetValue<bool>());
        Assert.Equal("maps/x_true.npy", json["failures"]!["items"]![0]!["maps"]!["true"]!.GetValue<string>());
        Assert.Null(json["failures"]!["items"]![0]!["true_label"]); // nulls are left out, not written as null

        var read = RunManifest.Load(_dir);
        Assert.Equal(manifest.Evaluation.Confusion![1], read.Evaluation!.Confusion![1]);
        Assert.Equal(0.3, read.Sanity!.Methods[0].Steps[0].Correlation);
    }

    [Fact]
    public void MissingFolderManifestOrFieldsNameTheFile()
    {
        var missingDir = Path.Combine(_dir, "nope");
        Assert.Contains(missingDir, Assert.Throws<DirectoryNotFoundException>(() => RunManifest.Load(missingDir)).Message);

        var manifestPath = Path.Combine(_dir, RunManifest.FileName);
        Assert.Contains(manifestPath, Assert.Throws<FileNotFoundException>(() => RunManifest.Load(_dir)).Message);

        File.WriteAllText(manifestPath, "{ \"kind\": \"explain\", ");
        Assert.Contains(manifestPath, Assert.Throws<InvalidDataException>(() => RunManifest.Load(_dir)).Message);

        File.WriteAllText(manifestPath, "{ \"tool\": \"sharpcam\", \"version\": \"0.1.0\", \"created\": \"2026-11-25T19:00:00Z\", \"kind\": \"explain\", \"items\": [] }");
        var missingModel = Assert.Throws<InvalidDataException>(() => RunManifest.Load(_dir)).Message;
        Assert.Contains(manifestPath, missingModel);
        Assert.Contains("model", missingModel);

        File.WriteAllText(manifestPath, "{ \"kind\": \"bogus\" }");
        Assert.Contains(manifestPath, Assert.Throws<InvalidDataException>(() => RunManifest.Load(_dir)).Message);
    }

    /// <summary>Every property path of a JSON tree, array indices collapsed: "items[].top_k[].class".</summary>
    private static IEnumerable<string> Paths(JsonNode node, string prefix = "") => node switch
    {
        JsonObject o => o.SelectMany(p => new[] { prefix + p.Key }.Concat(p.Value is null ? [] : Paths(p.Value, prefix + p.Key + "."))),
        JsonArray a => a.Where(e => e is JsonObject).SelectMany(e => Paths(e!, prefix.TrimEnd('.') + "[].")).Distinct(),
        _ => [],
    };
}
