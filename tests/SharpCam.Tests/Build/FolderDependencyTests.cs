using System.Text.RegularExpressions;
using SharpCam.Tests.Support;

namespace SharpCam.Tests.Build;

/// <summary>
/// The library's folders form layers (docs/ARCHITECTURE.md draws them): a folder may use only folders below it, so
/// the graph of references between folders has no cycle. A reference is any mention of another folder's namespace
/// (<c>using SharpCam.Cam;</c>, <c>SharpCam.Cam.GradCam</c>) in a folder's source.
/// </summary>
public partial class FolderDependencyTests
{
    private static readonly string Library = Path.Combine(RepoPaths.Root, "src", "SharpCam");

    [GeneratedRegex(@"\bSharpCam\.([A-Z]\w*)")]
    private static partial Regex NamespaceReference();

    /// <summary>Folder → the other library folders its source refers to.</summary>
    public static Dictionary<string, SortedSet<string>> Graph()
    {
        var folders = Directory.GetDirectories(Library).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).Select(f => f!).ToHashSet();
        var graph = folders.ToDictionary(f => f, _ => new SortedSet<string>(StringComparer.Ordinal));
        foreach (var folder in folders)
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Library, folder), "*.cs", SearchOption.AllDirectories))
                foreach (Match match in NamespaceReference().Matches(File.ReadAllText(file)))
                    if (match.Groups[1].Value is var other && other != folder && folders.Contains(other))
                        graph[folder].Add(other);
        return graph;
    }

    [Fact]
    public void NoCycleBetweenLibraryFolders()
    {
        var graph = Graph();
        var cycle = FindCycle(graph);
        Assert.True(cycle is null, $"Folders of src/SharpCam refer to each other in a cycle: {string.Join(" → ", cycle ?? [])}. " +
                                   "Move the type that closes it to the lower folder (see docs/ARCHITECTURE.md for the order).");
    }

    [Fact]
    public void ArchitectureDocNamesEveryFolderAndItsReferences()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "ARCHITECTURE.md"));
        foreach (var (folder, uses) in Graph())
        {
            Assert.Contains($"`{folder}/`", doc);
            foreach (var used in uses) Assert.Contains($"{folder} --> {used}", doc);
        }
    }

    /// <summary>A cycle as a path (first folder repeated at the end), or null.</summary>
    private static List<string>? FindCycle(Dictionary<string, SortedSet<string>> graph)
    {
        var state = new Dictionary<string, int>();   // 1: on the current path, 2: finished
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in graph[node])
            {
                if (state.GetValueOrDefault(next) == 1) return [.. path.SkipWhile(n => n != next), next];
                if (state.GetValueOrDefault(next) == 0 && Visit(next) is { } found) return found;
            }
            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }
        foreach (var node in graph.Keys.Order(StringComparer.Ordinal))
            if (state.GetValueOrDefault(node) == 0 && Visit(node) is { } cycle) return cycle;
        return null;
    }
}
