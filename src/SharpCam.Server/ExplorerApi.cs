using SharpCam.Layers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SharpCam.Cam;

namespace SharpCam.Server;

/// <summary>The routes: the page, then /api (JSON, pictures and downloads). Nothing else answers but 404.</summary>
public static class ExplorerApi
{
    public static void Map(IEndpointRouteBuilder app, Explorer explorer, ServeOptions options,
                           IReadOnlyDictionary<string, (byte[] Bytes, string Type)> page)
    {
        foreach (var (path, (bytes, type)) in page)
            app.MapGet(path, (HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-cache";
                return Results.Bytes(bytes, type);
            });

        app.MapGet("/api/run", () => Json(RunSummary(explorer, options)));
        app.MapGet("/api/items", (HttpContext context) => Json(Page(explorer, ItemQuery.Parse(context.Request.Query, explorer.Run.Names.Count))));
        app.MapGet("/api/subjects/{key}/picture.png", (string key) => Png(explorer.PicturePng(key)));
        app.MapGet("/api/subjects/{key}/thumbnail.png", (string key) => Png(explorer.ThumbnailPng(key)));
        app.MapPost("/api/explain", async (HttpContext context) =>
        {
            var request = await context.Request.ReadFromJsonAsync<ExplainRequest>(context.RequestAborted)
                          ?? throw new RequestRefusedException(400, "Send a JSON object: {\"subject\": …, \"method\": …}.");
            return Json(Describe(explorer, await explorer.ExplainAsync(request, context.RequestAborted)));
        });
        app.MapPost("/api/uploads", async (HttpContext context) =>
        {
            var bytes = await ReadUpload(context, options);
            var name = Uri.UnescapeDataString(context.Request.Headers["X-File-Name"].ToString());
            var subject = await explorer.UploadAsync(bytes, name, context.RequestAborted);
            return Json(new { subject = subject.Key, title = subject.Title, width = subject.Display.Width, height = subject.Display.Height });
        });
        app.MapGet("/api/results/{id}/heatmap.png", (string id) => Png(explorer.HeatmapPng(id)));
        app.MapGet("/api/results/{id}/overlay.png", (string id) => Download(explorer.OverlayPng(id), "image/png", explorer.FindResult(id), "overlay.png"));
        app.MapGet("/api/results/{id}/panels.png", (string id) => Download(explorer.PanelsPng(id), "image/png", explorer.FindResult(id), "panels.png"));
        app.MapGet("/api/results/{id}/map.npy", (string id) => Download(explorer.MapNpy(id), "application/octet-stream", explorer.FindResult(id), "map.npy"));
        app.MapPost("/api/results/{id}/metrics", async (string id, HttpContext context) =>
        {
            var metrics = await explorer.MetricsAsync(id, context.RequestAborted);
            return Json(new { metrics = metrics.Select(m => new { name = m.Name, value = m.Values[0], higher_is_better = m.HigherIsBetter }) });
        });
    }

    private static IResult Json(object value) => Results.Json(value, ExplorerServer.Json);

    private static IResult Png(byte[] bytes) => Results.Bytes(bytes, "image/png");

    /// <summary>A file to save: its name says what it shows (item, method, class).</summary>
    private static IResult Download(byte[] bytes, string type, ServedExplanation explained, string what)
    {
        var name = $"{explained.Subject.Key}_{explained.Method}_class{explained.TargetClass}_{what}";
        return Results.File(bytes, type, new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '+' ? c : '_').ToArray()));
    }

    private static object RunSummary(Explorer explorer, ServeOptions options)
    {
        var run = explorer.Run;
        var confusion = explorer.Index.Confusion;
        var classes = run.Names.Count;
        return new
        {
            run_dir = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(run.RunDir))),
            kind = run.Kind, architecture = run.Architecture, digits = run.IsDigits,
            input_size = new[] { run.InputShape[^2], run.InputShape[^1] },
            method = run.Method, layer = run.DefaultLayer, normalization = run.Normalization,
            accuracy = run.Accuracy, evaluated = run.EvaluatedCount, count = explorer.Index.Count,
            class_names = run.Names.Names,
            methods = CamMethods.All.Select(m => new { name = m.Name, description = m.Description, uses_layers = m.UsesTargetLayers }),
            layers = run.Layers.Select(l => new
            {
                name = l.Name, type = l.Type, shape = l.OutputShape, spatial = l.FeatureMapShape is not null,
                depth = l.Name.Length == 0 ? 0 : l.Name.Count(c => c == '.') + 1,
            }),
            confusion = Enumerable.Range(0, classes).Select(t => Enumerable.Range(0, classes).Select(p => confusion[t, p])),
            limits = new { upload_bytes = options.MaxUploadBytes, upload_pixels = options.MaxUploadPixels, queue = options.QueueLength },
        };
    }

    private static object Page(Explorer explorer, ItemQuery query)
    {
        var page = explorer.Index.Query(query);
        return new
        {
            total = page.Total, offset = page.Offset, limit = query.Limit,
            items = page.Items.Select(i => new
            {
                id = i.Id, true_label = i.TrueLabel, true_name = i.TrueName, predicted = i.Predicted, predicted_name = i.PredictedName,
                confidence = i.Confidence, mistake = i.IsMistake, thumbnail = SubjectUrl(i.Id, "thumbnail.png"),
            }),
        };
    }

    private static object Describe(Explorer explorer, ServedExplanation e)
    {
        var names = explorer.Run.Names;
        var baseUrl = $"/api/results/{e.Id}";
        return new
        {
            id = e.Id, subject = e.Subject.Key, title = e.Subject.Title, true_label = e.Subject.TrueLabel,
            true_name = e.Subject.TrueLabel is { } t ? names.NameOf(t) : null,
            method = e.Method, layer = LayerNames.Join(e.Layers), normalization = e.Normalization,
            target_class = e.TargetClass, target_name = names.NameOf(e.TargetClass),
            predicted = e.Predicted, predicted_name = names.NameOf(e.Predicted),
            top_k = e.Probabilities.Select((p, c) => (p, c)).OrderByDescending(x => x.p).Take(5)
                .Select(x => new { @class = x.c, name = names.NameOf(x.c), probability = x.p }),
            map_shape = new[] { e.Map.GetLength(0), e.Map.GetLength(1) },
            server_ms = Math.Round(e.ServerMilliseconds, 2),
            urls = new
            {
                picture = SubjectUrl(e.Subject.Key, "picture.png"), heatmap = $"{baseUrl}/heatmap.png", overlay = $"{baseUrl}/overlay.png",
                panels = $"{baseUrl}/panels.png", npy = $"{baseUrl}/map.npy",
            },
        };
    }

    private static string SubjectUrl(string key, string file) => $"/api/subjects/{Uri.EscapeDataString(key)}/{file}";

    /// <summary>Reads the upload body up to the byte limit; a larger one is refused before it is all received.</summary>
    private static async Task<byte[]> ReadUpload(HttpContext context, ServeOptions options)
    {
        if (context.Request.ContentLength > options.MaxUploadBytes)
            throw new RequestRefusedException(413, $"The file is {context.Request.ContentLength / 1e6:F1} MB; the limit is {options.MaxUploadBytes / 1e6:F0} MB. Scale the picture down.");
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        return body.ToArray();
    }
}
