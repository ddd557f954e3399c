using System.Runtime.CompilerServices;
using SharpCam.Data;
using SharpCam.Explanation;
using SharpCam.Images;
using SharpCam.Labels;
using SharpCam.Rendering;

namespace SharpCam.Runs;

/// <summary>
/// One item of a run before it is read: what it is called and where it comes from, and how to read it. Reading
/// (<see cref="Load"/>) happens on the run's background stage and may throw for a bad file (<see cref="InvalidDataException"/>,
/// <see cref="IOException"/>): the run then lists the item as skipped. <c>Load(keepDisplay)</c> returns the model input
/// (owned by the caller) and, when asked, the picture people see. <paramref name="Key"/> is the item's stable name across
/// machines (the split and index of a digit, a photo's path below the common folder of the photos), which decides its shard.
/// </summary>
public sealed record RunSourceItem(string Id, string Key, string? Source, long? Index, int? TrueLabel, Func<bool, ExplainInput> Load);

/// <summary>A C# caller's own picture for <see cref="RunSource.FromPictures(IEnumerable{RunPicture}, ImagePreprocessing, string)"/>.</summary>
/// <param name="Id">Unique within the run; used in output file names (letters, digits, '-' and '_' are kept).</param>
public sealed record RunPicture(string Id, RgbImage Picture, int? TrueLabel = null, string? Source = null);

/// <summary>
/// What a run explains, streamed item by item so memory does not grow with the data set: an IDX split with indices,
/// photo files (a file, a folder, an ImageFolder tree, a glob), or any enumerable of pictures from C#. The sequence
/// must come out the same each time it is enumerated: a resumed run skips what the first one finished by position, and
/// the grid and sanity check read the first items again at the end.
/// </summary>
public sealed class RunSource
{
    private readonly Func<CancellationToken, IAsyncEnumerable<RunSourceItem>> _items;

    private RunSource(ManifestData data, Func<CancellationToken, IAsyncEnumerable<RunSourceItem>> items) => (Data, _items) = (data, items);

    /// <summary>The manifest's data section (source, split, count; count is the number of items, or 0 when not known up front).</summary>
    public ManifestData Data { get; }

    public IAsyncEnumerable<RunSourceItem> Items(CancellationToken cancellation = default) => _items(cancellation);

    /// <summary>Chosen images of an MNIST-format split; ids like "test-0003" carry the split and the index in the file.</summary>
    public static RunSource FromMnist(MnistDataset data, IReadOnlyList<int> indices)
    {
        var split = data.Split == MnistSplit.Test ? "test" : "train";
        var labels = data.Labels.data<long>().ToArray();
        var items = indices.Select(i =>
        {
            var (id, sourceIndex, label) = ($"{split}-{data.SourceIndices[i]:D4}", data.SourceIndices[i], (int)labels[i]);
            return new RunSourceItem(id, $"{split}:{sourceIndex}", data.ImagesPath, sourceIndex, label, keep =>
            {
                var image = data.Images[i];
                return new ExplainInput(id, data.ImagesPath, sourceIndex, image, keep ? TensorImages.ToRgbImage(image) : null, label);
            });
        });
        return new RunSource(new ManifestData { Source = Path.GetDirectoryName(data.ImagesPath), Split = split, Count = indices.Count },
            c => ToAsync(items, c));
    }

    /// <summary>
    /// Photo files, preprocessed for the model; the picture shown is the photo as read (the overlay is laid over it at
    /// full size, as the notebook does). Ids are the running number and the file name ("0003-chelsea"); an ImageFolder
    /// class folder that names a class becomes the true label. A file larger than <paramref name="maxPixels"/> is refused
    /// from its header, before it is decoded. <paramref name="selection"/>: positions in <paramref name="images"/> to run
    /// (ids keep the position in the whole list); null runs them all. <paramref name="decoding"/>: see <see cref="PhotoDecoding"/>.
    /// </summary>
    public static RunSource FromImages(IReadOnlyList<ImageInput> images, ImagePreprocessing preprocessing, ClassNames names,
                                       long maxPixels, string? description = null, IReadOnlyList<int>? selection = null,
                                       PhotoDecoding decoding = PhotoDecoding.Full)
    {
        var reduced = decoding.ReadOptions(preprocessing);
        var positions = selection ?? Enumerable.Range(0, images.Count).ToList();
        var root = CommonFolder(images.Select(i => Path.GetFullPath(i.Path)));
        var items = positions.Select(position =>
        {
            var image = images[position];
            var id = $"{position:D4}-{SafeName(Path.GetFileNameWithoutExtension(image.Path))}";
            var label = image.FolderLabel is null ? null : names.MatchFolder(image.FolderLabel);
            var source = Path.GetFullPath(image.Path);
            var key = Path.GetRelativePath(root, source).Replace(Path.DirectorySeparatorChar, '/');
            return new RunSourceItem(id, key, source, null, label, keep =>
            {
                ImageLimits.CheckPixels(image.Path, maxPixels);
                // Reduced decoding reads the file twice for a shown item: the model's pixels must not depend on --figures.
                var photo = keep || reduced is null ? ImageFile.Read(image.Path) : null;
                var input = reduced is null ? photo! : ImageFile.Read(image.Path, reduced);
                return new ExplainInput(id, source, null, preprocessing.ToTensor(input), photo, label);
            });
        });
        return new RunSource(new ManifestData { Source = description, Count = positions.Count, Decoding = reduced is null ? null : "reduced" },
                             c => ToAsync(items, c));
    }

    /// <summary>
    /// Photo files as the command line takes them: files, folders (recursive; ImageFolder class folders become true
    /// labels) and globs (<see cref="ImageInputs.Expand"/>), then as <see cref="FromImages"/>.
    /// </summary>
    public static RunSource FromFiles(IReadOnlyList<string> arguments, ImagePreprocessing preprocessing, ClassNames names,
                                      long maxPixels = ImageLimits.DefaultMaxPixels) =>
        FromImages(ImageInputs.Expand(arguments), preprocessing, names, maxPixels, string.Join(", ", arguments.Select(Path.GetFullPath)));

    /// <summary>A C# caller's pictures, preprocessed for the model as photos are.</summary>
    public static RunSource FromPictures(IEnumerable<RunPicture> pictures, ImagePreprocessing preprocessing, string description = "pictures") =>
        FromPictures(ToAsync(pictures, default), preprocessing, description);

    /// <inheritdoc cref="FromPictures(IEnumerable{RunPicture}, ImagePreprocessing, string)"/>
    public static RunSource FromPictures(IAsyncEnumerable<RunPicture> pictures, ImagePreprocessing preprocessing, string description = "pictures") =>
        new(new ManifestData { Source = description }, c => Pictures(pictures, preprocessing, c));

    private static async IAsyncEnumerable<RunSourceItem> Pictures(IAsyncEnumerable<RunPicture> pictures, ImagePreprocessing preprocessing,
                                                                  [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var picture in pictures.WithCancellation(cancellation))
        {
            var id = SafeName(picture.Id);
            yield return new RunSourceItem(id, id, picture.Source, null, picture.TrueLabel, keep =>
                new ExplainInput(id, picture.Source, null, preprocessing.ToTensor(picture.Picture), keep ? picture.Picture : null, picture.TrueLabel));
        }
    }

    /// <summary>
    /// Only the items of one shard (<see cref="Shard.Contains"/> on their keys); ids stay those of the whole data set,
    /// so the shards of a run can be merged. Counting the shard's items reads no file.
    /// </summary>
    public RunSource Sharded(Shard shard)
    {
        if (shard.IsAll) return this;
        var count = Data.Count > 0 ? Count(shard) : 0;
        return new RunSource(Data with { Count = count, Shard = shard.ToString() }, c => Filter(_items(c), shard, c));
    }

    private int Count(Shard shard)
    {
        int count = 0;
        var items = _items(default).GetAsyncEnumerator();
        try
        {
            while (items.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                if (shard.Contains(items.Current.Key)) count++;
        }
        finally
        {
            items.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return count;
    }

    private static async IAsyncEnumerable<RunSourceItem> Filter(IAsyncEnumerable<RunSourceItem> items, Shard shard,
                                                                [EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var item in items.WithCancellation(cancellation))
            if (shard.Contains(item.Key)) yield return item;
    }

    /// <summary>The deepest folder holding every path (the photos' root, whatever it is mounted as on each machine).</summary>
    private static string CommonFolder(IEnumerable<string> paths)
    {
        string? common = null;
        foreach (var folder in paths.Select(p => Path.GetDirectoryName(p) ?? p))
        {
            common ??= folder;
            while (!(folder == common || folder.StartsWith(common.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
                common = Path.GetDirectoryName(common) ?? "";
        }
        return common ?? "";
    }

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items, [EnumeratorCancellation] CancellationToken cancellation)
    {
        foreach (var item in items)
        {
            cancellation.ThrowIfCancellationRequested();
            yield return item;
        }
        await Task.CompletedTask;
    }

    /// <summary>Names become parts of output file names: keep letters, digits, '-' and '_'.</summary>
    private static string SafeName(string name)
    {
        var safe = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return safe.Length > 40 ? safe[..40] : safe;
    }
}
