using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using SharpCam.Reports;

namespace SharpCam.Tests.Reports;

/// <summary>A written report parsed as a browser would: its HTML, and the item data its script renders the galleries from.</summary>
public sealed class ReportPage
{
    public ReportPage(string path)
    {
        Path = path;
        Document = new HtmlParser().ParseDocument(File.ReadAllText(path));
        Data = JsonNode.Parse(Document.GetElementById(GallerySection.DataId)!.TextContent)!;
    }

    public string Path { get; }
    public IDocument Document { get; }
    public JsonNode Data { get; }

    /// <summary>A gallery's item records, in display order.</summary>
    public IReadOnlyList<JsonNode> Items(string gallery) => Data["galleries"]![gallery]!.AsArray().Select(n => n!).ToList();

    /// <summary>A URL of the page (relative to it) as a file path.</summary>
    public string FileOf(string url) => new Uri(new Uri(Path), url).LocalPath;
}
