using SharpCam.Layers;
using System.Diagnostics;
using SharpCam.Cam;
using SharpCam.Explanation;
using SharpCam.IO;
using SharpCam.Images;
using SharpCam.Rendering;
using SharpCam.Targets;
using static TorchSharp.torch;
using SharpCam.Runs;

namespace SharpCam.Server;

/// <summary>
/// What the server does, without HTTP: pages the run's items, re-explains any item or upload with any method, layer,
/// target and normalisation (one model call at a time, <see cref="ModelGate"/>), and renders the results' figures
/// and downloads. Caches are bounded, so memory stays flat however long the page is used.
/// </summary>
public sealed class Explorer : IDisposable
{
    private readonly ServeOptions _options;
    private readonly BoundedCache<Subject> _items;
    private readonly BoundedCache<Subject> _uploads;
    private readonly BoundedCache<ServedExplanation> _results;
    private readonly BoundedCache<byte[]> _pictures;
    private readonly ScratchFiles _files = new();
    private long _nextId;

    public Explorer(ServedRun run, ServeOptions options)
    {
        Run = run;
        _options = options;
        Index = new ItemIndex(run.Items, run.Names.Count);
        Gate = new ModelGate(options.QueueLength);
        _items = new BoundedCache<Subject>(options.ResultsKept);
        _uploads = new BoundedCache<Subject>(Math.Max(4, options.ResultsKept / 4));
        _results = new BoundedCache<ServedExplanation>(options.ResultsKept);
        _pictures = new BoundedCache<byte[]>(4 * options.ResultsKept);
    }

    public ServedRun Run { get; }
    public ItemIndex Index { get; }
    public ModelGate Gate { get; }
    public const string UploadPrefix = "upload-";

    /// <summary>An item (read on first use) or an upload, by id.</summary>
    public Subject FindSubject(string key) =>
        key.StartsWith(UploadPrefix, StringComparison.Ordinal)
            ? _uploads.Find(key) ?? throw new UnknownIdException("upload", key)
            : Run.HasItem(key) ? _items.GetOrAdd(key, () => Run.LoadItem(key, _options.DisplaySide)) : throw new UnknownIdException("item", key);

    /// <summary>
    /// Checks, decodes and keeps an uploaded picture (<see cref="UploadedImage"/>), preprocessed for the run's model;
    /// decoding waits its turn like a model call, so a flood of uploads cannot run many decoders at once.
    /// </summary>
    public Task<Subject> UploadAsync(byte[] bytes, string? fileName, CancellationToken cancellation = default)
    {
        var header = UploadHeader.Inspect(bytes, _options.MaxUploadPixels);
        return Gate.RunAsync(() =>
        {
            var key = $"{UploadPrefix}{Interlocked.Increment(ref _nextId)}";
            var subject = UploadedImage.Decode(key, bytes, header, fileName, Run, _options.DisplaySide, _files);
            _uploads.Add(key, subject);
            return subject;
        }, cancellation);
    }

    /// <summary>Explanations kept now (at most <see cref="ServeOptions.ResultsKept"/>).</summary>
    public int ResultsHeld => _results.Count;

    public ServedExplanation FindResult(string id) => _results.Find(id) ?? throw new UnknownIdException("explanation", id);

    /// <summary>Explains one subject as <paramref name="request"/> asks; waits its turn for the model, or is refused (429).</summary>
    public Task<ServedExplanation> ExplainAsync(ExplainRequest request, CancellationToken cancellation = default)
    {
        var (method, layers, normalization) = Validate(request);
        return Gate.RunAsync(() =>
        {
            var clock = Stopwatch.StartNew();
            var subject = FindSubject(request.Subject);
            var target = TargetOf(request.Target, subject);
            using var scope = NewDisposeScope();
            var cam = CreateMethod(method, layers, normalization);
            using var result = cam.Explain(subject.ToBatch(Run.Device), target is null ? null : [new ClassLogitTarget(target.Value)]);
            var probabilities = result.Logits.softmax(1)[0].cpu().data<float>().Select(p => (double)p).ToArray();
            var map = TensorImages.ToArray(result.FeatureMaps[0]);
            var explained = new ServedExplanation($"r{Interlocked.Increment(ref _nextId)}", subject, method, layers, normalization,
                result.Targets[0].ClassIndex!.Value, map, probabilities, clock.Elapsed.TotalMilliseconds);
            _results.Add(explained.Id, explained);
            return explained;
        }, cancellation);
    }

    /// <summary>Faithfulness metrics of a kept explanation (drop/increase in confidence, ROAD, deletion/insertion).</summary>
    public Task<IReadOnlyList<MetricSeries>> MetricsAsync(string resultId, CancellationToken cancellation = default)
    {
        var explained = FindResult(resultId);
        return Gate.RunAsync(() =>
        {
            using var scope = NewDisposeScope();
            var cam = CreateMethod(explained.Method, explained.Layers, explained.Normalization);
            return QualityChecks.Faithfulness(cam, explained.Subject.ToBatch(Run.Device), [new ClassLogitTarget(explained.TargetClass)]);
        }, cancellation);
    }

    /// <summary>The subject's picture as the page shows it.</summary>
    public byte[] PicturePng(string key) => _pictures.GetOrAdd("picture:" + key, () => _files.PngOf(FindSubject(key).Display));

    /// <summary>The subject's picture at list size (96 pixels at most), so a page of photo thumbnails stays small.</summary>
    public byte[] ThumbnailPng(string key) => _pictures.GetOrAdd("thumbnail:" + key, () => _files.PngOf(PictureScaling.Fit(FindSubject(key).Display, ThumbnailSide)));

    public const int ThumbnailSide = 96;

    /// <summary>The map upsampled to the picture's size: blue-white-red on digits (as the report), JET on photos (as the notebook's overlay).</summary>
    public byte[] HeatmapPng(string resultId) => _pictures.GetOrAdd("heatmap:" + resultId, () =>
    {
        var explained = FindResult(resultId);
        var display = explained.Subject.Display;
        var upsampled = Overlay.Upsample(explained.Map, display.Width, display.Height);
        return _files.PngOf((Run.IsDigits ? Colormaps.Bwr : Colormaps.Jet).Apply(upsampled));
    });

    /// <summary>The notebook's overlay: cv2's JET overlay on a photo, heatmap × image on a digit.</summary>
    public byte[] OverlayPng(string resultId)
    {
        var explained = FindResult(resultId);
        if (!Run.IsDigits) return _files.PngOf(Overlay.OnPhoto(explained.Subject.Display, explained.Map));
        return _files.PngOf(Colormaps.Gray.Apply(Overlay.OnDigit(DigitPlane(explained.Subject), explained.Map)));
    }

    /// <summary>image | upsampled heatmap | overlay, as the run's panels figures.</summary>
    public byte[] PanelsPng(string resultId)
    {
        var explained = FindResult(resultId);
        var title = $"{explained.Subject.Title}: {explained.Method} at {LayerNames.Join(explained.Layers)}, class {Run.Names.NameOf(explained.TargetClass)}";
        return _files.Written(path => Figures.Panels(path, explained.Subject.Display, explained.Map,
            Run.IsDigits ? OverlayStyle.GreyDigit : OverlayStyle.ColourPhoto, title));
    }

    /// <summary>The map at feature resolution as float32 .npy, as the run's maps/ files.</summary>
    public byte[] MapNpy(string resultId)
    {
        var map = FindResult(resultId).Map;
        var flat = new float[map.Length];
        Buffer.BlockCopy(map, 0, flat, 0, flat.Length * sizeof(float));
        using var stream = new MemoryStream();
        Npy.Write(stream, flat, [map.GetLength(0), map.GetLength(1)]);
        return stream.ToArray();
    }

    /// <summary>A digit model's input is the grey picture in [0, 1] (mean 0, std 1): the plane "heatmap × image" multiplies.</summary>
    private static float[,] DigitPlane(Subject subject)
    {
        int height = (int)subject.InputShape[^2], width = (int)subject.InputShape[^1];
        var plane = new float[height, width];
        Buffer.BlockCopy(subject.Input, 0, plane, 0, height * width * sizeof(float));
        return plane;
    }

    private CamMethod CreateMethod(string method, IReadOnlyList<string> layers, string normalization) =>
        CamMethods.Create(method, Run.Model, layers, new CamOptions
        {
            Normalization = MapNormalizationNames.Parse(normalization)!.Value,   // validated
        });

    /// <summary>Checks the names before the request waits for the model; messages list what exists.</summary>
    private (string Method, IReadOnlyList<string> Layers, string Normalization) Validate(ExplainRequest request)
    {
        var method = CamMethods.Find(request.Method ?? Run.Method).Name;
        var layers = LayerNames.Split(request.Layer ?? Run.DefaultLayer);
        foreach (var layer in layers)
            if (Run.Layers.FirstOrDefault(l => l.Name == layer) is not { FeatureMapShape: not null })
                throw new RequestRefusedException(400, $"Layer '{layer}' is not a layer of this model with a spatial output; pick one from the layer list.");
        if (layers.Count == 0) throw new RequestRefusedException(400, "Name at least one layer.");
        var normalization = request.Normalization ?? Run.Normalization;
        if (MapNormalizationNames.Parse(normalization) is null)
            throw new RequestRefusedException(400, $"Normalisation '{normalization}': use divide-by-max or min-max.");
        return (method, layers, normalization);
    }

    /// <summary>null for the predicted class (chosen from the same forward pass), else the class asked for.</summary>
    private int? TargetOf(string? target, Subject subject)
    {
        if (string.IsNullOrWhiteSpace(target)) return null;
        var rule = TargetRule.Parse(target, Run.Names);
        if (rule == TargetRule.Predicted) return null;
        if (rule == TargetRule.True)
            return subject.TrueLabel ?? throw new RequestRefusedException(400, $"{subject.Title} has no true label; pick a class.");
        return rule.FixedClass;
    }

    public void Dispose() => _files.Dispose();
}
