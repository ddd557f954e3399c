namespace SharpCam.Data;

/// <summary>Data that ships with SharpCam, copied into every build output that references the library.</summary>
public static class BundledData
{
    /// <summary>
    /// The folder of the bundled MNIST sample (10,000 real digits: 9,000 train, 1,000 test, standard IDX .gz files,
    /// attribution in SOURCES.md): <c>&lt;output&gt;/data/mnist-sample</c>. The default data when the user names none;
    /// load it with <see cref="MnistDataset.Load"/>.
    /// </summary>
    public static string MnistSample { get; } = Path.Combine(AppContext.BaseDirectory, "data", "mnist-sample");

    /// <summary>
    /// The four sample photos (a cat, a coffee cup, an astronaut, a rocket; licences in SOURCES.md), copied from the
    /// repository's <c>samples/</c> to <c>&lt;output&gt;/data/samples</c>: the demo's photo section.
    /// </summary>
    public static string SamplePhotos { get; } = Path.Combine(AppContext.BaseDirectory, "data", "samples");
}
